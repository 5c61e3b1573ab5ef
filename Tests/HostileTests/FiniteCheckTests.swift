// NaN and infinity caught at the first hook point that produced them, and named.
import Foundation
import Gemma
import XCTest

final class FiniteCheckTests: XCTestCase {
    private static let prompt = [2, 305, 408, 320, 313, 305, 485]

    private func transformer(_ path: String = Paths.tinyModel) throws -> Transformer {
        Transformer(model: try GemmaModel(path: path), threads: 2)
    }

    private func cache(_ transformer: Transformer) -> KVCache { KVCache(config: transformer.model.config) }

    /// Hooks that write `value` at flat `index` of `point`.
    private func injecting(_ value: Float, at point: HookPoint, index: Int) -> Hooks {
        let hooks = Hooks()
        hooks.add(point) { _, tensor in tensor.data[index] = value }
        return hooks
    }

    func testAFiniteForwardPassIsUnchanged() throws {
        let model = try transformer()
        let plain = try model.forward(Self.prompt, cache: cache(model), logits: .all)
        let checked = try FiniteCheck.forward(model, Self.prompt, cache: cache(model), logits: .all)
        XCTAssertEqual(checked.shape, plain.shape)
        // Listening on every hook takes the capturing paths of attention; same values up to rounding.
        XCTAssertLessThan(zip(checked.data, plain.data).map { abs($0 - $1) }.max() ?? 1, 1e-5)
    }

    func testAnInjectedNaNIsNamedAtItsHook() throws {
        let model = try transformer()
        for (point, index) in [(HookPoint.embed, 3), (.block(1, .mlpOut), 5), (.block(0, .ln1), 70), (.block(3, .z), 1),
                               (.block(2, .pattern), 9), (.logitsPrecap, 511)] {
            let hooks = injecting(.nan, at: point, index: index)
            XCTAssertThrowsError(try FiniteCheck.forward(model, Self.prompt, cache: cache(model), hooks: hooks)) { error in
                XCTAssertEqual(error as? GemmaError, .nonFinite(hook: point.name, index: index))
            }
            // The caller's hooks are left as they were: no stop request, still usable.
            XCTAssertFalse(hooks.stopRequested)
            XCTAssertNoThrow(try model.forward(Self.prompt, cache: cache(model), hooks: hooks))
        }
    }

    func testInfinityCountsButMaskedScoresDoNot() throws {
        let model = try transformer()
        let infinite = injecting(.infinity, at: .block(0, .residMid), index: 2)
        XCTAssertThrowsError(try FiniteCheck.forward(model, Self.prompt, cache: cache(model), hooks: infinite)) { error in
            XCTAssertEqual(error as? GemmaError, .nonFinite(hook: "blocks.0.hook_resid_mid", index: 2))
        }
        // attn.hook_attn_scores holds -inf wherever a key is masked; that is no error ...
        let listening = Hooks()
        var sawMasked = false
        listening.add(.block(0, .attnScores)) { _, tensor in sawMasked = tensor.data.contains(-.infinity) }
        XCTAssertNoThrow(try FiniteCheck.forward(model, Self.prompt, cache: cache(model), hooks: listening))
        XCTAssertTrue(sawMasked)
        // ... but +inf there is.
        let positive = injecting(.infinity, at: .block(0, .attnScores), index: 0)
        XCTAssertThrowsError(try FiniteCheck.forward(model, Self.prompt, cache: cache(model), hooks: positive)) { error in
            XCTAssertEqual(error as? GemmaError, .nonFinite(hook: "blocks.0.attn.hook_attn_scores", index: 0))
        }
    }

    /// A weight that is NaN in the file: the first value it spoils is block 2's MLP output.
    func testANaNWeightIsCaughtWhereItFirstShows() throws {
        let model = try transformer(try EditableModel.nanWeight(in: try Paths.scratchFolder(self)))
        XCTAssertThrowsError(try FiniteCheck.forward(model, Self.prompt, cache: cache(model))) { error in
            XCTAssertEqual(error as? GemmaError, .nonFinite(hook: "blocks.2.hook_mlp_out", index: 0))
            XCTAssertEqual("\(error)", "blocks.2.hook_mlp_out produced a NaN or infinite value (at flat index 0)")
        }
        // Without the check the NaN reaches the logits silently.
        let logits = try model.forward(Self.prompt, cache: cache(model))
        XCTAssertTrue(logits.data.contains { $0.isNaN })
    }

    /// Generation checks each pass's logits and never samples from a NaN: the pass is run again
    /// watched, and the error names the hook point, for the prompt's pass and for a later one.
    func testGenerationStopsAtTheFirstNonFiniteValueAndNamesItsHook() throws {
        let folder = try Paths.scratchFolder(self)
        let broken = try transformer(try EditableModel.nanWeight(in: folder))
        XCTAssertThrowsError(try Generator(transformer: broken).generate(promptIds: Self.prompt, maxTokens: 4,
                                                                          sampler: SamplerSettings())) { error in
            XCTAssertEqual(error as? GemmaError, .nonFinite(hook: "blocks.2.hook_mlp_out", index: 0))
        }

        // NaN in the embedding row of one generated token that is new to the sequence (the
        // unembedding kept intact as output.weight): the passes before it are fine, its own
        // pass fails at hook_embed.
        let plain = try Generator(transformer: try transformer()).generate(promptIds: Self.prompt, maxTokens: 12,
                                                                             sampler: SamplerSettings())
        XCTAssertEqual(plain.generatedIds.count, 12)
        let step = try XCTUnwrap(plain.generatedIds.indices.first { step in
            !(Self.prompt + plain.generatedIds[..<step]).contains(plain.generatedIds[step])
        })
        XCTAssertLessThan(step, 11, "the token's own pass must run")
        let token = plain.generatedIds[step]
        var edited = try EditableModel.tiny.get()
        let index = try XCTUnwrap(edited.tensors.firstIndex { $0.name == "token_embd.weight" })
        let embedding = edited.tensors[index]
        XCTAssertEqual(embedding.shape, [64, 512])
        edited.tensors.append(.init(name: "output.weight", shape: embedding.shape, type: .f32, data: embedding.data))
        let byte = (token * 64 + 5) * 4
        withUnsafeBytes(of: Float.nan.bitPattern.littleEndian) { edited.tensors[index].data.replaceSubrange(byte..<byte + 4, with: $0) }
        let model = try transformer(try edited.write("nan-row.gguf", in: folder))
        XCTAssertThrowsError(try Generator(transformer: model).generate(promptIds: Self.prompt, maxTokens: 12,
                                                                         sampler: SamplerSettings())) { error in
            XCTAssertEqual(error as? GemmaError, .nonFinite(hook: "hook_embed", index: 5))
        }
    }

    func testFirstNonFinite() {
        XCTAssertNil(FiniteCheck.firstNonFinite([0, 1, -3, .greatestFiniteMagnitude]))
        XCTAssertEqual(FiniteCheck.firstNonFinite([0, -.infinity, .nan]), 1)
        XCTAssertEqual(FiniteCheck.firstNonFinite([0, -.infinity, .nan], allowingNegativeInfinity: true), 2)
        XCTAssertEqual(FiniteCheck.firstNonFinite([.signalingNaN]), 0)
    }
}
