// The REPL driven for real in a pseudo-terminal: typing, located errors, continuation lines,
// history recall within and across sessions, tab completion, Ctrl-C and Ctrl-D.
import Foundation
import XCTest

final class REPLTerminalTests: XCTestCase {
    /// HOME for the REPL, with the history under `state/` (XDG_STATE_HOME).
    var home = URL(fileURLWithPath: "/nonexistent")
    var terminals: [PseudoTerminal] = []

    var historyFile: URL { home.appendingPathComponent("state/gemma-repl/history") }

    override func setUpWithError() throws {
        // A hyphen in the folder name exercises completing paths past a word break.
        home = FileManager.default.temporaryDirectory.appendingPathComponent("repl-pty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    }

    override func tearDown() {
        terminals.forEach { $0.close() }
        terminals = []
        try? FileManager.default.removeItem(at: home)
    }

    /// gemma-repl on the tiny Gemma 2 fixture in a 100×40 xterm, waiting for its first prompt.
    func startREPL(file: StaticString = #filePath, line: UInt = #line) throws -> PseudoTerminal {
        var environment = ProcessInfo.processInfo.environment
        for name in ["COLUMNS", "LINES", "NO_COLOR", "GEMMA_MODEL"] { environment[name] = nil }
        environment["TERM"] = "xterm"
        environment["HOME"] = home.path
        environment["XDG_STATE_HOME"] = home.appendingPathComponent("state").path
        let terminal = try PseudoTerminal(executable: try CLI.binary().path,
                                          arguments: ["--model", CLI.fixture("tiny-gemma2-f32.gguf"), "--threads", "1"],
                                          environment: environment)
        terminals.append(terminal)
        XCTAssertTrue(terminal.waitFor("gemma> ", timeout: 20, file: file, line: line))
        return terminal
    }

    /// Types `input` and Enter, waits for `expected` and then for the next prompt.
    func evaluate(_ terminal: PseudoTerminal, _ input: String, expect expected: String? = nil,
                  file: StaticString = #filePath, line: UInt = #line) {
        terminal.enter(input)
        if let expected { terminal.waitFor(expected, file: file, line: line) }
        terminal.waitFor("gemma> ", file: file, line: line)
    }

    func testValuesAndLocatedErrorsKeepTheSession() throws {
        let repl = try startREPL()
        evaluate(repl, "let x = 41")
        evaluate(repl, "x + 1", expect: "\n42\n")

        // A syntax error: file:line:column, the message, the source line and a caret under `*`.
        repl.enter("x +* 2")
        repl.waitFor("<repl>:1:4: error: expected an expression")
        repl.waitFor("\nx +* 2\n   ^\n")
        repl.waitFor("gemma> ")
        evaluate(repl, "x * 2", expect: "\n82\n")

        // A runtime error ends only that input.
        evaluate(repl, "let y = nope + 1", expect: "undefined variable 'nope'")
        evaluate(repl, "x - 1", expect: "\n40\n")
    }

    func testOpenBracketsAndBlocksAskForMoreLines() throws {
        let repl = try startREPL()
        repl.enter("let ys = [1,")
        repl.waitFor("...> ")
        evaluate(repl, "2, 3]")
        evaluate(repl, "ys", expect: "[1, 2, 3]")

        evaluate(repl, "let total = 0")
        repl.enter("for i in ys {")
        repl.waitFor("...> ")
        repl.enter("total += i * 10")
        repl.waitFor("...> ")
        evaluate(repl, "}")
        evaluate(repl, "total", expect: "\n60\n")

        // An open string continues too.
        repl.enter("let s = \"two")
        repl.waitFor("...> ")
        evaluate(repl, "lines\"")
        evaluate(repl, "s.len()", expect: "\n9\n")

        // Ctrl-C at a continuation prompt drops the unfinished input.
        repl.enter("let zs = [")
        repl.waitFor("...> ")
        repl.send(PseudoTerminal.controlC)
        repl.waitFor("gemma> ")
        evaluate(repl, "zs", expect: "undefined variable 'zs'")
    }

    func testHistoryIsRecalledWithUpAndKeptAcrossSessions() throws {
        let first = try startREPL()
        evaluate(first, "6*7", expect: "\n42\n")
        evaluate(first, "let other = 1")
        // Up twice goes back past `let other = 1` to `6*7`.
        first.send(PseudoTerminal.up + PseudoTerminal.up)
        evaluate(first, "", expect: "\n42\n")
        first.send(PseudoTerminal.controlD)
        XCTAssertEqual(first.waitForExit(timeout: 5), 0)

        let saved = try String(contentsOf: historyFile, encoding: .utf8)
        XCTAssertTrue(saved.contains("6*7"), saved)
        let folder = try FileManager.default.contentsOfDirectory(atPath: historyFile.deletingLastPathComponent().path)
        XCTAssertEqual(folder, ["history"], "no temporary file is left beside the history")

        // A new session starts with the old history: Up brings back `6*7`. `:quit` saves too.
        let second = try startREPL()
        second.send(PseudoTerminal.up)
        evaluate(second, "", expect: "\n42\n")
        evaluate(second, "let second = 2")
        second.enter(":quit")
        XCTAssertEqual(second.waitForExit(timeout: 5), 0)
        let both = try String(contentsOf: historyFile, encoding: .utf8)
        XCTAssertTrue(both.contains("6*7") && both.contains("second"), both)
    }

    /// Each input is in the history file as soon as it is entered: a session killed outright
    /// (a closed terminal, a power cut) loses nothing typed before.
    func testHistoryIsSavedAfterEveryInput() throws {
        let terminal = try startREPL()
        evaluate(terminal, "let kept = 40 + 2", expect: nil)
        kill(terminal.pid, SIGKILL)
        XCTAssertNotNil(terminal.waitForExit(timeout: 5))
        // libedit writes a space as \040.
        let saved = try String(contentsOf: historyFile, encoding: .utf8).replacingOccurrences(of: "\\040", with: " ")
        XCTAssertTrue(saved.contains("let kept = 40 + 2"), saved)
    }

    func testTabCompletesBuiltinsMembersHooksPathsAndMetaCommands() throws {
        let repl = try startREPL()
        let tab = PseudoTerminal.tab
        // A builtin: `tokeni` becomes `tokenize`, or the call fails.
        repl.send("tokeni" + tab)
        evaluate(repl, "(\" the man\").ids", expect: "[2, 305, 408]")

        // The cursor in the middle of the line: only the text before it is completed.
        repl.send("tokeni(\" the\").ids" + String(repeating: PseudoTerminal.left, count: 12) + tab)
        evaluate(repl, "", expect: "[2, 305]")

        // A member of a Tensor.
        evaluate(repl, "let tr = run(\"the man\")")
        repl.send("tr.logits.sh" + tab)
        evaluate(repl, "", expect: "[5, 512]")

        // A hook name inside a string.
        repl.send("tr[\"blocks.1.hook_resid_po" + tab)
        evaluate(repl, "\"].shape", expect: "[5, 64]")

        // A file path inside a string, past the `/` and `-` that end libedit's words.
        let saved = home.appendingPathComponent("final-logits.npy").path
        evaluate(repl, "tr.logits.save(\"\(saved)\")")
        repl.send("load_npy(\"\(home.path)/final-lo" + tab)
        evaluate(repl, "\").shape", expect: "[5, 512]")

        // Help on a name, and a meta command.
        repl.send("?tokeni" + tab)
        evaluate(repl, "", expect: "tokenize(text, bos: true")
        repl.send(":verb" + tab)
        evaluate(repl, " on", expect: "verbose on")
        XCTAssertFalse(repl.transcript.contains("\\"), "completion put a backslash on the line:\n\(repl.transcript)")
    }

    func testControlCStopsALongEvaluationAndKeepsTheSession() throws {
        let repl = try startREPL()
        evaluate(repl, "let x = 41")
        // A busy loop, a loop that floods the terminal, and forward passes in a loop.
        for endless in ["while true { x = x }", "while true { print(x) }", "while true { run(\"the man\") }"] {
            repl.enter(endless)
            repl.waitFor(endless + "\n")
            Thread.sleep(forTimeInterval: 0.3)  // well inside the loop
            let pressed = Date()
            repl.send(PseudoTerminal.controlC)
            repl.waitFor("interrupted", timeout: 5)
            repl.waitFor("gemma> ", timeout: 5)
            let seconds = Date().timeIntervalSince(pressed)
            XCTAssertLessThan(seconds, 1.0, "\(endless): back at the prompt after \(seconds) s")
            evaluate(repl, "x + 1", expect: "\n42\n")
        }
    }

    func testControlCAtThePromptStaysAndControlDLeaves() throws {
        let repl = try startREPL()
        evaluate(repl, "let kept = 7")
        repl.send("partial")
        repl.waitFor("partial")
        repl.send(PseudoTerminal.controlC)
        repl.waitFor("gemma> ")
        repl.send(PseudoTerminal.controlC)
        repl.waitFor("gemma> ")
        XCTAssertNil(repl.waitForExit(timeout: 0.3), "Ctrl-C at the prompt must not end the REPL")
        evaluate(repl, "kept * 6", expect: "\n42\n")
        XCTAssertFalse(repl.transcript.contains("'partial'"), "the input dropped by Ctrl-C was run:\n\(repl.transcript)")

        repl.send(PseudoTerminal.controlD)
        XCTAssertEqual(repl.waitForExit(timeout: 5), 0)
    }
}
