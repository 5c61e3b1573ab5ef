// Interventions (ablating heads, steering, patching) and activation patching on tiny-gemma2.
import Foundation
import Gemma
import Inspect
import XCTest

final class InterventionTests: XCTestCase {
    /// Same length as seq7, with "▁man" (408) changed to "▁after" (500) at position 2.
    let corrupted = [2, 305, 500, 320, 313, 305, 485]

    func trace(_ transformer: Transformer, _ tokens: [Int], _ patterns: [String], _ hooks: Hooks? = nil) throws -> Trace {
        try Tracer.run(transformer, tokens: tokens, capture: HookSelector(patterns), interventions: hooks)
    }

    func testZeroAblatingAHeadZeroesItsSliceOfZAndChangesTheLogits() throws {
        let transformer = try Fixtures.tiny()
        let baseline = try trace(transformer, Fixtures.seq7, ["blocks.1.attn.hook_z"])
        let hooks = Hooks()
        Intervention.zeroAblateHead(hooks, layer: 1, head: 2)
        let ablated = try trace(transformer, Fixtures.seq7, ["blocks.1.attn.hook_z"], hooks)
        let before = try baseline.layer(1).attn.z, after = try ablated.layer(1).attn.z
        XCTAssertEqual(after.shape, [7, 4, 16])
        for position in 0..<7 {
            for head in 0..<4 {
                let slice = (position * 4 + head) * 16 ..< (position * 4 + head + 1) * 16
                if head == 2 {
                    XCTAssertTrue(after.data[slice].allSatisfy { $0 == 0 }, "position \(position)")
                    XCTAssertTrue(before.data[slice].contains { $0 != 0 })
                } else {
                    XCTAssertEqual(Array(after.data[slice]), Array(before.data[slice]), "other heads untouched")
                }
            }
        }
        XCTAssertGreaterThan(maxAbsDifference(ablated.logits.data, baseline.logits.data), 1e-3)
        XCTAssertEqual(hooks.activePoints, [.block(1, .z)], "the caller's hooks keep the intervention and get no capture handlers")
    }

    func testMeanAblationReplacesTheHeadByItsMeanOverPositions() throws {
        let transformer = try Fixtures.tiny()
        let baseline = try trace(transformer, Fixtures.seq7, ["blocks.0.attn.hook_z"])
        let hooks = Hooks()
        Intervention.meanAblateHead(hooks, layer: 0, head: 1)
        let ablated = try trace(transformer, Fixtures.seq7, ["blocks.0.attn.hook_z"], hooks)
        let before = try baseline.layer(0).attn.z, after = try ablated.layer(0).attn.z
        for i in 0..<16 {
            let column = (0..<7).map { before.data[($0 * 4 + 1) * 16 + i] }
            let mean = column.reduce(0, +) / 7
            for position in 0..<7 {
                XCTAssertEqual(after.data[(position * 4 + 1) * 16 + i], mean, accuracy: 1e-6)
                XCTAssertEqual(after.data[(position * 4 + 0) * 16 + i], before.data[(position * 4 + 0) * 16 + i])
            }
        }
        XCTAssertGreaterThan(maxAbsDifference(ablated.logits.data, baseline.logits.data), 1e-4)
    }

    func testSteeringAddsTheScaledVectorAtEveryPosition() throws {
        let transformer = try Fixtures.tiny()
        let baseline = try trace(transformer, Fixtures.seq7, ["blocks.2.hook_resid_post"])
        let vector = (0..<64).map { Float($0 % 7) - 3 }
        let hooks = Hooks()
        try Intervention.addSteering(hooks, at: .block(2, .residPost), vector: vector, scale: 2)
        let steered = try trace(transformer, Fixtures.seq7, ["blocks.2.hook_resid_post"], hooks)
        let before = try baseline.layer(2).residPost, after = try steered.layer(2).residPost
        for position in 0..<7 {
            for i in 0..<64 { XCTAssertEqual(after.data[position * 64 + i], before.data[position * 64 + i] + 2 * vector[i]) }
        }
        XCTAssertGreaterThan(maxAbsDifference(steered.logits.data, baseline.logits.data), 1e-3)
    }

    func testPatchingAWholeHookFromTheCleanTraceReproducesTheCleanLogits() throws {
        let transformer = try Fixtures.tiny()
        for layer in [0, 2] {
            let clean = try trace(transformer, Fixtures.seq7, ["blocks.\(layer).hook_resid_pre"])
            let bad = try trace(transformer, corrupted, [])
            XCTAssertGreaterThan(maxAbsDifference(clean.logits.data, bad.logits.data), 1e-3, "the corruption matters")
            let hooks = Hooks()
            Intervention.patch(hooks, at: .block(layer, .residPre), from: try clean.layer(layer).residPre)
            let patched = try trace(transformer, corrupted, [], hooks)
            XCTAssertEqual(patched.logits, clean.logits, "layer \(layer)")
        }
    }

    func testPatchingLayerZeroAtEveryPositionRestoresTheCleanMetric() throws {
        let transformer = try Fixtures.tiny()
        let clean = try trace(transformer, Fixtures.seq7, ["blocks.0.hook_resid_pre"])
        let hooks = Hooks()
        Intervention.patch(hooks, at: .block(0, .residPre), from: try clean.layer(0).residPre, positions: Array(0..<7))
        let patched = try trace(transformer, corrupted, [], hooks)
        let metric = ActivationPatching.logitDifference(10, 20)
        XCTAssertEqual(metric(patched.logits), metric(clean.logits))
    }

    func testActivationPatchingGrid() throws {
        let transformer = try Fixtures.tiny()
        let cleanLogits = try trace(transformer, Fixtures.seq7, []).logits
        let corruptedLogits = try trace(transformer, corrupted, []).logits
        let answer = topIndices(row(cleanLogits, 6), 1)[0]
        // The wrong answer: the corrupted run's favourite, or the clean run's second choice.
        let corruptedTop = topIndices(row(corruptedLogits, 6), 1)[0]
        let wrong = corruptedTop != answer ? corruptedTop : topIndices(row(cleanLogits, 6), 2)[1]
        let metric = ActivationPatching.logitDifference(answer, wrong)

        let result = try ActivationPatching.run(transformer, clean: Fixtures.seq7, corrupted: corrupted, metric: metric)
        XCTAssertEqual(result.hook, .residPre)
        XCTAssertEqual(result.metric.count, 4)
        XCTAssertTrue(result.metric.allSatisfy { $0.count == 7 })
        XCTAssertEqual(result.restored.count, 4)
        XCTAssertEqual(result.cleanMetric, row(cleanLogits, 6)[answer] - row(cleanLogits, 6)[wrong], accuracy: 1e-4)
        XCTAssertEqual(result.corruptedMetric, row(corruptedLogits, 6)[answer] - row(corruptedLogits, 6)[wrong], accuracy: 1e-4)
        XCTAssertGreaterThan(abs(result.cleanMetric - result.corruptedMetric), 1e-2, "the corruption must move the metric")
        // At layer 0 the residual is the embedding: only the changed position carries the difference.
        for position in 0..<7 {
            XCTAssertEqual(result.restored[0][position], position == 2 ? 1 : 0, accuracy: 1e-3, "position \(position)")
        }
        let heatmap = result.heatmap(labels: (0..<7).map(String.init))
        XCTAssertEqual(heatmap.rows, 4)
        XCTAssertEqual(heatmap.columns, 7)
    }

    func testActivationPatchingNeedsSequencesOfTheSameLength() throws {
        let transformer = try Fixtures.tiny()
        XCTAssertThrowsError(try ActivationPatching.run(transformer, clean: Fixtures.seq7, corrupted: [2, 305],
                                                        metric: ActivationPatching.logitDifference(1, 2))) { error in
            XCTAssertTrue("\(error)".contains("same number of tokens"), "\(error)")
        }
    }
}
