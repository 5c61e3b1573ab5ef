// Interventions: replacing a hook's value on the way through — zero- or mean-ablating a head,
// adding a steering vector, patching in the value from another trace — and activation
// patching as TransformerLens offers it (clean into corrupted, per layer and position).
import Foundation
import Gemma

public enum Intervention {
    /// Sets one head's slice of `blocks.N.attn.hook_z` to zero.
    public static func zeroAblateHead(_ hooks: Hooks, layer: Int, head: Int) {
        hooks.add(.block(layer, .z)) { _, value in
            let (positions, heads, width) = (value.shape[0], value.shape[1], value.shape[2])
            guard head >= 0, head < heads else { return }
            for t in 0..<positions { for i in 0..<width { value.data[(t * heads + head) * width + i] = 0 } }
        }
    }

    /// Replaces one head's slice of `hook_z` at every position by its mean over positions.
    public static func meanAblateHead(_ hooks: Hooks, layer: Int, head: Int) {
        hooks.add(.block(layer, .z)) { _, value in
            let (positions, heads, width) = (value.shape[0], value.shape[1], value.shape[2])
            guard head >= 0, head < heads, positions > 0 else { return }
            for i in 0..<width {
                var sum: Float = 0
                for t in 0..<positions { sum += value.data[(t * heads + head) * width + i] }
                for t in 0..<positions { value.data[(t * heads + head) * width + i] = sum / Float(positions) }
            }
        }
    }

    /// Adds `scale × vector` (length d_model) to every position of a residual-stream hook.
    public static func addSteering(_ hooks: Hooks, at point: HookPoint, vector: [Float], scale: Float = 1) throws {
        hooks.add(point) { _, value in
            let width = value.shape.last ?? 0
            guard width == vector.count else { return }
            for t in 0..<(value.count / width) { for i in 0..<width { value.data[t * width + i] += scale * vector[i] } }
        }
    }

    /// Replaces the value at `point` by the same hook's value in `source`, at `positions` (all
    /// when nil). The shapes must agree.
    public static func patch(_ hooks: Hooks, at point: HookPoint, from source: Tensor, positions: [Int]? = nil) {
        hooks.add(point) { _, value in
            guard value.shape == source.shape else { return }
            guard let positions else { value = source; return }
            let width = value.shape.dropFirst().reduce(1, *)
            for t in positions where t >= 0 && t < value.shape[0] {
                for i in 0..<width { value.data[t * width + i] = source.data[t * width + i] }
            }
        }
    }
}

/// The result of activation patching: the metric for every (layer, position) patch.
public struct PatchingResult: Sendable {
    public let hook: BlockHook
    public let cleanMetric: Float
    public let corruptedMetric: Float
    /// [layers][positions]: the metric after patching that layer's hook at that position.
    public let metric: [[Float]]

    /// 0 where patching did nothing, 1 where it restored the clean metric fully.
    public var restored: [[Float]] {
        let span = cleanMetric - corruptedMetric
        return metric.map { row in row.map { span == 0 ? 0 : ($0 - corruptedMetric) / span } }
    }
}

public enum ActivationPatching {
    /// The logit difference logit(a) − logit(b) at the last position.
    public static func logitDifference(_ a: Int, _ b: Int) -> (Tensor) -> Float {
        { logits in
            let vocab = logits.shape.last ?? 0
            let last = logits.count / max(vocab, 1) - 1
            return logits.data[last * vocab + a] - logits.data[last * vocab + b]
        }
    }

    /// Patches `hook` from the clean run into the corrupted run, one (layer, position) at a time.
    public static func run(_ transformer: Transformer, clean: [Int], corrupted: [Int], hook: BlockHook = .residPre,
                           metric: (Tensor) -> Float) throws -> PatchingResult {
        guard clean.count == corrupted.count else {
            throw InspectError.mismatch("clean and corrupted prompts must have the same number of tokens (\(clean.count) and \(corrupted.count))")
        }
        let c = transformer.model.config
        let cleanTrace = try Tracer.run(transformer, tokens: clean,
                                        capture: HookSelector(["blocks.*.\(hook.rawValue)"]))
        let corruptedLogits = try transformer.forward(corrupted, cache: KVCache(config: c, contextLength: corrupted.count), logits: .last)
        var grid: [[Float]] = []
        for layer in 0..<c.layerCount {
            var row: [Float] = []
            let source = try cleanTrace.value(.block(layer, hook))
            for position in 0..<clean.count {
                if interruptRequested.load(ordering: .relaxed) { throw GemmaError.interrupted }
                let hooks = Hooks()
                Intervention.patch(hooks, at: .block(layer, hook), from: source, positions: [position])
                let logits = try transformer.forward(corrupted, cache: KVCache(config: c, contextLength: corrupted.count), hooks: hooks, logits: .last)
                row.append(metric(logits))
            }
            grid.append(row)
        }
        let cleanLast = cleanTrace.logits.rows(clean.count - 1 ..< clean.count)
        return PatchingResult(hook: hook, cleanMetric: metric(cleanLast), corruptedMetric: metric(corruptedLogits), metric: grid)
    }
}
