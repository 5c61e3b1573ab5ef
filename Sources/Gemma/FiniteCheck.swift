// An opt-in check for NaN and infinity in the forward pass: a listener on every hook point that
// names the first point whose value is not finite (GemmaError.nonFinite), built on Hooks only.

/// Watches the hook points of forward passes and remembers the first value that holds a NaN or
/// an infinity. Masked attention scores (`attn.hook_attn_scores`) are -inf by design, so there
/// only NaN and +inf count.
///
/// ```swift
/// let logits = try FiniteCheck.forward(transformer, ids, cache: cache, hooks: interventions)
/// // throws GemmaError.nonFinite(hook: "blocks.2.hook_mlp_out", index: 17) on the first bad value
/// ```
///
/// `@unchecked Sendable`: hook handlers run on the thread of the forward pass, one at a time,
/// and `firstFailure` is read after the pass, as `Hooks` handlers change only between passes.
public final class FiniteCheck: @unchecked Sendable {
    /// The first hook point seen with a non-finite value, and the flat index of that value.
    public private(set) var firstFailure: (hook: HookPoint, index: Int)?

    public init() {}

    /// Adds a check on every hook point of a model with `layers` blocks. Handlers run in the
    /// order they were added, so install the check last: a value an intervention wrote is then
    /// checked as it leaves its hook, and the intervention's hook is the one named. After the
    /// first failure the check asks the pass to stop (`hooks.requestStop()`).
    public func install(on hooks: Hooks, layers: Int) {
        for point in HookPoint.all(layers: layers) {
            let allowsNegativeInfinity = point.allowsMaskedScores
            hooks.add(point) { [unowned self, unowned hooks] point, value in
                guard self.firstFailure == nil,
                      let index = FiniteCheck.firstNonFinite(value.data, allowingNegativeInfinity: allowsNegativeInfinity)
                else { return }
                self.firstFailure = (point, index)
                hooks.requestStop()
            }
        }
    }

    /// Throws `GemmaError.nonFinite` when a failure was seen.
    public func check() throws {
        if let failure = firstFailure { throw GemmaError.nonFinite(hook: failure.hook.name, index: failure.index) }
    }

    /// `transformer.forward` with every hook point checked. `hooks` (interventions, listeners)
    /// run first and are left unchanged: the check works on a copy. Throws
    /// `GemmaError.nonFinite` naming the first hook point whose value is not finite.
    public static func forward(_ transformer: Transformer, _ tokens: [Int], cache: KVCache, hooks: Hooks? = nil,
                               logits selection: LogitsSelection = .last) throws -> Tensor {
        let checked = hooks?.copy() ?? Hooks()
        let finiteCheck = FiniteCheck()
        finiteCheck.install(on: checked, layers: transformer.model.config.layerCount)
        let result: Tensor
        do {
            result = try transformer.forward(tokens, cache: cache, hooks: checked, logits: selection)
        } catch GemmaError.interrupted where finiteCheck.firstFailure != nil {
            try finiteCheck.check()
            throw GemmaError.interrupted
        }
        try finiteCheck.check()
        return result
    }

    /// The index of the first NaN or infinity in `values` (-inf allowed when asked), or nil.
    public static func firstNonFinite(_ values: [Float], allowingNegativeInfinity: Bool = false) -> Int? {
        values.withUnsafeBufferPointer { buffer in
            for index in buffer.indices where !buffer[index].isFinite {
                if allowingNegativeInfinity && buffer[index] == -.infinity { continue }
                return index
            }
            return nil
        }
    }
}

extension HookPoint {
    /// Whether the value holds -inf where attention is masked (after the soft-cap, before softmax).
    public var allowsMaskedScores: Bool {
        if case .block(_, .attnScores) = self { return true }
        return false
    }
}
