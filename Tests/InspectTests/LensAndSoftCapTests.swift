// The logit lens and the soft-cap report, on tiny-gemma2 (whose caps bind hard) and on
// Gemma 3 270M (which has no soft-caps).
import Foundation
import Gemma
import Inspect
import XCTest

final class LogitLensTests: XCTestCase {
    func testLastStageIsTheModelsOwnPrediction() throws {
        let transformer = try Fixtures.tiny()
        let lens = try LogitLens.run(transformer, tokens: Fixtures.seq7, k: 5)
        let logits = try transformer.forward(Fixtures.seq7, cache: KVCache(config: transformer.model.config, contextLength: 7), logits: .all)
        XCTAssertEqual(lens.stages, ["embed", "0", "1", "2", "3"])
        XCTAssertEqual(lens.pieces.count, 7)
        XCTAssertEqual(lens.top.count, 5)
        for position in 0..<7 {
            let expected = topIndices(row(logits, position), 5)
            XCTAssertEqual(lens.top[4][position].map(\.token), expected, "position \(position)")
            XCTAssertEqual(lens.top[4][position].map(\.piece), expected.map { transformer.model.tokenizer.piece($0) })
            let probabilities = softmaxRow(logits.data[position * 512 ..< (position + 1) * 512])
            XCTAssertEqual(lens.finalTokenProbability[4][position], Float(probabilities[expected[0]]), accuracy: 1e-5)
        }
        for stage in lens.top {
            for entries in stage {
                XCTAssertEqual(entries.count, 5)
                XCTAssertTrue(entries.allSatisfy { $0.probability >= 0 && $0.probability <= 1 })
                XCTAssertEqual(entries.map(\.probability), entries.map(\.probability).sorted(by: >), "largest first")
            }
        }
        XCTAssertTrue(lens.finalTokenProbability.joined().allSatisfy { $0 >= 0 && $0 <= 1 })
        // The embedding stage reads the token itself through the tied unembedding: differs from the end.
        XCTAssertNotEqual(lens.top[0].map { $0[0].token }, lens.top[4].map { $0[0].token })
        let table = lens.table(maxPositions: 3)
        XCTAssertEqual(table.header, ["layer", "▁in", "▁the", "▁water"])
        XCTAssertEqual(table.rows.count, 5)
        XCTAssertEqual(lens.heatmap.rows, 5)
        XCTAssertEqual(lens.heatmap.columns, 7)
    }

    func testKMustBePositive() throws {
        XCTAssertThrowsError(try LogitLens.run(try Fixtures.tiny(), tokens: Fixtures.seq7, k: 0))
    }
}

final class SoftCapReportTests: XCTestCase {
    func testTinyModelsCapsBindAndTheReportCountsThem() throws {
        let transformer = try Fixtures.tiny()
        let report = try SoftCapReport.run(transformer, tokens: Fixtures.seq7, threshold: 0.1)
        XCTAssertTrue(transformer.options.softCaps, "options restored")

        // Recount from a trace: visible pre-cap scores moved by more than the threshold.
        let trace = try Tracer.run(transformer, tokens: Fixtures.seq7,
                                   capture: HookSelector(["blocks.*.attn.hook_scores_precap", "hook_logits_precap"]))
        XCTAssertEqual(report.attention.count, 16)
        for layer in 0..<4 {
            let pre = try trace.layer(layer).attn.scoresPrecap
            for head in 0..<4 {
                var bent = 0, count = 0
                var largest: Float = 0
                for q in 0..<7 {
                    for k in 0...q where layer % 2 == 1 || q - k < 4 {
                        let x = pre.data[(head * 7 + q) * 7 + k]
                        count += 1
                        if abs(x - 5 * tanh(x / 5)) > 0.1 { bent += 1 }
                        largest = max(largest, abs(x))
                    }
                }
                let effect = report.attention[layer * 4 + head]
                XCTAssertEqual(effect.label, "layer \(layer) head \(head)")
                XCTAssertEqual(effect.cap, 5)
                XCTAssertEqual(effect.count, count, effect.label)
                XCTAssertEqual(effect.bent, bent, effect.label)
                XCTAssertEqual(effect.maxPrecap, largest, accuracy: 1e-5)
                XCTAssertGreaterThanOrEqual(effect.meanDistortion, 0)
                XCTAssertGreaterThanOrEqual(effect.maxDistortion, effect.meanDistortion)
                XCTAssertGreaterThanOrEqual(effect.meanKL, 0)
            }
        }
        XCTAssertGreaterThan(report.attention.map(\.bent).reduce(0, +), 0)
        XCTAssertGreaterThan(report.attention.map(\.maxPrecap).max() ?? 0, 5)

        let logits = try XCTUnwrap(report.logits)
        XCTAssertEqual(logits.cap, 3)
        XCTAssertEqual(logits.count, 7 * 512)
        XCTAssertGreaterThan(logits.bent, 0)
        XCTAssertGreaterThan(logits.maxPrecap, 3)
        XCTAssertEqual(logits.maxPrecap, try XCTUnwrap(trace["hook_logits_precap"]).data.map(abs).max() ?? 0, accuracy: 1e-5)
        XCTAssertGreaterThan(logits.meanDistortion, 0)
        XCTAssertGreaterThan(logits.meanKL, 0)

        // The run without caps, done independently.
        let capped = row(trace.logits, 6)
        transformer.options.softCaps = false
        let uncapped = try transformer.forward(Fixtures.seq7, cache: KVCache(config: transformer.model.config, contextLength: 7)).data
        transformer.options.softCaps = true
        XCTAssertEqual(report.topKCapped, topIndices(capped, 5))
        XCTAssertEqual(report.topKUncapped, topIndices(uncapped, 5))
        XCTAssertEqual(report.topTokenCapped, report.topKCapped[0])
        XCTAssertEqual(report.topTokenUncapped, report.topKUncapped[0])
        XCTAssertEqual(report.topKOrderChanged, report.topKCapped != report.topKUncapped)
        XCTAssertGreaterThan(report.klCappedVsUncapped, 0)
        XCTAssertTrue(report.text.contains("attention scores, cap 5.0"), report.text)
        XCTAssertTrue(report.text.contains("final logits, cap 3.0"), report.text)
        XCTAssertTrue(report.curveSVG().hasPrefix("<svg") || report.curveSVG().hasPrefix("<?xml"))
    }

    func testAModelWithoutCapsSaysSo() throws {
        let transformer = try Fixtures.gemma3()
        XCTAssertNil(transformer.model.config.attentionSoftCap)
        XCTAssertNil(transformer.model.config.finalSoftCap)
        let ids = transformer.model.tokenizer.encode("The capital of France is", addSpecial: true, parseSpecial: true)
        let report = try SoftCapReport.run(transformer, tokens: ids)
        XCTAssertTrue(report.attention.isEmpty)
        XCTAssertNil(report.logits)
        XCTAssertEqual(report.topKCapped, report.topKUncapped, "nothing to turn off")
        XCTAssertEqual(report.klCappedVsUncapped, 0, accuracy: 1e-9)
        XCTAssertTrue(report.text.contains("no attention soft-cap"), report.text)
        XCTAssertTrue(report.text.contains("no final soft-cap"), report.text)
    }
}
