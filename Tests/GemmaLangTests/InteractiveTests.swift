// REPL support: incomplete-input detection and tab completion.
import GemmaLang
import XCTest

final class InteractiveTests: XCTestCase {
    func testIncompleteInputAsksForMore() {
        let incomplete = [
            "let x = (1 +", "fn f() {", "if x {\n  print(1)", "\"abc", "'abc", "\"a \\(x", "\"a \\(f(\"b\")",
            "let x = 1 +", "xs.", "f(1,", "let m = {", "let xs = [\n1, 2,", "x =", "a and", "a ||",
            "let total = 1 + # a comment", "fn (x) =>", "\"line one\nline two",
        ]
        for source in incomplete {
            XCTAssertTrue(Interpreter.isIncomplete(source), "should be incomplete: \(source)")
        }
    }

    func testCompleteInputRunsNow() {
        let complete = [
            "", "let x = 1", "print(1)", "if x {\n}", "}", "(]", "let s = \"(\"", "print(1) # comment (",
            "let x = 1 +\n2", "xs.push(1)", "fn f() { }", "\"a \\(1 + 2) b\"", "let y = -1", "let z = 1 )",
        ]
        for source in complete {
            XCTAssertFalse(Interpreter.isIncomplete(source), "should be complete: \(source)")
        }
    }

    func testCompletesGlobalsAndKeywords() {
        let interpreter = Interpreter()
        XCTAssertEqual(interpreter.completions(for: "pr", cursor: 2), ["print"])
        XCTAssertEqual(interpreter.completions(for: "le", cursor: 2), ["len", "let"])
        _ = interpreter.run("let learning_rate = 0.1")
        XCTAssertEqual(interpreter.completions(for: "print(le", cursor: 8), ["learning_rate", "len", "let"])
        XCTAssertEqual(interpreter.completions(for: "print(le) + 1", cursor: 8), ["learning_rate", "len", "let"])
        XCTAssertEqual(interpreter.completions(for: "whi", cursor: 3), ["while"])
        XCTAssertEqual(interpreter.completions(for: "3", cursor: 1), [])
        XCTAssertTrue(interpreter.completions(for: "", cursor: 0).contains("sorted"))
    }

    func testCompletesMembersWithoutCallingAnything() {
        let interpreter = Interpreter()
        _ = interpreter.run("""
            let xs = [1]
            let model = {layers: 26, name: "gemma", config: {heads: 8, "not an identifier": 1}}
            let calls = 0
            fn f() {
              calls += 1
              return {secret: 1}
            }
            """)
        XCTAssertEqual(interpreter.completions(for: "xs.pu", cursor: 5), ["push"])
        XCTAssertEqual(interpreter.completions(for: "model.la", cursor: 8), ["layers"])
        XCTAssertEqual(interpreter.completions(for: "model.config.h", cursor: 14), ["has", "heads"])
        XCTAssertTrue(interpreter.completions(for: "model.", cursor: 6).contains("keys"))
        XCTAssertEqual(interpreter.completions(for: "\"abc\".up", cursor: 8), ["upper"])
        XCTAssertEqual(interpreter.completions(for: "f().se", cursor: 6), [])
        XCTAssertEqual(interpreter.completions(for: "xs[0].", cursor: 6), [])
        XCTAssertEqual(interpreter.completions(for: "nothing.x", cursor: 9), [])
        XCTAssertEqual(interpreter.completions(for: "(0..<3).co", cursor: 10), [])
        XCTAssertEqual(interpreter.lookup("calls")?.numberValue, 0, "completion must not call functions")
    }
}
