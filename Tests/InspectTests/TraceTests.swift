// Traces: capture by glob pattern, reach values by name and by structure, refuse unknown
// patterns and captures over the memory budget.
import Foundation
import Gemma
import Inspect
import XCTest

final class TraceTests: XCTestCase {
    func testPatternCapturesExactlyTheFourAttentionPatterns() throws {
        let transformer = try Fixtures.tiny()
        let trace = try Tracer.run(transformer, tokens: Fixtures.seq7, capture: HookSelector(["blocks.*.attn.hook_pattern"]))
        XCTAssertEqual(trace.points.map(\.name), (0..<4).map { "blocks.\($0).attn.hook_pattern" })
        XCTAssertEqual(trace.values.count, 4)
        for layer in 0..<4 {
            let pattern = try XCTUnwrap(trace["blocks.\(layer).attn.hook_pattern"])
            XCTAssertEqual(pattern.shape, [4, 7, 7])
            XCTAssertEqual(try trace.layer(layer).attn.pattern, pattern, "by structure = by name")
            // Each query's probabilities sum to one.
            for head in 0..<4 {
                for query in 0..<7 {
                    let start = (head * 7 + query) * 7
                    XCTAssertEqual(pattern.data[start ..< start + 7].reduce(0, +), 1, accuracy: 1e-5)
                }
            }
        }
        XCTAssertNil(trace["blocks.0.hook_resid_post"], "not captured")
        XCTAssertThrowsError(try trace.layer(0).residPost) { error in
            XCTAssertEqual(error as? InspectError, .notCaptured("blocks.0.hook_resid_post"))
        }
        XCTAssertEqual(trace.tokens, Fixtures.seq7)
        XCTAssertEqual(trace.pieces, ["<bos>", "▁the", "▁man", "▁was", "▁in", "▁the", "▁water"])
        XCTAssertEqual(trace.logits.shape, [7, 512])
        XCTAssertEqual(trace.byteCount, 4 * 4 * 7 * 7 * 4)
    }

    func testEverythingCapturedHasTheDeclaredShapesAndMatchesThePlainForwardPass() throws {
        let transformer = try Fixtures.tiny()
        let trace = try Tracer.run(transformer, tokens: Fixtures.seq7, capture: HookSelector(["*"]))
        let all = HookPoint.all(layers: 4)
        XCTAssertEqual(trace.points, all)
        for point in all {
            XCTAssertEqual(trace.values[point]?.shape, point.shape(transformer.model.config, positions: 7), point.name)
        }
        let plain = try transformer.forward(Fixtures.seq7, cache: KVCache(config: transformer.model.config, contextLength: 7), logits: .all)
        XCTAssertEqual(trace.logits, plain, "capturing must not change the result")
        XCTAssertEqual(trace["hook_logits"], plain)
        let layer = trace.layer(2)
        XCTAssertEqual(layer.kind, .local(window: 4))
        XCTAssertEqual(try layer.residPre, try trace.layer(1).residPost)
        XCTAssertEqual(try layer.attn.head(3, of: try layer.attn.pattern).shape, [7, 7])
        XCTAssertThrowsError(try layer.attn.head(4, of: try layer.attn.pattern))
    }

    func testLayerStarPatternPicksOneBlock() throws {
        let selector = HookSelector(["blocks.3.*"])
        let points = selector.points(layers: 4)
        XCTAssertEqual(points.count, BlockHook.allCases.count)
        XCTAssertTrue(points.allSatisfy { if case .block(3, _) = $0 { return true } else { return false } })
        XCTAssertEqual(HookSelector(["hook_embed", "hook_logits*"]).points(layers: 4), [.embed, .logitsPrecap, .logits])
    }

    func testUnknownPatternIsRefusedByName() throws {
        let transformer = try Fixtures.tiny()
        XCTAssertThrowsError(try Tracer.run(transformer, tokens: Fixtures.seq7,
                                            capture: HookSelector(["hook_embed", "blocks.*.attn.hook_patern"]))) { error in
            XCTAssertEqual(error as? InspectError, .unknownHook("blocks.*.attn.hook_patern"))
            XCTAssertTrue("\(error)".contains("blocks.*.attn.hook_patern"), "\(error)")
        }
        XCTAssertThrowsError(try Tracer.run(transformer, tokens: Fixtures.seq7, capture: HookSelector(["blocks.4.hook_resid_pre"]))) { error in
            XCTAssertEqual(error as? InspectError, .unknownHook("blocks.4.hook_resid_pre"), "layer 4 does not exist")
        }
    }

    func testOverBudgetCaptureIsRefusedWithTheEstimate() throws {
        let transformer = try Fixtures.tiny()
        let config = transformer.model.config
        let points = HookPoint.all(layers: 4)
        let (bytes, largest) = Tracer.estimate(points, config: config, positions: 7)
        let expected = points.reduce(0) { $0 + $1.shape(config, positions: 7).reduce(4, *) } + 7 * 512 * 4
        XCTAssertEqual(bytes, expected)
        XCTAssertEqual(largest, "hook_logits_precap", "[7, 512] is the largest hook")
        XCTAssertThrowsError(try Tracer.run(transformer, tokens: Fixtures.seq7, capture: HookSelector(["*"]), budget: bytes - 1)) { error in
            XCTAssertEqual(error as? InspectError, .overBudget(estimateBytes: bytes, budgetBytes: bytes - 1, largest: "hook_logits_precap"))
            let text = "\(error)"
            XCTAssertTrue(text.contains(String(format: "%.1f MiB", Double(bytes) / 1_048_576)), text)
            XCTAssertTrue(text.contains("hook_logits_precap"), text)
        }
        XCTAssertNoThrow(try Tracer.run(transformer, tokens: Fixtures.seq7, capture: HookSelector(["*"]), budget: bytes))
    }

    func testEmptyPromptIsAnError() throws {
        let transformer = try Fixtures.tiny()
        XCTAssertThrowsError(try Tracer.run(transformer, tokens: [], capture: HookSelector(["*"]))) { error in
            XCTAssertTrue("\(error)".contains("no tokens"), "\(error)")
        }
    }
}
