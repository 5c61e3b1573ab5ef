// The attention sub-layer of a Gemma block (Gemma 2 report §2): RMSNorm → Q, K, V → RoPE →
// scaled scores → soft-cap → causal (and, on local layers, sliding-window) mask → softmax →
// weighted values → output projection → post-attention RMSNorm → residual add.
import Foundation

extension Transformer {
    func attentionBlock(_ layer: Int, _ residual: FloatBuffer, positions start: Int, count n: Int,
                        cache: KVCache, hooks: Hooks?) throws {
        let c = config
        let w = model.weights.layers[layer]
        let d = c.modelWidth, hd = c.headDim, vd = c.valueDim
        let heads = c.headCount, kvHeads = c.kvHeadCount

        // Pre-attention RMSNorm.
        let normed = FloatBuffer(n * d)
        for t in 0..<n {
            rmsNorm(residual.pointer + t * d, weight: w.attentionNorm, count: d, epsilon: c.rmsEpsilon,
                    into: normed.pointer + t * d)
        }
        try fire(.block(layer, .ln1), normed, [n, d], hooks)

        // Q, K, V projections (one pass over the shared input).
        let q = FloatBuffer(n * heads * hd), k = FloatBuffer(n * kvHeads * hd), v = FloatBuffer(n * kvHeads * vd)
        products.project(normed.pointer, tokens: n, width: d,
                         [(w.query, q.pointer), (w.key, k.pointer), (w.value, v.pointer)])

        // Gemma 3: RMSNorm of each query and key head. Then RoPE.
        let rope = Rope(dim: hd, base: c.ropeBases[layer], scale: c.ropeScales[layer])
        for t in 0..<n {
            let qt = q.pointer + t * heads * hd, kt = k.pointer + t * kvHeads * hd
            if let queryNorm = w.queryNorm, let keyNorm = w.keyNorm {
                for h in 0..<heads { rmsNorm(qt + h * hd, weight: queryNorm, count: hd, epsilon: c.rmsEpsilon, into: qt + h * hd) }
                for h in 0..<kvHeads { rmsNorm(kt + h * hd, weight: keyNorm, count: hd, epsilon: c.rmsEpsilon, into: kt + h * hd) }
            }
            let table = rope.table(position: start + t)
            rope.apply(qt, heads: heads, table: table)
            rope.apply(kt, heads: kvHeads, table: table)
        }
        try fire(.block(layer, .q), q, [n, heads, hd], hooks)
        try fire(.block(layer, .k), k, [n, kvHeads, hd], hooks)
        try fire(.block(layer, .v), v, [n, kvHeads, vd], hooks)
        for i in 0..<q.count { q[i] *= c.queryScale }

        // Into the cache.
        for t in 0..<n {
            cache.key(layer, start + t).update(from: k.pointer + t * kvHeads * hd, count: kvHeads * hd)
            cache.value(layer, start + t).update(from: v.pointer + t * kvHeads * vd, count: kvHeads * vd)
        }

        // Scores, soft-cap, mask, softmax, weighted values: one task per (query, head).
        let z = FloatBuffer(n * heads * vd)
        let keysTotal = start + n
        let wantsPrecap = hooks?.isActive(.block(layer, .scoresPrecap)) == true
        let wantsScores = hooks?.isActive(.block(layer, .attnScores)) == true
        let wantsPattern = hooks?.isActive(.block(layer, .pattern)) == true
        let capture = wantsPrecap || wantsScores || wantsPattern
        let precap = capture ? FloatBuffer(heads * n * keysTotal) : nil
        let capped = capture ? FloatBuffer(heads * n * keysTotal) : nil
        let pattern = capture ? FloatBuffer(heads * n * keysTotal) : nil
        let kind = c.layerKinds[layer]
        let cap = options.softCaps ? c.attentionSoftCap : nil
        let group = c.groupSize

        products.pool.run(n * heads) { task in
            let t = task / heads, h = task % heads
            let position = start + t
            let first: Int
            switch kind {
            case .global: first = 0
            case let .local(window): first = max(0, position - window + 1)
            }
            let kvHead = h / group
            let query = q.pointer + (t * heads + h) * hd
            let visible = position - first + 1
            withUnsafeTemporaryAllocation(of: Float.self, capacity: visible) { scores in
                let s = scores.baseAddress!
                for j in 0..<visible {
                    let key = cache.key(layer, first + j) + kvHead * hd
                    var dot: Float = 0
                    for i in 0..<hd { dot += key[i] * query[i] }
                    s[j] = dot
                }
                if let precap {
                    // Every key, visible or not, as the raw scaled dot product.
                    let row = precap.pointer + (h * n + t) * keysTotal
                    for j in 0..<keysTotal {
                        let key = cache.key(layer, j) + kvHead * hd
                        var dot: Float = 0
                        for i in 0..<hd { dot += key[i] * query[i] }
                        row[j] = dot
                    }
                }
                if let cap { softCap(s, count: visible, cap: cap) }
                if let capped {
                    let row = capped.pointer + (h * n + t) * keysTotal
                    for j in 0..<keysTotal { row[j] = -.infinity }
                    for j in 0..<visible { row[first + j] = s[j] }
                }
                softmax(s, count: visible)
                if let pattern {
                    let row = pattern.pointer + (h * n + t) * keysTotal
                    for j in 0..<keysTotal { row[j] = 0 }
                    for j in 0..<visible { row[first + j] = s[j] }
                }
                let out = z.pointer + (t * heads + h) * vd
                for i in 0..<vd { out[i] = 0 }
                for j in 0..<visible {
                    let value = cache.value(layer, first + j) + kvHead * vd
                    let p = s[j]
                    for i in 0..<vd { out[i] += p * value[i] }
                }
            }
        }
        if let precap, let capped, let pattern {
            let shape = [heads, n, keysTotal]
            try fire(.block(layer, .scoresPrecap), precap, shape, hooks)
            try fire(.block(layer, .attnScores), capped, shape, hooks)
            try fire(.block(layer, .pattern), pattern, shape, hooks)
            if hooks?.isActive(.block(layer, .pattern)) == true {
                // A replaced pattern (an intervention) recomputes the weighted values.
                recomputeValues(layer, pattern, z, cache: cache, start: start, count: n)
            }
        }
        try fire(.block(layer, .z), z, [n, heads, vd], hooks)

        // Output projection, post-attention RMSNorm, residual add.
        let out = FloatBuffer(n * d)
        products.project(z.pointer, tokens: n, width: heads * vd, [(w.attentionOutput, out.pointer)])
        if let post = w.postAttentionNorm {
            for t in 0..<n { rmsNorm(out.pointer + t * d, weight: post, count: d, epsilon: c.rmsEpsilon, into: out.pointer + t * d) }
        }
        try fire(.block(layer, .attnOut), out, [n, d], hooks)
        for i in 0..<residual.count { residual[i] += out[i] }
    }

    /// z = pattern · V, from a full [heads, queries, keys] pattern.
    private func recomputeValues(_ layer: Int, _ pattern: FloatBuffer, _ z: FloatBuffer, cache: KVCache,
                                 start: Int, count n: Int) {
        let c = config
        let heads = c.headCount, vd = c.valueDim, keysTotal = start + n
        for t in 0..<n {
            for h in 0..<heads {
                let out = z.pointer + (t * heads + h) * vd
                for i in 0..<vd { out[i] = 0 }
                let row = pattern.pointer + (h * n + t) * keysTotal
                for j in 0..<keysTotal where row[j] != 0 {
                    let value = cache.value(layer, j) + (h / c.groupSize) * vd
                    for i in 0..<vd { out[i] += row[j] * value[i] }
                }
            }
        }
    }
}
