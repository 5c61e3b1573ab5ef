// Per-layer values of the real Gemma 3 270M against llama.cpp's graph tensors
// (Tests/Fixtures/gemma3-270m-layers, scripts/dev/make_gemma3_layer_goldens.py; docs/fidelity.md).
//
// Where our activations round to the same 8-bit codes as llama.cpp's, everything downstream
// agrees to float rounding (≈1e-7); where one code lands on the other side of a .5 tie, the
// position drifts, and this model amplifies that drift layer after layer. So Q, K and V (after
// QK-norm and RoPE) are compared tightly at every position whose Q8_0 codes agree, and the
// rest with bounds that a wrong RoPE base, QK-norm, query scale or window would still break.
import Foundation
import Gemma
import Inspect
import Kernels
import XCTest

final class Gemma3LayerTests: XCTestCase {
    static let layers = 18
    static let folder = Fixtures.root.appendingPathComponent("gemma3-270m-layers")

    func model() throws -> GemmaModel {
        guard let path = Fixtures.defaultModel else { throw XCTSkip("default model not installed: run scripts/install") }
        return try GemmaModel(path: path)
    }

    func golden(_ name: String) throws -> Tensor {
        try NPY.read(Self.folder.appendingPathComponent(name + ".npy").path)
    }

    /// Runs `ids` and keeps what `keep` makes of each hook's value; with `lastLayer`, stops
    /// after that layer.
    func capture(_ model: GemmaModel, _ ids: [Int], _ points: [HookPoint], lastLayer: Int? = nil,
                 keep: @escaping (Tensor) -> Tensor = { $0 }) throws -> [String: Tensor] {
        var captured: [String: Tensor] = [:]
        let hooks = Hooks()
        for point in points { hooks.add(point) { point, value in captured[point.name] = keep(value) } }
        if let lastLayer { hooks.add(.block(lastLayer, .residPost)) { _, _ in hooks.requestStop() } }
        do {
            _ = try Transformer(model: model, threads: 2).forward(ids, cache: KVCache(config: model.config, contextLength: 1024),
                                                                  hooks: hooks, logits: .last)
        } catch GemmaError.interrupted where lastLayer != nil {}
        return captured
    }

    /// Whether two activation rows quantize to the same Q8_0 blocks: ours as this machine's
    /// engine rounds them, llama.cpp's as its x86 build (which made the goldens) did.
    func sameQ8_0Codes(_ ours: ArraySlice<Float>, _ theirs: ArraySlice<Float>) -> Bool {
        #if arch(arm64)
        let ourVariant = Quantize.Q8_0Variant.armNEON
        #else
        let ourVariant = Quantize.Q8_0Variant.x86AVX
        #endif
        func blocks(_ row: ArraySlice<Float>, _ variant: Quantize.Q8_0Variant) -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: row.count / 32 * 34)
            Array(row).withUnsafeBufferPointer { x in
                bytes.withUnsafeMutableBytes { Quantize.q8_0(x.baseAddress!, count: row.count, into: $0.baseAddress!, variant: variant) }
            }
            return bytes
        }
        return blocks(ours, ourVariant) == blocks(theirs, .x86AVX)
    }

    /// max |ours − theirs| over max |theirs|, for rows or whole tensors.
    func relativeError(_ ours: ArraySlice<Float>, _ theirs: ArraySlice<Float>) -> Float {
        let scale = theirs.map(abs).max() ?? 1
        return zip(ours, theirs).reduce(0) { max($0, abs($1.0 - $1.1)) } / max(scale, 1e-6)
    }

    func row(_ tensor: Tensor, _ index: Int) -> ArraySlice<Float> {
        let width = tensor.count / tensor.shape[0]
        return tensor.data[index * width ..< (index + 1) * width]
    }

    /// Q, K and V at each position whose pre-attention activations round as llama.cpp's did
    /// agree to float rounding; returns those positions per layer.
    func checkCleanPositions(_ captured: [String: Tensor], prefix: String, layers: [Int], positions: Int,
                             file: StaticString = #filePath, line: UInt = #line) throws -> [Int: [Int]] {
        var clean: [Int: [Int]] = [:]
        for layer in layers {
            let ours = try XCTUnwrap(captured["blocks.\(layer).ln1.hook_normalized"])
            let theirs = try golden("\(prefix)/attn_norm-\(layer)")
            for position in 0..<positions where sameQ8_0Codes(row(ours, position), row(theirs, position)) {
                clean[layer, default: []].append(position)
                for (hook, name) in [("q", "Qcur"), ("k", "Kcur"), ("v", "Vcur")] {
                    guard let value = captured["blocks.\(layer).attn.hook_\(hook)"] else { continue }
                    let expected = try golden("\(prefix)/\(name)-\(layer)")
                    let error = relativeError(row(value, position), row(expected, position))
                    XCTAssertLessThan(error, 1e-5, "\(prefix) layer \(layer) position \(position): \(hook)", file: file, line: line)
                }
            }
        }
        return clean
    }

    func testShortPromptMatchesLlamaCppLayerByLayer() throws {
        let model = try model()
        let ids = [2, 818, 5279, 529, 7001, 563]
        var points: [HookPoint] = [.lnFinal]
        for layer in 0..<Self.layers {
            points += [.block(layer, .ln1), .block(layer, .q), .block(layer, .k), .block(layer, .v),
                       .block(layer, .pattern), .block(layer, .residPost)]
        }
        let captured = try capture(model, ids, points)
        let clean = try checkCleanPositions(captured, prefix: "short", layers: Array(0..<Self.layers), positions: ids.count)
        // Layers 0-2 round every activation as llama.cpp does; the global layers 5 and 11
        // (RoPE base 1e6) have clean positions too.
        for layer in 0..<3 { XCTAssertEqual(clean[layer], Array(0..<6), "layer \(layer)") }
        XCTAssertGreaterThanOrEqual(clean[5]?.count ?? 0, 3)
        XCTAssertGreaterThanOrEqual(clean[11]?.count ?? 0, 3)

        for layer in 0..<Self.layers {
            let pattern = try XCTUnwrap(captured["blocks.\(layer).attn.hook_pattern"])
            let expected = try golden("short/kq_soft_max-\(layer)")
            XCTAssertEqual(pattern.shape, expected.shape)
            // Probabilities: exact before the first rounding flip (layer 3), then within the drift.
            let patternBound: Float = layer < 3 ? 1e-5 : 0.1
            XCTAssertLessThan(maxAbsDifference(pattern.data, expected.data), patternBound, "layer \(layer) pattern")
            let residual = try XCTUnwrap(captured["blocks.\(layer).hook_resid_post"])
            let residualBound: Float = layer < 3 ? 1e-6 : 1e-2
            XCTAssertLessThan(relativeError(residual.data[...], try golden("short/l_out-\(layer)").data[...]), residualBound,
                              "layer \(layer) resid_post")
        }
        let final = try XCTUnwrap(captured["ln_final.hook_normalized"])
        XCTAssertLessThan(relativeError(final.data[...], try golden("short/result_norm").data[...]), 0.1)
    }

    func testLongPromptWindowAndRopeMatchLlamaCpp() throws {
        let model = try model()
        let ids = try JSONSerialization.jsonObject(
            with: Data(contentsOf: Self.folder.appendingPathComponent("long/ids.json"))) as! [Int]
        let n = ids.count
        XCTAssertGreaterThan(n, 512 + 100, "longer than the sliding window")
        // Layer 0 (local, RoPE base 1e4) and layer 5 (the first global one, base 1e6); the pass
        // stops after layer 5. Keep the last 4 positions of ln1/q/k and the last query's row
        // of each pattern.
        let layers = [0, 5]
        let points = layers.flatMap { layer in [HookPoint.block(layer, .ln1), .block(layer, .q), .block(layer, .k), .block(layer, .pattern)] }
        let captured = try capture(model, ids, points, lastLayer: 5) { value in
            if value.shape.count == 3 && value.shape[1] == n {
                let heads = value.shape[0]
                var rows: [Float] = []
                for head in 0..<heads { rows += value.data[(head * n + n - 1) * n ..< (head * n + n) * n] }
                return Tensor(shape: [heads, n], data: rows)
            }
            let width = value.count / n
            return Tensor(shape: [4] + value.shape.dropFirst(), data: Array(value.data[(n - 4) * width ..< n * width]))
        }
        // Layer 0 rounds every activation as llama.cpp does: RoPE at positions n-4..<n exact.
        let clean = try checkCleanPositions(captured, prefix: "long", layers: layers, positions: 4)
        XCTAssertEqual(clean[0], Array(0..<4))
        // By layer 5, 640 earlier positions have drifted (up to ~6e-2 here); a wrong RoPE base
        // at position 640 would put the error near 1.
        for hook in ["q", "k"] {
            let ours = try XCTUnwrap(captured["blocks.5.attn.hook_\(hook)"])
            let theirs = try golden("long/\(hook == "q" ? "Qcur" : "Kcur")-5")
            XCTAssertLessThan(relativeError(ours.data[...], theirs.data[...]), 0.2, "layer 5 \(hook)")
        }

        for layer in layers {
            let pattern = try XCTUnwrap(captured["blocks.\(layer).attn.hook_pattern"])
            let expected = try golden("long/kq_soft_max-\(layer)")
            XCTAssertEqual(pattern.shape, expected.shape)
            // The window: local layers see the last 512 keys, global layers all of them.
            let local = layer % 6 < 5
            var zeros = 0
            for head in 0..<pattern.shape[0] {
                for key in 0..<n {
                    let ours = pattern.data[head * n + key], theirs = expected.data[head * n + key]
                    XCTAssertEqual(ours == 0, theirs == 0, "layer \(layer) head \(head) key \(key)")
                    if ours == 0 { zeros += 1 }
                }
            }
            XCTAssertEqual(zeros, local ? pattern.shape[0] * (n - 512) : 0, "layer \(layer): keys outside the window")
            XCTAssertLessThan(maxAbsDifference(pattern.data, expected.data), layer == 0 ? 1e-5 : 0.1, "layer \(layer) pattern")
        }
    }
}
