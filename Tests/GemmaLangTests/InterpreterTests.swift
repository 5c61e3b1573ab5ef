// The interpreter's API: output capture, results, globals across runs, interruption,
// natives, calls from the host, diagnostics and tracebacks.
import Foundation
import GemmaLang
import XCTest

final class InterpreterTests: XCTestCase {
    func testOutputIsCapturedAndLastExpressionIsTheValue() {
        let interpreter = Interpreter()
        let box = OutputBox()
        interpreter.output = { box.text += $0 }
        let result = interpreter.run("print(1, \"a\", [\"b\"])\nprint()\n1 + 2")
        XCTAssertEqual(box.text, "1 a [\"b\"]\n\n")
        XCTAssertEqual(result.value?.repr, "3")
        XCTAssertTrue(result.succeeded)
        XCTAssertNil(interpreter.run("let x = 5").value, "a let statement has no value")
        XCTAssertEqual(interpreter.run("x").value?.numberValue, 5)
        XCTAssertNil(interpreter.run("x = 6").value, "assignment is a statement")
    }

    func testGlobalsSurviveARuntimeError() {
        let interpreter = Interpreter()
        let failed = interpreter.run("let kept = [1, 2]\nfn f() => kept.len()\nlet broken = kept[5]\nlet after = 1")
        XCTAssertEqual(failed.diagnostics.map(\.shortForm), ["3:14: list index 5 out of range (the list has 2 items)"])
        XCTAssertNil(failed.value)
        XCTAssertEqual(interpreter.lookup("kept")?.repr, "[1, 2]")
        XCTAssertNil(interpreter.lookup("broken"))
        XCTAssertNil(interpreter.lookup("after"))
        XCTAssertEqual(interpreter.run("f()").value?.repr, "2")
        XCTAssertTrue(interpreter.globalNames().contains("kept"))
        XCTAssertFalse(interpreter.globalNames().contains("after"))
    }

    func testSyntaxErrorsRunNothing() {
        let interpreter = Interpreter()
        let result = interpreter.run("let ran = true\nlet = 3\nprint(\nlet x = (1 +\n")
        XCTAssertGreaterThanOrEqual(result.diagnostics.count, 2)
        XCTAssertTrue(result.diagnostics.allSatisfy { $0.kind == .syntax })
        XCTAssertNil(interpreter.lookup("ran"))
    }

    func testInterruptionStopsAnEndlessLoop() {
        let interpreter = Interpreter()
        let flag = InterruptFlag()
        interpreter.isInterrupted = { flag.isSet }
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { flag.set() }
        let start = Date()
        let result = interpreter.run("let n = 0\nwhile true { n += 1 }")
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertEqual(result.diagnostics.map(\.message), ["interrupted"])
        XCTAssertLessThan(elapsed, 0.7, "the loop must stop within 0.5 s of the flag")
        XCTAssertGreaterThan(interpreter.lookup("n")?.numberValue ?? 0, 0)
    }

    func testInterruptionStopsRecursionAndNativeCallbacks() {
        let interpreter = Interpreter()
        let flag = InterruptFlag()
        interpreter.isInterrupted = { flag.isSet }
        flag.set()
        XCTAssertEqual(interpreter.run("fn f() => 1\nf()").diagnostics.map(\.message), ["interrupted"])
        XCTAssertEqual(interpreter.run("for i in 0..<3 { }").diagnostics.map(\.message), ["interrupted"])
        XCTAssertEqual(interpreter.run("len([])").diagnostics.map(\.message), ["interrupted"])
    }

    func testResetForgetsUserVariablesButRestoresBuiltins() {
        let interpreter = Interpreter()
        interpreter.define("model_name", .string("gemma"))
        _ = interpreter.run("let my_value = 1\nlet len = 5\nmodel_name = \"changed\"")
        XCTAssertEqual(interpreter.lookup("len")?.repr, "5")
        interpreter.reset()
        XCTAssertNil(interpreter.lookup("my_value"))
        XCTAssertEqual(interpreter.lookup("model_name")?.repr, "\"gemma\"")
        XCTAssertEqual(interpreter.run("len([1, 2])").value?.repr, "2")
        XCTAssertEqual(interpreter.run("my_value").diagnostics.first?.message, "undefined variable 'my_value'")
    }

    func testRegisteredNativeReceivesPositionalAndNamedArguments() {
        let interpreter = Interpreter()
        let seen = OutputBox()
        interpreter.register(NativeFunction(signature: "generate(prompt, max: 40, temp: 0)",
                                            help: "Generates text.") { arguments, _ in
            seen.text = "\(arguments.positional.count) positional, named: \(arguments.named.keys.sorted())"
            let prompt = try arguments.string(0, name: "prompt")
            let max = try arguments.int(1, name: "max", default: 40)
            let temp = try arguments.number(2, name: "temp", default: 0)
            return .string("\(prompt)|\(max)|\(formatNumber(temp))")
        })
        XCTAssertEqual(interpreter.run("generate(\"hi\", temp: 0.5)").value?.stringValue, "hi|40|0.5")
        XCTAssertEqual(seen.text, "1 positional, named: [\"temp\"]")
        XCTAssertEqual(interpreter.run("generate(prompt: \"a\", max: 3)").value?.stringValue, "a|3|0")
        XCTAssertEqual(interpreter.run("generate(\"a\", max: \"many\")").diagnostics.first?.message,
                       "generate(): argument 'max' must be a whole number, got string")
        XCTAssertEqual(interpreter.run("generate(\"a\", top_k: 5)").diagnostics.first?.message,
                       "generate(): unknown argument 'top_k' (accepted: prompt, max, temp)")
        XCTAssertEqual(interpreter.run("generate()").diagnostics.first?.message, "generate(): missing argument 'prompt'")
        XCTAssertEqual(interpreter.run("generate(1, 2, 3, 4)").diagnostics.first?.message,
                       "generate() takes 3 arguments but 4 were given")
        XCTAssertEqual(interpreter.help(for: "generate"), "generate(prompt, max: 40, temp: 0)\n  Generates text.")
    }

    func testNativesCallBackIntoScriptsWithTracebacks() {
        let interpreter = Interpreter()
        interpreter.register(NativeFunction(signature: "apply_twice(fn, x)", help: "fn(fn(x))") { arguments, interpreter in
            let function = try arguments.callable(0, name: "fn")
            let once = try interpreter.call(function, Arguments(positional: [try arguments.value(1, name: "x")]))
            return try interpreter.call(function, Arguments(positional: [once]))
        })
        XCTAssertEqual(interpreter.run("apply_twice(fn (x) => x * 3, 2)").value?.repr, "18")
        let failing = interpreter.run("fn bad(x) {\n  return x + nil\n}\napply_twice(bad, 1)")
        let diagnostic = try? XCTUnwrap(failing.diagnostics.first)
        XCTAssertEqual(diagnostic?.shortForm, "2:10: cannot apply '+' to number and nil")
        XCTAssertEqual(diagnostic?.traceback, ["in fn bad at <input>:2:10", "at top level <input>:4:1"])
    }

    func testHostCanCallScriptFunctionsOutsideRun() throws {
        let interpreter = Interpreter()
        _ = interpreter.run("fn square(x, plus = 0) => x * x + plus")
        let square = try XCTUnwrap(interpreter.lookup("square"))
        let result = try interpreter.call(square, Arguments(positional: [4], named: ["plus": 1]))
        XCTAssertEqual(result.numberValue, 17)
        XCTAssertThrowsError(try interpreter.call(square, Arguments()))
    }

    func testDiagnosticRendering() throws {
        let interpreter = Interpreter()
        let result = interpreter.run("let total = 1\nprint(total + \"x\")", file: "cell 2")
        let diagnostic = try XCTUnwrap(result.diagnostics.first)
        XCTAssertEqual("\(diagnostic.file):\(diagnostic.line):\(diagnostic.column)", "cell 2:2:7")
        XCTAssertEqual(diagnostic.kind, .runtime)
        XCTAssertEqual(diagnostic.rendered(color: false), """
            cell 2:2:7: error: cannot add number and string; to put a number into text use interpolation, "total: \\(x)", or str(x)
            print(total + "x")
                  ^~~~~~~~~~~
            """)
        XCTAssertTrue(diagnostic.rendered(color: true).contains("\u{1B}[1;31merror:"))
        let syntax = try XCTUnwrap(interpreter.run("\tlet = 3", file: "t").diagnostics.first)
        XCTAssertEqual(syntax.rendered(color: false), "t:1:6: error: expected a name or '(' after 'let', got '='\n\tlet = 3\n\t    ^")
    }

    func testTracebackThroughNestedFunctions() throws {
        let interpreter = Interpreter()
        let source = """
            fn inner(x) {
              return x[3]
            }
            fn outer(x) {
              return inner(x) + 1
            }
            outer([1])
            """
        let diagnostic = try XCTUnwrap(interpreter.run(source, file: "cell").diagnostics.first)
        XCTAssertEqual(diagnostic.shortForm, "2:10: list index 3 out of range (the list has 1 item)")
        XCTAssertEqual(diagnostic.traceback, ["in fn inner at cell:2:10", "in fn outer at cell:5:10", "at top level cell:7:1"])
        XCTAssertTrue(diagnostic.rendered(color: false).hasSuffix("\n  in fn inner at cell:2:10\n  in fn outer at cell:5:10\n  at top level cell:7:1"))
    }

    func testFirstLineOffsetsPositions() throws {
        let interpreter = Interpreter()
        let diagnostic = try XCTUnwrap(interpreter.run("let a = 1\nprint(b)", file: "nb", firstLine: 10).diagnostics.first)
        XCTAssertEqual(diagnostic.shortForm, "11:7: undefined variable 'b'")
        XCTAssertEqual(diagnostic.sourceLine, "print(b)")
    }

    func testFunctionDefinedInOneRunFailingInAnother() throws {
        let interpreter = Interpreter()
        _ = interpreter.run("fn f(x) {\n  return -x\n}", file: "cell 1")
        let diagnostic = try XCTUnwrap(interpreter.run("f(\"s\")", file: "cell 2").diagnostics.first)
        XCTAssertEqual(diagnostic.file, "cell 1")
        XCTAssertEqual(diagnostic.sourceLine, "  return -x")
        XCTAssertEqual(diagnostic.traceback, ["in fn f at cell 1:2:10", "at top level cell 2:1:1"])
    }

    func testHelpLookups() {
        let interpreter = Interpreter()
        XCTAssertEqual(interpreter.help(for: "list.map"), "list.map(fn)\n  A new list of fn(item) for every item.")
        XCTAssertTrue(interpreter.help(for: "string")?.contains(".split(separator: nil)") ?? false)
        XCTAssertTrue(interpreter.help(for: "for")?.contains("enumerate") ?? false)
        XCTAssertNil(interpreter.help(for: "no_such_name"))
        let box = OutputBox()
        interpreter.output = { box.text += $0 }
        _ = interpreter.run("help()")
        XCTAssertTrue(box.text.contains("print(values...)"))
        XCTAssertTrue(box.text.contains("Constants: inf, pi"))
    }
}

/// A flag set from one thread and polled from the interpreter's.
final class InterruptFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
