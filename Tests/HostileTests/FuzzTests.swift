// The fuzz targets in the test suite: every committed corpus input and every input that once
// failed (Fuzz/regressions/<target>/) replayed, then a short seeded mutation run per target.
// scripts/fuzz runs the same targets under libFuzzer for longer.
import FuzzHarness
import Foundation
import XCTest

final class FuzzTests: XCTestCase {
    /// Mutated inputs per target; `GEMMA_FUZZ_ITERATIONS` scales it for a longer local run.
    private static func iterations(_ base: Int) -> Int {
        let factor = ProcessInfo.processInfo.environment["GEMMA_FUZZ_ITERATIONS"].flatMap(Double.init) ?? 1
        return max(1, Int(Double(base) * factor))
    }

    func testCommittedCorpusAndRegressionsRunCleanly() throws {
        var count = 0
        for target in FuzzTarget.allCases {
            let inputs = MutationFuzzer.corpus(of: target) + MutationFuzzer.corpus(of: target, folder: "regressions")
            XCTAssertFalse(MutationFuzzer.corpus(of: target).isEmpty, "no seeds for \(target)")
            for (name, bytes) in inputs {
                XCTAssertNoThrow(try target.run(bytes), "\(target.rawValue)/\(name)")
                count += 1
            }
        }
        XCTAssertGreaterThan(count, 30)
    }

    func testGGUFReader() throws { try mutate(.gguf, iterations: Self.iterations(1500), seed: 1) }
    func testTokenizer() throws { try mutate(.tokenizer, iterations: Self.iterations(3000), seed: 2) }
    func testLanguage() throws { try mutate(.language, iterations: Self.iterations(1500), seed: 3) }
    func testNotebook() throws { try mutate(.notebook, iterations: Self.iterations(800), seed: 4) }

    /// The most one input may take (the goal of issue 7: none takes a second), allowing for the
    /// slowdown of a sanitized build (scripts/sanitize sets GEMMA_SANITIZER).
    private static let slowest: Duration = ProcessInfo.processInfo.environment["GEMMA_SANITIZER"] == nil ? .seconds(1) : .seconds(4)

    /// Runs `iterations` mutated inputs. A failing input, or one that takes longer than
    /// `slowest`, is written to a file named in the failure, ready to commit under
    /// Fuzz/regressions/<target>/.
    private func mutate(_ target: FuzzTarget, iterations: Int, seed: UInt64) throws {
        var fuzzer = MutationFuzzer(target: target, corpus: MutationFuzzer.corpus(of: target).map(\.bytes), seed: seed)
        try target.run([])  // loads the vocabularies before anything is timed
        let clock = ContinuousClock()
        var failures = 0
        for iteration in 0..<iterations {
            let input = fuzzer.next()
            do {
                let started = clock.now
                try target.run(input)
                let elapsed = clock.now - started
                if elapsed > Self.slowest { throw FuzzFailure(target, "one input took \(elapsed)") }
            } catch {
                let saved = FileManager.default.temporaryDirectory
                    .appendingPathComponent("fuzz-\(target.rawValue)-seed\(seed)-\(iteration)")
                try Data(input).write(to: saved)
                XCTFail("\(error)\ninput saved at \(saved.path)")
                failures += 1
                if failures >= 3 { return }
            }
            // Keep some mutants as parents, so that mutations accumulate.
            if iteration % 16 == 0 { fuzzer.add(input) }
        }
    }
}
