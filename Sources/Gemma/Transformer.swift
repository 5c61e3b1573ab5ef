// The Gemma forward pass, as the Gemma 2 report describes it (§2): embed and scale by
// sqrt(d_model); per layer pre-norm → attention → post-norm → residual add, pre-norm → GeGLU
// → post-norm → residual add; final norm; tied unembedding; final soft-cap.
import Synchronization

/// Set by a SIGINT handler: a running forward pass stops at the next layer boundary.
public let interruptRequested = Atomic<Bool>(false)

/// Which positions' logits a forward pass returns.
public enum LogitsSelection: Sendable {
    case last, all, none
}

/// Switches for experiments.
public struct ForwardOptions: Sendable {
    /// Apply the attention and final soft-caps the model has (turn off to see what they do).
    public var softCaps = true
    public init(softCaps: Bool = true) { self.softCaps = softCaps }
}

/// Runs a model's forward pass over a KV cache.
public final class Transformer: @unchecked Sendable {  // used by one session at a time
    public let model: GemmaModel
    public var options: ForwardOptions
    let products: MatrixProducts
    var config: ModelConfig { model.config }

    public init(model: GemmaModel, threads: Int, options: ForwardOptions = ForwardOptions()) {
        self.model = model
        self.options = options
        self.products = MatrixProducts(pool: ThreadPool.shared(threads: threads))
    }

    public var threads: Int { products.pool.threadCount }

    /// Processes `tokens` at the next positions of `cache` and returns the selected logits
    /// ([positions, vocab]; after the final soft-cap). `hooks` observe or replace values.
    public func forward(_ tokens: [Int], cache: KVCache, hooks: Hooks? = nil,
                        logits selection: LogitsSelection = .last) throws -> Tensor {
        let c = config
        let start = cache.count
        guard !tokens.isEmpty else { return Tensor(zeros: [0, c.vocabularySize]) }
        guard start + tokens.count <= cache.capacity else {
            throw start == 0 ? GemmaError.promptTooLong(tokens: tokens.count, context: cache.capacity)
                             : GemmaError.contextFull(position: start + tokens.count - 1, context: cache.capacity)
        }
        for token in tokens where token < 0 || token >= c.vocabularySize {
            throw GemmaError.tokenOutOfRange(id: token, vocabulary: c.vocabularySize)
        }
        cache.reserve(start + tokens.count)
        let hooks = hooks?.isEmpty == false ? hooks : nil
        let n = tokens.count, d = c.modelWidth

        // Embedding, scaled by sqrt(d_model).
        let residual = FloatBuffer(n * d)
        for (t, token) in tokens.enumerated() {
            let row = residual.pointer + t * d
            model.weights.tokenEmbedding.dequantizedRow(token, into: row)
            for i in 0..<d { row[i] *= c.embeddingScale }
        }
        try fire(.embed, residual, [n, d], hooks)

        for layer in 0..<c.layerCount {
            if interruptRequested.load(ordering: .relaxed) { throw GemmaError.interrupted }
            try fire(.block(layer, .residPre), residual, [n, d], hooks)
            try attentionBlock(layer, residual, positions: start, count: n, cache: cache, hooks: hooks)
            try fire(.block(layer, .residMid), residual, [n, d], hooks)
            try feedForwardBlock(layer, residual, count: n, hooks: hooks)
            try fire(.block(layer, .residPost), residual, [n, d], hooks)
        }
        cache.commit(start + n)

        // Final norm, tied unembedding, final soft-cap.
        let wantsAll = selection == .all || hooks?.isActive(.lnFinal) == true
            || hooks?.isActive(.logitsPrecap) == true || hooks?.isActive(.logits) == true
        if selection == .none && !wantsAll { return Tensor(zeros: [0, c.vocabularySize]) }
        let first = wantsAll ? 0 : n - 1
        let rows = n - first
        let normed = FloatBuffer(rows * d)
        for t in 0..<rows {
            rmsNorm(residual.pointer + (first + t) * d, weight: model.weights.finalNorm, count: d,
                    epsilon: c.rmsEpsilon, into: normed.pointer + t * d)
        }
        try fire(.lnFinal, normed, [rows, d], hooks)
        let logits = FloatBuffer(rows * c.vocabularySize)
        products.project(normed.pointer, tokens: rows, width: d, [(model.weights.output, logits.pointer)])
        try fire(.logitsPrecap, logits, [rows, c.vocabularySize], hooks)
        if let cap = c.finalSoftCap, options.softCaps {
            softCap(logits.pointer, count: logits.count, cap: cap)
        }
        try fire(.logits, logits, [rows, c.vocabularySize], hooks)
        if selection == .last && rows > 1 {
            return logits.tensor([rows, c.vocabularySize]).row(rows - 1).reshaped([1, c.vocabularySize])
        }
        return logits.tensor([rows, c.vocabularySize])
    }

    /// Gives the listeners of `point` the buffer's value and takes back what they leave.
    /// Returns whether a listener changed it (an intervention), so that values computed from
    /// it can be computed again.
    @inline(__always) @discardableResult
    func fire(_ point: HookPoint, _ buffer: FloatBuffer, _ shape: [Int], _ hooks: Hooks?) throws -> Bool {
        guard let hooks else { return false }
        if hooks.stopRequested { throw GemmaError.interrupted }
        guard hooks.isActive(point) else { return false }
        var value = buffer.tensor(shape)
        hooks.fire(point, &value)
        return buffer.load(value)
    }
}

extension Transformer {
    /// The logit lens: final RMSNorm, unembedding and (when on) the final soft-cap applied to
    /// residual-stream rows `[n, d_model]`, giving `[n, vocab]`.
    public func unembed(_ residual: Tensor, softCap applyCap: Bool = true) -> Tensor {
        let c = config
        let d = c.modelWidth
        let n = residual.count / d
        let normed = FloatBuffer(n * d)
        residual.data.withUnsafeBufferPointer { rows in
            for t in 0..<n {
                rmsNorm(rows.baseAddress! + t * d, weight: model.weights.finalNorm, count: d,
                        epsilon: c.rmsEpsilon, into: normed.pointer + t * d)
            }
        }
        let logits = FloatBuffer(n * c.vocabularySize)
        products.project(normed.pointer, tokens: n, width: d, [(model.weights.output, logits.pointer)])
        if let cap = c.finalSoftCap, applyCap, options.softCaps { softCap(logits.pointer, count: logits.count, cap: cap) }
        return logits.tensor([n, c.vocabularySize])
    }
}

