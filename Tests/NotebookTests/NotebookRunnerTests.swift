// Running notebooks: outputs of print and of the last expression, parameters, errors located
// by file line, raises cells, interruption.
import GemmaLang
import XCTest
@testable import Notebook

final class NotebookRunnerTests: XCTestCase {
    private func notebook(_ text: String, file: String = "nb.gnb") throws -> Notebook {
        try Notebook.parse(text, file: file)
    }

    func testOutputsArePrintsThenTheLastValue() throws {
        let nb = try notebook("""
            #%% markdown
            # Not run

            #%% code
            let xs = [1, 2, 3]
            print("sum", xs.sum())
            xs.map(fn (x) => x * 10)

            #%% code
            let name = "Ada"

            #%% code
            print("hello \\(name)")

            #%% code
            name

            #%% code
            nil

            """)
        var streamed: [(Int, String)] = []
        var printed: [String] = []
        let runner = NotebookRunner(interpreter: Interpreter())
        runner.onCellOutput = { cell, text in streamed.append((cell.line, text)) }
        runner.onPrint = { printed.append($0) }
        let result = try runner.run(nb)
        XCTAssertEqual(result.outcome, .succeeded)
        XCTAssertEqual(result.exitStatus, 0)
        XCTAssertEqual(result.cells.map(\.index), [1, 2, 3, 4, 5])
        XCTAssertEqual(result.cells.map(\.output.text), ["sum 6\n[10, 20, 30]", "", "hello Ada", "\"Ada\"", ""])
        XCTAssertEqual(streamed.map(\.1), result.cells.map(\.output.text))
        XCTAssertEqual(streamed.map(\.0), [4, 9, 12, 15, 18])
        XCTAssertEqual(printed, ["sum 6\n", "hello Ada\n"])
        XCTAssertEqual(result.notebook.cells[1].output?.text, "sum 6\n[10, 20, 30]")
        XCTAssertNil(result.notebook.cells[2].output)
        XCTAssertNil(result.notebook.cells[5].output)
        XCTAssertEqual(result.report, "nb.gnb: ran 5 code cells")
    }

    func testTheRunnerRestoresTheInterpretersOutputAndWidth() throws {
        let interpreter = Interpreter()
        var outside: [String] = []
        interpreter.output = { outside.append($0) }
        interpreter.displayWidth = 33
        _ = try NotebookRunner(interpreter: interpreter).run(try notebook("#%% code\nprint(1)\n"))
        XCTAssertEqual(interpreter.displayWidth, 33)
        _ = interpreter.run("print(2)")
        XCTAssertEqual(outside, ["2\n"])
    }

    func testLongValuesUseTheFixedDisplayWidth() throws {
        let result = try NotebookRunner(interpreter: Interpreter()).run(try notebook("#%% code\nrange(150).list()\n"))
        XCTAssertTrue(result.cells[0].output.text.hasSuffix("99, … (50 more)]"), result.cells[0].output.text)
    }

    // MARK: parameters

    static let parameterized = """
        #%% parameters
        let prompt = "The capital of France is"
        let layer = 3
        let (low, high) = [0, 1]
        if true {
          let hidden = 1
        }
        let text = "a
        let fake = 2"

        #%% code
        print(prompt, layer, low, high, type(prompt), type(layer))

        """

    private func output(with parameters: [String: String]) throws -> String {
        let runner = NotebookRunner(interpreter: Interpreter())
        let result = try runner.run(try notebook(Self.parameterized), parameters: parameters)
        XCTAssertEqual(result.outcome, .succeeded, result.report)
        return result.cells.last?.output.text ?? ""
    }

    func testParametersOverrideTheDefaults() throws {
        XCTAssertEqual(try output(with: [:]), "The capital of France is 3 0 1 string number")
        XCTAssertEqual(try output(with: ["prompt": "\"Paris\"", "layer": "5"]), "Paris 5 0 1 string number")
        XCTAssertEqual(try output(with: ["high": "[1, 'two', [true, nil]]", "low": "-2.5e1"]),
                       "The capital of France is 3 -25 [1, \"two\", [true, nil]] string number")
        XCTAssertEqual(try output(with: ["layer": "0x1F", "prompt": "true"]), "true 31 0 1 bool number")
    }

    func testNonLiteralValuesArePlainStrings() throws {
        XCTAssertEqual(try output(with: ["prompt": "Hello world"]), "Hello world 3 0 1 string number")
        // An expression is not run: `print(99)` stays text.
        XCTAssertEqual(try output(with: ["prompt": "print(99)"]), "print(99) 3 0 1 string number")
        XCTAssertEqual(try output(with: ["layer": "1 + 2"]), "The capital of France is 1 + 2 0 1 string string")
        XCTAssertEqual(try output(with: ["layer": "12abc"]), "The capital of France is 12abc 0 1 string string")
        // Interpolation is an expression too; an invalid escape is no literal.
        XCTAssertEqual(try output(with: ["prompt": "\"a \\(1 + 1)\""]), "\"a \\(1 + 1)\" 3 0 1 string number")
        XCTAssertEqual(try output(with: ["prompt": "\"bad \\q\""]), "\"bad \\q\" 3 0 1 string number")
        XCTAssertEqual(try output(with: ["prompt": ""]), " 3 0 1 string number")
    }

    func testUnknownParametersAreRefusedBeforeRunning() throws {
        let interpreter = Interpreter()
        let runner = NotebookRunner(interpreter: interpreter)
        for name in ["promt", "hidden", "fake"] {
            XCTAssertThrowsError(try runner.run(try notebook(Self.parameterized), parameters: [name: "1"])) { error in
                XCTAssertEqual(error as? NotebookError, .unknownParameter(
                    file: "nb.gnb", name: name, available: ["prompt", "layer", "low", "high", "text"]))
                XCTAssertEqual("\(error)", "nb.gnb: unknown parameter '\(name)' (the parameters cell defines: prompt, layer, low, high, text)")
            }
        }
        XCTAssertNil(interpreter.lookup("prompt"), "no cell ran")
        XCTAssertThrowsError(try runner.run(try notebook("#%% code\n1\n"), parameters: ["b": "1", "a": "2"])) { error in
            XCTAssertEqual(error as? NotebookError, .noParametersCell(file: "nb.gnb", parameters: ["a", "b"]))
        }
    }

    // MARK: errors

    func testRuntimeErrorStopsAtTheFileLineWithCaret() throws {
        let nb = try notebook("""
            #%% markdown
            Three lines
            of text.

            #%% code id=setup
            let scores = [3, 4]
            print("ready")

            #%% output
            ready

            #%% code id=boom
            let total = scores.sum()
            print("before")
            let label = "total: " + total

            #%% code
            print("never")

            """, file: "Notebooks/lesson.gnb")
        let result = try NotebookRunner(interpreter: Interpreter()).run(nb)
        XCTAssertEqual(result.outcome, .failed)
        XCTAssertEqual(result.exitStatus, 1)
        XCTAssertEqual(result.stoppedAt, 2)
        XCTAssertEqual(result.cells.map(\.index), [1, 2])
        let error = try XCTUnwrap(result.error)
        XCTAssertEqual(error.diagnostics.first?.line, 15)
        XCTAssertEqual(error.diagnostics.first?.column, 13)
        let diagnostic = """
            lesson.gnb:15:13: error: cannot add string and number; to put a number into text use interpolation, "total: \\(x)", or str(x)
            let label = "total: " + total
                        ^~~~~~~~~~~~~~~~~
            """
        XCTAssertEqual(error.output, CellOutput(text: "before\n" + diagnostic, isError: true))
        XCTAssertEqual(result.report, diagnostic + "\nlesson.gnb: stopped by an error in cell 3 (id=boom, line 12)")
        XCTAssertEqual(result.notebook.cells[2].output?.isError, true)
    }

    func testSyntaxErrorsReportEveryLineOfTheCell() throws {
        let nb = try notebook("#%% code\nlet a = 1\n\n#%% code\nlet b = (1\nlet c = 2 +\n")
        let result = try NotebookRunner(interpreter: Interpreter()).run(nb)
        XCTAssertEqual(result.outcome, .failed)
        XCTAssertEqual(result.error?.diagnostics.map(\.line), [6, 6])
        XCTAssertEqual(result.error?.diagnostics.map(\.column), [1, 12])
        XCTAssertEqual(result.report, """
            nb.gnb:6:1: error: expected ')' to close the '(' at 5:9, got 'let'
            let c = 2 +
            ^~~
            nb.gnb:6:12: error: expected an expression, got end of input
            let c = 2 +
                       ^
            nb.gnb: stopped by an error in cell 2 (line 4)
            """)
    }

    func testRaisesCellsLetTheRunGoOn() throws {
        let nb = try notebook("#%% code raises\nerror(\"on purpose\")\n\n#%% code\nprint(\"after\")\n")
        let result = try NotebookRunner(interpreter: Interpreter()).run(nb)
        XCTAssertEqual(result.outcome, .succeeded, result.report)
        XCTAssertEqual(result.cells.map(\.output.isError), [true, false])
        XCTAssertEqual(result.cells[0].output.text, "nb.gnb:2:1: error: on purpose\nerror(\"on purpose\")\n^~~~~~~~~~~~~~~~~~~")
        XCTAssertEqual(result.notebook.serialized(), """
            #%% code raises
            error("on purpose")

            #%% output error
            nb.gnb:2:1: error: on purpose
            error("on purpose")
            ^~~~~~~~~~~~~~~~~~~

            #%% code
            print("after")

            #%% output
            after

            """)
    }

    // MARK: interruption

    func testInterruptionBetweenCells() throws {
        let interpreter = Interpreter()
        var stop = false
        interpreter.isInterrupted = { stop }
        let runner = NotebookRunner(interpreter: interpreter)
        runner.onCellOutput = { _, _ in stop = true }
        let result = try runner.run(try notebook("#%% code\n1\n\n#%% markdown\nx\n\n#%% code id=second\n2\n"))
        XCTAssertEqual(result.outcome, .interrupted)
        XCTAssertEqual(result.exitStatus, 130)
        XCTAssertEqual(result.stoppedAt, 2)
        XCTAssertEqual(result.cells.count, 1)
        XCTAssertEqual(result.report, "nb.gnb: interrupted at cell 3 (id=second, line 7)")
    }

    func testInterruptionInsideACell() throws {
        let interpreter = Interpreter()
        var ticks = 0
        interpreter.isInterrupted = { ticks >= 3 }
        let runner = NotebookRunner(interpreter: interpreter)
        runner.onPrint = { _ in ticks += 1 }
        let result = try runner.run(try notebook("#%% code\nwhile true { print(\"tick\") }\n\n#%% code\nprint(1)\n"))
        XCTAssertEqual(result.outcome, .interrupted)
        XCTAssertEqual(result.stoppedAt, 0)
        XCTAssertEqual(result.cells.count, 1)
        XCTAssertTrue(result.cells[0].output.text.hasPrefix("tick\ntick\ntick\nnb.gnb:2:"), result.cells[0].output.text)
        XCTAssertEqual(result.report, "nb.gnb: interrupted at cell 1 (line 1)")
    }
}
