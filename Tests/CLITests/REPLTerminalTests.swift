// The REPL driven for real in a terminal (tmux): typing, continuation lines, history recall,
// tab completion, Ctrl-C during a long evaluation, Ctrl-D, and the history file.
import Foundation
import XCTest

final class REPLTerminalTests: XCTestCase {
    var session = ""
    var home = ""

    /// Runs a tmux command; with `capture`, returns what it printed. The command that starts the
    /// server must not get a pipe: the server keeps it open and reading it would never end.
    @discardableResult
    func tmux(_ arguments: [String], capture: Bool = true) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tmux"] + arguments
        let out = Pipe()
        process.standardOutput = capture ? out : FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = capture ? out.fileHandleForReading.readDataToEndOfFile() : Data()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    func screen() throws -> String { try tmux(["capture-pane", "-p", "-t", session, "-S", "-200"]) }

    /// Waits until the screen contains `text` (at most `seconds`).
    func waitFor(_ text: String, seconds: Double = 20, file: StaticString = #filePath, line: UInt = #line) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try screen().contains(text) { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTFail("the screen never showed \(text.debugDescription):\n\(try screen())", file: file, line: line)
    }

    func type(_ keys: String...) throws { try tmux(["send-keys", "-t", session] + keys, capture: false) }

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else { throw XCTSkip("tmux is not installed (scripts/install installs it)") }
        session = "gemma-repl-test-\(getpid())-\(Int.random(in: 0..<1_000_000))"
        home = FileManager.default.temporaryDirectory.appendingPathComponent(session).path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let binary = try CLI.binary().path
        let model = CLI.fixture("tiny-gemma2-f32.gguf")
        let command = "env HOME=\(home) XDG_STATE_HOME= TERM=xterm-256color \(binary) --model \(model) --threads 1; echo REPL-EXITED-$?; sleep 30"
        try tmux(["new-session", "-d", "-s", session, "-x", "120", "-y", "50", command], capture: false)
        try waitFor("gemma>")
    }

    override func tearDownWithError() throws {
        _ = try? tmux(["kill-session", "-t", session], capture: false)
        try? FileManager.default.removeItem(atPath: home)
    }

    func testTypingContinuationHistoryCompletionInterruptAndExit() throws {
        try type("let x = 41", "Enter")
        try type("x + 1", "Enter")
        try waitFor("42")

        // A bracket left open asks for another line.
        try type("let ys = [1,", "Enter")
        try waitFor("...>")
        try type("2, 3]", "Enter")
        try type("ys", "Enter")
        try waitFor("[1, 2, 3]")

        // History recall: Up twice brings back `x + 1`.
        try type("Up", "Up", "Enter")
        try waitFor("x + 1\n42\n", seconds: 10)

        // Tab completion of a builtin.
        try type("tokeni", "Tab")
        try type("ze(\" the man\").ids", "Enter")
        try waitFor("[2, 305, 408]")

        // Ctrl-C stops a long evaluation; the session keeps its variables.
        try type("while true { x = x }", "Enter")
        Thread.sleep(forTimeInterval: 0.8)
        try type("C-c")
        try waitFor("interrupted", seconds: 5)
        try type("x", "Enter")
        try waitFor("\n41\n")

        // A runtime error ends only that input.
        try type("nope + 1", "Enter")
        try waitFor("undefined variable 'nope'")
        try type("x * 2", "Enter")
        try waitFor("82")

        // Ctrl-D leaves and the history is saved.
        try type("C-d")
        try waitFor("REPL-EXITED-0")
        let history = try String(contentsOfFile: home + "/.local/state/gemma-repl/history", encoding: .utf8)
        XCTAssertTrue(history.contains("let x = 41"), history)
    }
}
