// Power loss, approximately: `gemma-repl run nb.gnb --update` killed with SIGKILL at random
// moments during 200 saves. After every kill the notebook must parse and hold either what was
// there before or the complete new outputs, never a mixture or a truncated file.
import Foundation
import Notebook
import XCTest

final class AtomicWriteKillTests: XCTestCase {
    /// Lines each run prints: about 400 KB of output, so that writing takes a while.
    private static let lines = 16_000

    private func source(generation: Int) -> String {
        "#%% code id=g\(generation)\nfor i in 0..<\(Self.lines) { print(\"generation \(generation), line \\(i) of the output\") }\n"
    }

    private func expectedOutput(generation: Int) -> String {
        (0..<Self.lines).map { "generation \(generation), line \($0) of the output" }.joined(separator: "\n")
    }

    private func startWriter(_ path: String) throws -> Process {
        let process = Process()
        process.executableURL = GemmaREPL.binary
        process.arguments = ["run", path, "--update"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    func testKilledWritersLeaveTheOldOrTheNewNotebook() throws {
        let folder = try Paths.scratchFolder(self)
        let path = folder.appendingPathComponent("nb.gnb").path
        let url = URL(fileURLWithPath: path)

        // How long one uninterrupted update takes here.
        try Data(source(generation: 0).utf8).write(to: url)
        let started = Date()
        let full = try startWriter(path)
        full.waitUntilExit()
        let duration = Date().timeIntervalSince(started)
        XCTAssertEqual(full.terminationStatus, 0)
        XCTAssertEqual(try Notebook.load(contentsOf: url).cells.first?.output?.text, expectedOutput(generation: 0))

        var random = SystemRandomNumberGenerator()
        var outcomes = (old: 0, new: 0, finished: 0)
        for generation in 1...200 {
            let old = Data(source(generation: generation).utf8)
            try old.write(to: url, options: .atomic)
            // Half the kills anywhere in the run, half near its end, where the file is written.
            let delay = generation % 2 == 0 ? Double.random(in: 0...duration * 1.1, using: &random)
                                            : Double.random(in: duration * 0.6...duration * 1.1, using: &random)
            let writer = try startWriter(path)
            Thread.sleep(forTimeInterval: delay)
            if writer.isRunning { kill(writer.processIdentifier, SIGKILL) }
            writer.waitUntilExit()
            if writer.terminationReason == .exit { outcomes.finished += 1 }

            let bytes = try Data(contentsOf: url)
            if bytes == old {
                outcomes.old += 1
                continue
            }
            let notebook: Notebook
            do {
                notebook = try Notebook.parse(Array(bytes), file: path)
            } catch {
                return XCTFail("generation \(generation): after a kill at \(delay) s the notebook does not parse: \(error)")
            }
            XCTAssertEqual(notebook.cells.count, 1, "generation \(generation)")
            XCTAssertEqual(notebook.cells.first?.source, "for i in 0..<\(Self.lines) { print(\"generation \(generation), line \\(i) of the output\") }")
            XCTAssertEqual(notebook.cells.first?.output?.text, expectedOutput(generation: generation),
                           "generation \(generation): neither the old nor the complete new notebook")
            outcomes.new += 1
        }
        XCTAssertEqual(outcomes.old + outcomes.new, 200)
        XCTAssertGreaterThan(outcomes.old, 0)
        XCTAssertGreaterThan(outcomes.new, 0)
        // Temporary files of killed writers stay behind (nothing can remove them at SIGKILL);
        // they are hidden, never the notebook itself.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0 != "nb.gnb" }
        XCTAssertTrue(leftovers.allSatisfy { $0.hasPrefix(".nb.gnb.tmp-") }, "\(leftovers)")
        print("kill test: \(outcomes.old) old, \(outcomes.new) new (\(outcomes.finished) writers finished), "
              + "\(leftovers.count) temporary files left, one update takes \(String(format: "%.2f", duration)) s")
    }
}
