// Per-layer values of tiny-gemma2-f32 against llama.cpp's graph tensors (README section 3),
// captured through hook points.
import Foundation
import Gemma
import Inspect
import XCTest

final class LayerTests: XCTestCase {
    func capture(_ ids: [Int]) throws -> [String: Tensor] {
        let model = try GemmaModel(path: Fixtures.path("tiny-gemma2-f32.gguf"))
        var captured: [String: Tensor] = [:]
        let hooks = Hooks()
        var points: [HookPoint] = [.embed, .lnFinal]
        for layer in 0..<4 {
            points += [.block(layer, .ln1), .block(layer, .scoresPrecap), .block(layer, .attnScores),
                       .block(layer, .pattern), .block(layer, .residPost)]
        }
        for point in points { hooks.add(point) { point, value in captured[point.name] = value } }
        _ = try Transformer(model: model, threads: 2).forward(ids, cache: KVCache(config: model.config), hooks: hooks, logits: .all)
        return captured
    }

    /// max |ours − theirs| relative to max |theirs|.
    func relativeError(_ ours: Tensor, _ theirs: Tensor) -> Float {
        let scale = theirs.data.map(abs).max() ?? 1
        return maxAbsDifference(ours.data, theirs.data) / max(scale, 1e-6)
    }

    func testCapturedValuesMatchLlamaCpp() throws {
        for (length, ids) in Fixtures.sequences {
            let captured = try capture(ids)
            let folder = "layers/tiny-gemma2-f32/seq\(length)/"
            func check(_ golden: String, _ hook: String, tolerance: Float = 2e-4) throws {
                let theirs = try NPY.read(Fixtures.path(folder + golden + ".npy"))
                let ours = try XCTUnwrap(captured[hook], hook)
                XCTAssertEqual(ours.shape, theirs.shape, "\(hook) vs \(golden)")
                let error = relativeError(ours, theirs)
                XCTAssertLessThan(error, tolerance, "seq\(length): \(hook) vs \(golden)")
            }
            try check("inp_scaled", "hook_embed")
            for layer in 0..<4 {
                try check("attn_norm-\(layer)", "blocks.\(layer).ln1.hook_normalized")
                try check("kq-\(layer)", "blocks.\(layer).attn.hook_scores_precap")
                try check("kq_soft_max-\(layer)", "blocks.\(layer).attn.hook_pattern", tolerance: 1e-3)
                try check("l_out-\(layer)", "blocks.\(layer).hook_resid_post", tolerance: 1e-3)
            }
            try check("result_norm", "ln_final.hook_normalized", tolerance: 1e-3)
        }
    }

    func testPatternsSumToOneAndRespectTheWindow() throws {
        let ids = Fixtures.sequences[24]!
        let captured = try capture(ids)
        for layer in 0..<4 {
            let pattern = try XCTUnwrap(captured["blocks.\(layer).attn.hook_pattern"])
            let scores = try XCTUnwrap(captured["blocks.\(layer).attn.hook_attn_scores"])
            let precap = try XCTUnwrap(captured["blocks.\(layer).attn.hook_scores_precap"])
            XCTAssertEqual(pattern.shape, [4, 24, 24])
            let local = layer % 2 == 0
            for head in 0..<4 {
                for query in 0..<24 {
                    var sum: Float = 0
                    for key in 0..<24 {
                        let p = pattern.data[(head * 24 + query) * 24 + key]
                        sum += p
                        let visible = key <= query && (!local || query - key < 4)
                        if !visible { XCTAssertEqual(p, 0, "layer \(layer) head \(head) q\(query) k\(key)") }
                        let s = scores.data[(head * 24 + query) * 24 + key]
                        if visible { XCTAssertLessThanOrEqual(abs(s), 5) } else { XCTAssertEqual(s, -.infinity) }
                    }
                    XCTAssertEqual(sum, 1, accuracy: 1e-5)
                }
            }
            // The fixture's scores exceed the cap of 5 before it is applied.
            XCTAssertGreaterThan(precap.data.map(abs).max()!, 5, "layer \(layer)")
        }
    }

    func testAnInterventionChangesTheOutput() throws {
        let model = try GemmaModel(path: Fixtures.path("tiny-gemma2-f32.gguf"))
        let ids = Fixtures.sequences[7]!
        let transformer = Transformer(model: model, threads: 1)
        let plain = try transformer.forward(ids, cache: KVCache(config: model.config))
        let hooks = Hooks()
        hooks.add(.block(1, .attnOut)) { _, value in value.data = [Float](repeating: 0, count: value.count) }
        let ablated = try transformer.forward(ids, cache: KVCache(config: model.config), hooks: hooks)
        XCTAssertGreaterThan(maxAbsDifference(plain.data, ablated.data), 1e-3)
    }

    /// Watching the scores or the pattern leaves the output bit for bit as it was; changing them
    /// flows on: a flat pre-cap score makes every visible key equally weighted, so z is the mean
    /// of the visible values.
    func testScoreAndPatternInterventionsFlowIntoZ() throws {
        let model = try GemmaModel(path: Fixtures.path("tiny-gemma2-f32.gguf"))
        let ids = Fixtures.sequences[7]!
        let transformer = Transformer(model: model, threads: 2)
        let plain = try transformer.forward(ids, cache: KVCache(config: model.config), logits: .all)

        let watching = Hooks()
        for point in [HookPoint.block(1, .scoresPrecap), .block(1, .attnScores), .block(1, .pattern)] {
            watching.add(point) { _, _ in }
        }
        let watched = try transformer.forward(ids, cache: KVCache(config: model.config), hooks: watching, logits: .all)
        XCTAssertEqual(plain.data, watched.data)
        // only the raw scores watched: the capped scores and the pattern are not made
        let precapOnly = Hooks()
        var precap: Tensor?
        precapOnly.add(.block(1, .scoresPrecap)) { _, value in precap = value }
        let watchedPrecap = try transformer.forward(ids, cache: KVCache(config: model.config), hooks: precapOnly, logits: .all)
        XCTAssertEqual(plain.data, watchedPrecap.data)
        XCTAssertEqual(precap?.shape, [model.config.headCount, ids.count, ids.count])

        // a changed score reaches z whether or not the pattern is watched
        for (point, watchPattern) in [(HookPoint.block(1, .scoresPrecap), true), (.block(1, .attnScores), true),
                                      (.block(1, .scoresPrecap), false), (.block(1, .attnScores), false)] {
            let hooks = Hooks()
            var pattern: Tensor?, values: Tensor?, z: Tensor?
            hooks.add(point) { _, value in value.data = value.data.map { $0.isFinite ? 0 : $0 } }
            if watchPattern { hooks.add(.block(1, .pattern)) { _, value in pattern = value } }
            hooks.add(.block(1, .v)) { _, value in values = value }
            hooks.add(.block(1, .z)) { _, value in z = value }
            let changed = try transformer.forward(ids, cache: KVCache(config: model.config), hooks: hooks, logits: .all)
            XCTAssertGreaterThan(maxAbsDifference(plain.data, changed.data), 1e-4, point.name)
            let v = try XCTUnwrap(values), out = try XCTUnwrap(z)
            let c = model.config
            let n = ids.count
            // Query position t of head 0 sees keys first...t, each with weight 1/(count).
            for t in 0..<n {
                var first = 0
                if case let .local(window) = c.layerKinds[1] { first = max(0, t - window + 1) }
                let count = t - first + 1
                if watchPattern {
                    let p = try XCTUnwrap(pattern)
                    XCTAssertEqual(p.data[t * n + first], 1 / Float(count), accuracy: 1e-6, "\(point.name) t=\(t)")
                }
                for i in 0..<c.valueDim {
                    var mean: Float = 0
                    for j in first...t { mean += v.data[j * c.kvHeadCount * c.valueDim + i] }
                    mean /= Float(count)
                    XCTAssertEqual(out.data[t * c.headCount * c.valueDim + i], mean, accuracy: 1e-4 * max(1, abs(mean)))
                }
            }
        }
    }
}
