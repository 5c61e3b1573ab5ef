// The teaching notebooks as golden tests: each passes `gemma-repl run --check` on the default
// model, and each runs on the Gemma 2 fixture too. Broken notebooks give located errors.
import Foundation
import XCTest

final class NotebookCLITests: XCTestCase {
    static let notebooks = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Notebooks")

    var notebookFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: Self.notebooks.path)) ?? [])
            .filter { $0.hasSuffix(".gnb") }.sorted().map { Self.notebooks.appendingPathComponent($0).path }
    }

    var defaultModel: String? {
        let cache = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"].map { $0 + "/gemma-repl" }
            ?? NSHomeDirectory() + "/.cache/gemma-repl"
        let path = cache + "/gemma-3-270m-q4_k_m.gguf"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    func testEveryNotebookPassesCheckOnTheDefaultModel() throws {
        guard let model = defaultModel else { throw XCTSkip("default model not installed: run scripts/install") }
        XCTAssertGreaterThanOrEqual(notebookFiles.count, 6)
        for file in notebookFiles {
            let result = try CLI.run(["run", file, "--check", "--model", model])
            XCTAssertEqual(result.status, 0, "\(file):\n\(result.err)")
        }
    }

    func testEveryNotebookRunsOnTheGemma2Fixture() throws {
        for file in notebookFiles {
            let result = try CLI.run(["run", file, "--model", CLI.fixture("tiny-gemma2-f32.gguf")])
            XCTAssertEqual(result.status, 0, "\(file):\n\(result.err)")
        }
    }

    func testABrokenNotebookStopsWithALocatedError() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("broken.gnb").path
        try "#%% code\nlet a = 1\n\n#%% code\nlet b = a +\n  undefined_name\n".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try CLI.run(["run", path, "--model", CLI.fixture("tiny-gemma2-f32.gguf")])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.err.contains("broken.gnb:6:3"), result.err)
        XCTAssertTrue(result.err.contains("undefined variable 'undefined_name'"), result.err)
    }

    func testParametersOverrideAndCheckFailsOnChangedOutput() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("p.gnb").path
        try "#%% parameters\nlet text = \"the man\"\n\n#%% code\nlen(tokenize(text))\n".write(toFile: path, atomically: true, encoding: .utf8)
        let fixture = CLI.fixture("tiny-gemma2-f32.gguf")
        XCTAssertEqual(try CLI.run(["run", path, "--update", "--model", fixture]).status, 0)
        XCTAssertTrue(try String(contentsOfFile: path, encoding: .utf8).contains("#%% output\n5"))  // <bos> t h e ▁man
        XCTAssertEqual(try CLI.run(["run", path, "--check", "--model", fixture]).status, 0)
        let changed = try CLI.run(["run", path, "--check", "--model", fixture, "--param", "text=the man was in"])
        XCTAssertEqual(changed.status, 1)
        XCTAssertTrue(changed.err.contains("-5") && changed.err.contains("+7"), changed.err)
    }
}

/// The example scripts run when piped into the REPL (on the Gemma 2 fixture), and a failing
/// piped script exits non-zero.
final class ExampleScriptTests: XCTestCase {
    func pipe(_ script: String) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = try CLI.binary()
        process.arguments = ["--model", CLI.fixture("tiny-gemma2-f32.gguf"), "--threads", "1"]
        let input = Pipe(), out = Pipe(), err = Pipe()
        process.standardInput = input
        process.standardOutput = out
        process.standardError = err
        try process.run()
        input.fileHandleForWriting.write(Data(script.utf8))
        try input.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    func testExamplesRun() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Examples")
        let scripts = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".gemma") }
        XCTAssertGreaterThanOrEqual(scripts.count, 3)
        for script in scripts {
            let result = try pipe(try String(contentsOf: folder.appendingPathComponent(script), encoding: .utf8))
            XCTAssertEqual(result.status, 0, "\(script): \(result.out)\(result.err)")
            XCTAssertFalse(result.out.contains("error:"), "\(script): \(result.out)")
        }
    }

    func testAFailingPipedScriptExitsNonZeroAfterReportingTheError() throws {
        let result = try pipe("let a = 1\nprint(a + b)\nprint(\"still here\", a)\n")
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.out.contains("<repl>:1:11: error: undefined variable 'b'"), result.out)
        XCTAssertTrue(result.out.contains("still here 1"), result.out)
    }
}
