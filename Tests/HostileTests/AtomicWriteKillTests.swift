// Power loss, approximately: writers killed with SIGKILL at random moments. After every kill the
// file must read as a whole: what was there before, or the complete new contents, never a
// mixture or a truncated file.
import Foundation
import FuzzHarness
import GGUF
import Notebook
import XCTest

final class AtomicWriteKillTests: XCTestCase {
    private static var saveLoop: URL { GemmaREPL.binary.deletingLastPathComponent().appendingPathComponent("gemma-save-loop") }

    /// 200 saves interrupted: gemma-save-loop writes notebooks, 400 KB GGUF files, plain files
    /// (as dumps are written) and REPL histories generation after generation; each run is
    /// killed after a random delay, often in the middle of a save.
    func testKilledWritersLeaveWholeFiles() throws {
        let folder = try Paths.scratchFolder(self)
        var random = SystemRandomNumberGenerator()
        var onDisk: [SavedFile: Int] = [:]
        var saves = 0
        for kind in SavedFile.allCases {
            let path = folder.appendingPathComponent("target.\(kind.rawValue)").path
            switch kind {
            case .notebook: try SavedFile.notebook(0).write(to: URL(fileURLWithPath: path))
            case .gguf: try SavedFile.gguf(0).write(to: path)
            case .plain: try Data(SavedFile.plain(0)).write(to: URL(fileURLWithPath: path))
            case .history: try Data(SavedFile.history(0)).write(to: URL(fileURLWithPath: path))
            }
            onDisk[kind] = 0
        }

        for run in 1...200 {
            let kind = SavedFile.allCases[run % SavedFile.allCases.count]
            let path = folder.appendingPathComponent("target.\(kind.rawValue)").path
            let first = run * 1000
            let process = Process()
            process.executableURL = Self.saveLoop
            process.arguments = [kind.rawValue, path, "\(first)"]
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            Thread.sleep(forTimeInterval: Double.random(in: 0.03...0.10, using: &random))
            kill(process.processIdentifier, SIGKILL)
            let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationReason, .uncaughtSignal, "run \(run) ended by itself: \(printed)")
            let completed = printed.split(separator: "\n").compactMap { Int($0) }.last
            saves += completed.map { $0 - first + 1 } ?? 0

            switch kind.generation(at: path) {
            case .failure(let damage):
                return XCTFail("run \(run) (\(kind)): after the kill \(damage)")
            case .success(let generation):
                // The last save reported complete, or the one after it if its rename happened
                // just before the kill; with none reported, the old file or the first save.
                let allowed = completed.map { [$0, $0 + 1] } ?? [onDisk[kind] ?? 0, first]
                XCTAssertTrue(allowed.contains(generation), "run \(run) (\(kind)): generation \(generation), expected one of \(allowed)")
                onDisk[kind] = generation
            }
        }
        // Killed saves leave their temporary files; the targets themselves stay whole.
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        let temporary = names.filter { $0.contains("target.") && $0.contains(".tmp-") }
        XCTAssertEqual(Set(names).subtracting(temporary), Set(SavedFile.allCases.map { "target.\($0.rawValue)" }))
        for kind in SavedFile.allCases {
            XCTAssertTrue(temporary.contains { $0.contains("target.\(kind.rawValue)") }, "no kill landed inside a save of \(kind)")
        }
        XCTAssertGreaterThan(temporary.count, 20, "too few kills landed inside a save to test anything")
        print("kill test: 200 runs, \(saves) complete saves, \(temporary.count) kills inside a save")
    }

    /// The real command: `gemma-repl run nb.gnb --update` killed at random moments.
    func testKilledNotebookUpdatesLeaveTheOldOrTheNewNotebook() throws {
        let folder = try Paths.scratchFolder(self)
        let url = folder.appendingPathComponent("nb.gnb")
        func code(_ generation: Int) -> String {
            "for i in 0..<500 { print(\"generation \(generation), line \\(i) \" + \"-\" * 180) }"
        }
        func output(_ generation: Int) -> String {
            (0..<500).map { "generation \(generation), line \($0) " + String(repeating: "-", count: 180) }.joined(separator: "\n")
        }
        func start() throws -> Process {
            let process = Process()
            process.executableURL = GemmaREPL.binary
            process.arguments = ["run", url.path, "--update"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        try Data("#%% code\n\(code(0))\n".utf8).write(to: url)
        let started = Date()
        let full = try start()
        full.waitUntilExit()
        let duration = Date().timeIntervalSince(started)
        XCTAssertEqual(full.terminationStatus, 0)
        XCTAssertEqual(try Notebook.load(contentsOf: url).cells.first?.output?.text, output(0))

        var random = SystemRandomNumberGenerator()
        var outcomes = (old: 0, new: 0)
        for generation in 1...30 {
            let old = Data("#%% code\n\(code(generation))\n".utf8)
            try old.write(to: url, options: .atomic)
            let writer = try start()
            Thread.sleep(forTimeInterval: Double.random(in: duration * 0.5...duration * 1.1, using: &random))
            if writer.isRunning { kill(writer.processIdentifier, SIGKILL) }
            writer.waitUntilExit()
            let bytes = try Data(contentsOf: url)
            if bytes == old {
                outcomes.old += 1
                continue
            }
            let notebook = try Notebook.parse(Array(bytes), file: url.path)
            XCTAssertEqual(notebook.cells.map(\.source), [code(generation)])
            XCTAssertEqual(notebook.cells.first?.output?.text, output(generation), "generation \(generation): a partial notebook")
            outcomes.new += 1
        }
        XCTAssertEqual(outcomes.old + outcomes.new, 30)
    }
}
