// gemma-repl as a user meets it on a bad day: prompts too long, absurd limits, too little memory,
// runaway scripts, folders that cannot be written, a notebook edited while it runs.
import Foundation
import XCTest

final class CLIHostileTests: XCTestCase {
    /// A path that cannot be created even by root: its parent is a regular file.
    private func unwritablePath(_ name: String) throws -> String {
        let blocker = try Paths.scratchFolder(self).appendingPathComponent("a-file")
        try Data("x".utf8).write(to: blocker)
        return blocker.path + "/sub/" + name
    }

    func testAPromptOverTheContextIsRefused() throws {
        let prompt = String(repeating: "the man was in the water ", count: 20)  // about 120 tokens; context 64
        let result = try GemmaREPL.run(["generate", "--model", Paths.tinyModel, prompt])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.err.contains("gemma-repl: error: the prompt is 1"), result.err)
        XCTAssertTrue(result.err.contains("tokens, longer than the context of 64 tokens"), result.err)
    }

    func testAnAbsurdTokenLimitIsClampedWithAMessage() throws {
        let result = try GemmaREPL.run(["generate", "--model", Paths.tinyModel, "--max", "100000000", "--json", "the man"])
        XCTAssertEqual(result.status, 0, result.err)
        let parsed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        let prompt = try XCTUnwrap(parsed["promptIds"] as? [Int])
        let generated = try XCTUnwrap(parsed["generatedIds"] as? [Int])
        let room = 64 - prompt.count
        XCTAssertTrue(result.err.contains("--max 100000000 is more than the context of 64 tokens; generating at most \(room)"), result.err)
        XCTAssertLessThanOrEqual(generated.count, room)
        XCTAssertGreaterThan(generated.count, 0)

        // generate() in the REPL says so too, and the session goes on.
        let repl = try GemmaREPL.run(["--model", Paths.tinyModel], input: "let s = generate(\"the man\", max: 1e9)\n40 + 2\n")
        XCTAssertEqual(repl.status, 0, repl.out + repl.err)
        XCTAssertTrue(repl.out.contains("generate(): max 1000000000 is more than the context of 64 tokens; generating at most \(room)"), repl.out)
        XCTAssertEqual(repl.out.split(separator: "\n").last, "42")
    }

    /// A model with a NaN weight: generation stops with the hook point that first produced a
    /// NaN, at the command line and in the REPL (where the session goes on).
    func testANaNIsNamedAtItsHookAndNothingIsSampledFromIt() throws {
        let model = try EditableModel.nanWeight(in: try Paths.scratchFolder(self))
        let result = try GemmaREPL.run(["generate", "--model", model, "the man"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.err.contains("gemma-repl: error: blocks.2.hook_mlp_out produced a NaN or infinite value (at flat index 0)"), result.err)
        let repl = try GemmaREPL.run(["--model", model], input: "generate(\"the man\")\n40 + 2\n")
        XCTAssertTrue(repl.out.contains("blocks.2.hook_mlp_out produced a NaN"), repl.out)
        XCTAssertEqual(repl.out.split(separator: "\n").last, "42")
    }

    /// run() and lens() capture what the pass made, NaN included, and say where it began.
    func testATraceAndTheLensNameTheirFirstNonFiniteValue() throws {
        let model = try EditableModel.nanWeight(in: try Paths.scratchFolder(self))
        let repl = try GemmaREPL.run(["--model", model], input: "run(\"the man\")\nlens(\"the man\")\n")
        XCTAssertTrue(repl.out.contains("warning: element 0 of blocks.2.hook_mlp_out is nan, the first value of this pass that is not finite"),
                      repl.out)
        XCTAssertTrue(repl.out.contains("(none: every logit is NaN)"), repl.out)
        XCTAssertTrue(repl.out.contains("warning: element 0 of blocks.2.hook_resid_post is not finite"), repl.out + repl.err)
        XCTAssertEqual(repl.status, 0, "and nothing failed:\n\(repl.err)")
        let healthy = try GemmaREPL.run(["--model", Paths.tinyModel], input: "run(\"the man\")\nlens(\"the man\")\n")
        XCTAssertFalse(healthy.out.contains("warning"), healthy.out)
    }

    func testAModelOverTheMemoryLimitIsRefusedWithTheEstimate() throws {
        let result = try GemmaREPL.run(["generate", "--model", Paths.tinyModel, "hello"],
                                       environment: ["GEMMA_MEMORY_LIMIT": "100K"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.err.contains("tiny-gemma2-f32.gguf: needs about"), result.err)
        XCTAssertTrue(result.err.contains("KV cache for 64 tokens"), result.err)
        XCTAssertTrue(result.err.contains("only 100 KB is available (GEMMA_MEMORY_LIMIT=100K); not loading it"), result.err)
        XCTAssertEqual(result.out, "")
        let enough = try GemmaREPL.run(["generate", "--model", Paths.tinyModel, "--max", "2", "hello"],
                                       environment: ["GEMMA_MEMORY_LIMIT": "64M"])
        XCTAssertEqual(enough.status, 0, enough.err)
    }

    /// Language limits at the REPL: each runaway input is an error and the next input runs.
    func testTheREPLSurvivesRunawayScripts() throws {
        let input = [
            String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000),
            "fn f(n) { return f(n + 1) }",
            "f(0)",
            "[1, 2] * 1e12",
            "let s = \"ab\"",
            "while true { s += s }",
            "\"\\(\"x\" * 1e12)\"",
            "40 + 2",
        ].joined(separator: "\n") + "\n"
        let result = try GemmaREPL.run([], input: input)
        XCTAssertEqual(result.status, 1, "a piped script with failed inputs exits 1")
        for expected in ["code is nested too deeply (limit 200)", "recursion depth limit (1000) exceeded",
                         "list of 2000000000000 items exceeds the limit", "string of 134217728 bytes exceeds the limit",
                         "string of 1000000000000 bytes exceeds the limit"] {
            XCTAssertTrue(result.out.contains(expected), "\(expected) not in:\n\(result.out)")
        }
        XCTAssertEqual(result.out.split(separator: "\n").last, "42")
    }

    func testUnwritableSaveAndDumpPathsAreErrorsAndTheSessionGoesOn() throws {
        let notebook = try unwritablePath("session.gnb")
        let folder = try unwritablePath("dump")
        let input = "let x = 41\n:save \(notebook)\ndump(\"the man\", \"\(folder)\")\nx + 1\n"
        let result = try GemmaREPL.run(["--model", Paths.tinyModel], input: input)
        XCTAssertEqual(result.status, 1, "the failed dump makes the piped script fail")
        // (Meta commands print through stdio and evaluations write directly, so the order of
        // the lines differs when stdout is a pipe.)
        let lines = result.out.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.hasPrefix("error: ") && $0.contains("/a-file/sub/") && $0.contains("Not a directory") }, result.out)
        XCTAssertTrue(lines.contains { $0.contains("dump") && $0.contains("/a-file/sub/dump") }, result.out)
        XCTAssertTrue(lines.contains("42"), result.out)
        XCTAssertFalse(FileManager.default.fileExists(atPath: notebook))
    }

    /// `:save` never replaces a file silently: it keeps an existing one and names `:save!`.
    func testSaveKeepsAnExistingFileUnlessTold() throws {
        let folder = try Paths.scratchFolder(self)
        let path = folder.appendingPathComponent("mine.gnb").path
        let precious = "#%% markdown\nnotes written by hand\n"
        try Data(precious.utf8).write(to: URL(fileURLWithPath: path))
        let kept = try GemmaREPL.run([], input: "let x = 41\n:save \(path)\n")
        XCTAssertTrue(kept.out.contains("error: \(path) exists; :save! \(path) replaces it"), kept.out)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), precious, "the file is untouched")
        let replaced = try GemmaREPL.run([], input: "let x = 41\nx + 1\n:save! \(path)\n")
        XCTAssertTrue(replaced.out.contains("saved 2 inputs to \(path)"), replaced.out)
        let saved = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(saved.contains("let x = 41") && saved.contains("42") && !saved.contains("by hand"), saved)
    }

    /// The history file is written only at a terminal: run the REPL under script(1) for a pty.
    func testAnUnwritableHistoryIsAWarning() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { throw XCTSkip("script(1) not installed") }
        let state = try unwritablePath("state")
        let command = "'\(GemmaREPL.binary.path)' --no-color"
        let result = try GemmaREPL.run(["-qec", command, "/dev/null"], environment: ["XDG_STATE_HOME": state, "TERM": "xterm"],
                                       input: "40 + 2\n:quit\n", executable: URL(fileURLWithPath: "/usr/bin/script"), timeout: 30)
        XCTAssertEqual(result.status, 0, result.out + result.err)
        XCTAssertTrue(result.out.contains("42"), result.out)
        XCTAssertTrue(result.out.contains("warning: history not saved"), result.out)
    }

    /// `run --update` on a notebook that an editor saved meanwhile: refused, the edit kept.
    func testANotebookChangedWhileRunningIsNotOverwritten() throws {
        let folder = try Paths.scratchFolder(self)
        let path = folder.appendingPathComponent("busy.gnb").path
        let original = "#%% code\nprint(\"started\")\n\n#%% code\nlet s = 0\nfor i in 0..<300000 { s += i }\ns\n"
        try Data(original.utf8).write(to: URL(fileURLWithPath: path))

        let process = Process()
        process.executableURL = GemmaREPL.binary
        process.arguments = ["run", path, "--update"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        var seen = ""
        while !seen.contains("started") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        XCTAssertTrue(seen.contains("started"), seen)
        let edited = original + "\n#%% markdown\nAn edit made while the notebook ran.\n"
        try Data(edited.utf8).write(to: URL(fileURLWithPath: path))
        _ = out.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertNotEqual(process.terminationStatus, 0)
        XCTAssertTrue(errors.contains("busy.gnb: the file changed on disk since it was read; not overwriting it"), errors)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), edited)
    }
}
