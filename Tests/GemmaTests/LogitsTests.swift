// The forward pass against llama.cpp's logits on every Gemma 2 fixture (README section 2).
import Foundation
import Gemma
import Inspect
import XCTest

final class LogitsTests: XCTestCase {
    /// NMSE bounds by weight type (issue: F32/F16 ≤ 2e-5, BF16 ≤ 5e-4, quantized ≤ 1.5e-2).
    func bound(_ fixture: String) -> Double {
        if fixture.hasSuffix("f32") || fixture.hasSuffix("f16") && !fixture.hasSuffix("bf16") { return 2e-5 }
        if fixture.hasSuffix("bf16") { return 5e-4 }
        return 1.5e-2
    }

    func testLogitsMatchLlamaCppOnEveryFixture() throws {
        var report: [String] = []
        for fixture in Fixtures.gemma2Fixtures {
            let model = try GemmaModel(path: Fixtures.path("\(fixture).gguf"))
            let transformer = Transformer(model: model, threads: 2)
            for (length, ids) in Fixtures.sequences.sorted(by: { $0.key < $1.key }) {
                let expected = try NPY.read(Fixtures.path("\(fixture).seq\(length).logits.npy"))
                let logits = try transformer.forward(ids, cache: KVCache(config: model.config), logits: .all)
                XCTAssertEqual(logits.shape, expected.shape, fixture)
                let error = nmse(logits.data, expected.data)
                var sameTop = 0
                for position in 0..<length {
                    let ours = Array(logits.data[position * 512 ..< (position + 1) * 512])
                    let theirs = Array(expected.data[position * 512 ..< (position + 1) * 512])
                    if Sampler.argmax(ours) == Sampler.argmax(theirs) { sameTop += 1 }
                }
                report.append("\(fixture) seq\(length): NMSE \(String(format: "%.2e", error)), top-1 \(sameTop)/\(length), max |diff| \(maxAbsDifference(logits.data, expected.data))")
                XCTAssertLessThanOrEqual(error, bound(fixture), "\(fixture) seq\(length)")
                XCTAssertGreaterThanOrEqual(Double(sameTop), 0.8 * Double(length), "\(fixture) seq\(length) top-1 agreement")
            }
        }
        print(report.joined(separator: "\n"))
    }

    /// The prompt in one batch, or one token at a time through the KV cache: the same logits.
    func testIncrementalDecodingMatchesBatchedPrompt() throws {
        let model = try GemmaModel(path: Fixtures.path("tiny-gemma2-f32.gguf"))
        let transformer = Transformer(model: model, threads: 2)
        let ids = Fixtures.sequences[24]!
        let batched = try transformer.forward(ids, cache: KVCache(config: model.config), logits: .all)
        let cache = KVCache(config: model.config)
        for (position, id) in ids.enumerated() {
            let step = try transformer.forward([id], cache: cache)
            let row = Array(batched.data[position * 512 ..< (position + 1) * 512])
            XCTAssertLessThan(maxAbsDifference(step.data, row), 1e-4, "position \(position)")
        }
        XCTAssertEqual(cache.count, ids.count)
    }

    func testSoftCapsOffChangesLogits() throws {
        let model = try GemmaModel(path: Fixtures.path("tiny-gemma2-f32.gguf"))
        let ids = Fixtures.sequences[7]!
        let capped = try Transformer(model: model, threads: 1).forward(ids, cache: KVCache(config: model.config), logits: .all)
        let uncapped = try Transformer(model: model, threads: 1, options: ForwardOptions(softCaps: false))
            .forward(ids, cache: KVCache(config: model.config), logits: .all)
        XCTAssertGreaterThan(maxAbsDifference(capped.data, uncapped.data), 1)
        XCTAssertLessThanOrEqual(capped.data.map(abs).max()!, 3)
        XCTAssertGreaterThan(uncapped.data.map(abs).max()!, 3)
    }

    func testPromptLongerThanContextIsRefused() throws {
        let model = try GemmaModel(path: Fixtures.path("tiny-gemma2-f32.gguf"))
        let transformer = Transformer(model: model, threads: 1)
        let ids = [Int](repeating: 305, count: 65)
        XCTAssertThrowsError(try transformer.forward(ids, cache: KVCache(config: model.config))) { error in
            XCTAssertEqual(error as? GemmaError, .promptTooLong(tokens: 65, context: 64))
        }
        XCTAssertThrowsError(try transformer.forward([600], cache: KVCache(config: model.config))) { error in
            XCTAssertEqual(error as? GemmaError, .tokenOutOfRange(id: 600, vocabulary: 512))
        }
    }
}
