// The feed-forward sub-layer of a Gemma block (Gemma 2 report §2): RMSNorm → GeGLU
// (tanh-approximated GELU of the gate times the up projection) → down projection →
// post-FFN RMSNorm → residual add.

extension Transformer {
    func feedForwardBlock(_ layer: Int, _ residual: FloatBuffer, count n: Int, hooks: Hooks?) throws {
        let c = config
        let w = model.weights.layers[layer]
        let d = c.modelWidth, ffn = c.feedForwardWidth

        let normed = FloatBuffer(n * d)
        for t in 0..<n {
            rmsNorm(residual.pointer + t * d, weight: w.feedForwardNorm, count: d, epsilon: c.rmsEpsilon,
                    into: normed.pointer + t * d)
        }
        try fire(.block(layer, .ln2), normed, [n, d], hooks)

        let gate = FloatBuffer(n * ffn), up = FloatBuffer(n * ffn)
        products.project(normed.pointer, tokens: n, width: d, [(w.gate, gate.pointer), (w.up, up.pointer)])
        try fire(.block(layer, .mlpPre), gate, [n, ffn], hooks)
        try fire(.block(layer, .mlpPreLinear), up, [n, ffn], hooks)

        let activation = FloatBuffer(n * ffn)
        gatedGelu(gate: gate.pointer, up: up.pointer, count: n * ffn, into: activation.pointer)
        try fire(.block(layer, .mlpPost), activation, [n, ffn], hooks)

        let out = FloatBuffer(n * d)
        products.project(activation.pointer, tokens: n, width: ffn, [(w.down, out.pointer)])
        if let post = w.postFeedForwardNorm {
            for t in 0..<n { rmsNorm(out.pointer + t * d, weight: post, count: d, epsilon: c.rmsEpsilon, into: out.pointer + t * d) }
        }
        try fire(.block(layer, .mlpOut), out, [n, d], hooks)
        for i in 0..<residual.count { residual[i] += out[i] }
    }
}
