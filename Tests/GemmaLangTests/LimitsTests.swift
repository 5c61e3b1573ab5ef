// Limits: deep nesting, runaway recursion, big allocations and deep data end in errors, not crashes.
import GemmaLang
import XCTest

final class LimitsTests: XCTestCase {
    private func firstError(_ source: String, limits: Limits = .default) -> String? {
        Interpreter(limits: limits).run(source).diagnostics.first?.message
    }

    func testVeryDeepNestingIsASyntaxError() {
        let parentheses = String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
        XCTAssertEqual(firstError(parentheses), "code is nested too deeply (limit 200)")
        let depth = 20_000
        let sources = [
            String(repeating: "[", count: depth) + String(repeating: "]", count: depth),
            String(repeating: "{", count: depth) + String(repeating: "}", count: depth),
            String(repeating: "-", count: depth) + "1",
            String(repeating: "not ", count: depth) + "true",
            "2" + String(repeating: " ** 2", count: depth),
            "if true { " + String(repeating: "if true { ", count: depth),
            "fn f() { " + String(repeating: "fn (x) => ", count: depth) + "1 }",
        ]
        for source in sources {
            let message = firstError(source)
            XCTAssertEqual(message, "code is nested too deeply (limit 200)", String(source.prefix(20)))
        }
    }

    func testLongOperatorChainsAreRefused() {
        for piece in [" + 1", "[0]", ".x", "(1)"] {
            let source = "x" + String(repeating: piece, count: 20_000)
            XCTAssertEqual(firstError(source), "expression is nested too deeply (limit 200)", piece)
        }
        let interpolation = String(repeating: "\"\\(", count: 20_000)
        XCTAssertEqual(firstError(interpolation), "string interpolation nested too deeply (limit 200)")
    }

    func testRunawayRecursionIsAnError() {
        XCTAssertEqual(firstError("fn f(n) { return f(n + 1) }\nf(0)"), "recursion depth limit (1000) exceeded")
        XCTAssertEqual(firstError("let f = fn (n) => f(n)\nf(0)"), "recursion depth limit (1000) exceeded")
        XCTAssertEqual(firstError("fn f(xs) => xs.map(f)\nlet xs = [1]\nxs[0] = xs\nf(xs)"),
                       "recursion depth limit (1000) exceeded")
    }

    func testStackGuardCatchesRecursionBeforeTheCallLimit() {
        // A small stack and a huge call limit: the stack check must stop the recursion.
        let limits = Limits(maxCallDepth: 10_000_000, stackSize: 4 << 20, stackReserve: 1 << 20)
        let nested = String(repeating: "(", count: 50) + "f(n + 1)" + String(repeating: ")", count: 50)
        XCTAssertEqual(firstError("fn f(n) { return 1 + \(nested) }\nf(0)", limits: limits),
                       "recursion depth limit (10000000) exceeded")
    }

    func testAllocationLimits() {
        let small = Limits(maxCollectionCount: 1000, maxStringBytes: 1000)
        XCTAssertEqual(firstError("let xs = []\nwhile true { xs.push(1) }", limits: small),
                       "list of 1001 items exceeds the limit of 1000 items (Limits.maxCollectionCount)")
        XCTAssertEqual(firstError("let s = \"ab\"\nwhile true { s += s }", limits: small),
                       "string of 1024 bytes exceeds the limit of 1000 bytes (Limits.maxStringBytes)")
        XCTAssertEqual(firstError("let m = {}\nfor i in 0..<2000 { m[i] = i }", limits: small),
                       "map of 1001 items exceeds the limit of 1000 items (Limits.maxCollectionCount)")
        XCTAssertEqual(firstError("[1, 2] * 1e12"),
                       "list of 2000000000000 items exceeds the limit of 10000000 items (Limits.maxCollectionCount)")
        XCTAssertEqual(firstError("\"\\(\"x\" * 1e12)\""),
                       "string of 1000000000000 bytes exceeds the limit of 100000000 bytes (Limits.maxStringBytes)")
        XCTAssertEqual(firstError("range(0, 1e9).list()"),
                       "list of 1000000000 items exceeds the limit of 10000000 items (Limits.maxCollectionCount)")
    }

    func testDeeplyNestedDataIsFreedAndPrintedSafely() {
        let interpreter = Interpreter()
        let built = interpreter.run("""
            let deep = []
            let m = {}
            for i in 0..<100000 {
              deep = [deep]
              m = {inner: m}
            }
            str(deep)
            """)
        XCTAssertEqual(built.diagnostics.map(\.message), [])
        XCTAssertTrue(built.value?.stringValue?.hasPrefix("[[[[") ?? false)
        XCTAssertEqual(interpreter.run("deep == deep").value?.repr, "true")
        XCTAssertEqual(interpreter.run("let other = [[[1]]]\nother == deep").value?.repr, "false")
        XCTAssertEqual(interpreter.run("[deep[0]] == deep").value?.repr, "true", "shared inner lists compare by identity")
        let twin = "let twin = []\nfor i in 0..<100000 { twin = [twin] }\ntwin == deep"
        XCTAssertEqual(interpreter.run(twin).diagnostics.first?.message, "values are nested too deeply to compare")
        XCTAssertEqual(interpreter.run("twin < deep").diagnostics.first?.message, "values are nested too deeply to compare")
        // Dropping 100 000 nested lists and maps on this (main) thread must not recurse.
        interpreter.reset()
        XCTAssertNil(interpreter.lookup("deep"))
    }
}

extension LimitsTests {
    func testLongClosureChainsAreFreedSafely() {
        let interpreter = Interpreter()
        let result = interpreter.run("""
            fn wrap(inner) => fn () => inner() + 1
            let f = fn () => 0
            for i in 0..<100000 { f = wrap(f) }
            let g = fn () => 0
            for i in 0..<100000 {
              let previous = g
              g = fn () => previous()
            }
            f()
            """)
        XCTAssertEqual(result.diagnostics.first?.message, "recursion depth limit (1000) exceeded")
        // Dropping the 100 000-long chains of closures and scopes on this (main) thread.
        interpreter.reset()
        XCTAssertNil(interpreter.lookup("f"))
    }

    func testSlicingAHugeRangeChecksTheLimitFirst() {
        XCTAssertEqual(firstError("(0..<1e15)[::1]"),
                       "list of 1000000000000000 items exceeds the limit of 10000000 items (Limits.maxCollectionCount)")
        XCTAssertEqual(Interpreter().run("(0..<1e15)[-3:]").value?.repr, "[999999999999997, 999999999999998, 999999999999999]")
        XCTAssertEqual(firstError("let m = {}\nfor i in 0..<2000 { m.x = 1\nm[\"k\\(i)\"] = i }",
                                  limits: Limits(maxCollectionCount: 1000)),
                       "map of 1001 items exceeds the limit of 1000 items (Limits.maxCollectionCount)")
    }
}
