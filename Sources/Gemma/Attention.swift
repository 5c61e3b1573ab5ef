// The attention sub-layer of a Gemma block (Gemma 2 report §2): RMSNorm → Q, K, V → RoPE →
// scaled scores → soft-cap → causal (and, on local layers, sliding-window) mask → softmax →
// weighted values → output projection → post-attention RMSNorm → residual add.
import CKernels
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
            cache.store(layer, start + t, keys: k.pointer + t * kvHeads * hd, values: v.pointer + t * kvHeads * vd)
        }

        // Scores, soft-cap, mask, softmax, weighted values, streamed over the cache. When a hook
        // looks at the scores or the pattern, whole rows are made for it beside this, so that
        // looking never changes the result; only a hook that changes them recomputes z.
        let z = FloatBuffer(n * heads * vd)
        attend(layer, q, into: z, start: start, count: n, cache: cache)
        let watched: [HookPoint] = [.block(layer, .scoresPrecap), .block(layer, .attnScores), .block(layer, .pattern)]
        if let hooks, watched.contains(where: { hooks.isActive($0) }) {
            try showRows(layer, q, z, start: start, count: n, cache: cache, hooks: hooks)
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

    /// The first key a query at `position` sees: 0 on global layers, the window's start on local ones.
    private func firstVisibleKey(_ layer: Int, position: Int) -> Int {
        switch config.layerKinds[layer] {
        case .global: return 0
        case let .local(window): return max(0, position - window + 1)
        }
    }

    /// z for every (position, query head): one task per position and KV head, whose query heads
    /// share the pass over the keys; the C kernel streams the softmax over blocks of keys, so
    /// no [queries, keys] buffer is made.
    private func attend(_ layer: Int, _ q: FloatBuffer, into z: FloatBuffer, start: Int, count n: Int, cache: KVCache) {
        let c = config
        let hd = c.headDim, vd = c.valueDim, heads = c.headCount, kvHeads = c.kvHeadCount, group = c.groupSize
        let cap = options.softCaps ? c.attentionSoftCap ?? 0 : 0
        let bytes = cache.type.bytesPerValue
        products.pool.run(n * kvHeads) { task in
            let t = task / kvHeads, kvHead = task % kvHeads
            let position = start + t
            let first = firstVisibleKey(layer, position: position)
            let head = kvHead * group
            ck_attention(cache.type.ggmlType, Int64(hd), Int64(vd),
                         q.pointer + (t * heads + head) * hd, Int64(group), Int64(hd),
                         cache.key(layer, first) + kvHead * hd * bytes, cache.keyRowBytes,
                         cache.value(layer, first) + kvHead * vd * bytes, cache.valueRowBytes,
                         Int64(position - first + 1), cap, z.pointer + (t * heads + head) * vd, Int64(vd))
        }
    }

    /// Whole rows [heads, queries, keys] for the score and pattern hooks: the raw scores for
    /// every key, the soft-capped scores (−inf where masked) and the pattern, each made only
    /// when a hook watches it or a later one (a hook on the raw scores alone costs the raw
    /// scores alone). A hook that changes one of them changes the ones after it, and z.
    private func showRows(_ layer: Int, _ q: FloatBuffer, _ z: FloatBuffer, start: Int, count n: Int,
                          cache: KVCache, hooks: Hooks) throws {
        let c = config
        let hd = c.headDim, heads = c.headCount, keysTotal = start + n
        let bytes = cache.type.bytesPerValue
        let shape = [heads, n, keysTotal]
        let precap = FloatBuffer(heads * n * keysTotal)
        products.pool.run(n * heads) { task in
            let t = task / heads, h = task % heads
            ck_attention_scores(cache.type.ggmlType, Int64(hd), q.pointer + (t * heads + h) * hd,
                                cache.key(layer, 0) + (h / c.groupSize) * hd * bytes, cache.keyRowBytes,
                                Int64(keysTotal), precap.pointer + (h * n + t) * keysTotal)
        }
        var changed = try fire(.block(layer, .scoresPrecap), precap, shape, hooks)
        let patternWatched = hooks.isActive(.block(layer, .pattern))
        guard changed || patternWatched || hooks.isActive(.block(layer, .attnScores)) else { return }
        let capped = FloatBuffer(heads * n * keysTotal)
        capRows(layer, from: precap, into: capped, start: start, count: n)
        changed = try fire(.block(layer, .attnScores), capped, shape, hooks) || changed
        guard changed || patternWatched else { return }
        let pattern = FloatBuffer(heads * n * keysTotal)
        softmaxRows(layer, from: capped, into: pattern, start: start, count: n)
        changed = try fire(.block(layer, .pattern), pattern, shape, hooks) || changed
        if changed { recomputeValues(layer, pattern, z, cache: cache, start: start, count: n) }
    }

    /// Soft-capped scores, −inf outside the causal (and sliding-window) mask.
    private func capRows(_ layer: Int, from precap: FloatBuffer, into capped: FloatBuffer, start: Int, count n: Int) {
        let keysTotal = start + n
        let cap = options.softCaps ? config.attentionSoftCap : nil
        for row in 0..<(config.headCount * n) {
            let position = start + row % n
            let first = firstVisibleKey(layer, position: position)
            let base = row * keysTotal
            for j in 0..<keysTotal {
                let s = precap[base + j]
                capped[base + j] = j < first || j > position ? -.infinity : cap.map { softCap(s, cap: $0) } ?? s
            }
        }
    }

    /// The softmax of each row over its visible keys; 0 elsewhere.
    private func softmaxRows(_ layer: Int, from capped: FloatBuffer, into pattern: FloatBuffer, start: Int, count n: Int) {
        let keysTotal = start + n
        for row in 0..<(config.headCount * n) {
            let position = start + row % n
            let first = firstVisibleKey(layer, position: position)
            let base = row * keysTotal
            for j in 0..<keysTotal { pattern[base + j] = j < first || j > position ? 0 : capped[base + j] }
            softmax(pattern.pointer + base + first, count: position - first + 1)
        }
    }

    /// z = pattern · V, from a full [heads, queries, keys] pattern.
    private func recomputeValues(_ layer: Int, _ pattern: FloatBuffer, _ z: FloatBuffer, cache: KVCache,
                                 start: Int, count n: Int) {
        let c = config
        let heads = c.headCount, vd = c.valueDim, keysTotal = start + n
        let bytes = cache.type.bytesPerValue
        products.pool.run(n * heads) { task in
            let t = task / heads, h = task % heads
            let out = z.pointer + (t * heads + h) * vd
            out.initialize(repeating: 0, count: vd)
            ck_weighted_values(cache.type.ggmlType, Int64(vd), pattern.pointer + (h * n + t) * keysTotal,
                               cache.value(layer, 0) + (h / c.groupSize) * vd * bytes, cache.valueRowBytes,
                               Int64(keysTotal), out)
        }
    }
}
