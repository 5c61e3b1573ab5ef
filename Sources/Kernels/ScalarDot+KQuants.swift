// Plain-Swift twins of the C K-quant dot products (Q4_K, Q5_K, Q6_K weights x Q8_K
// activations), in the shape of ggml's ggml_vec_dot_q{4,5,6}_K_q8_K_generic: the quants of
// a super-block expanded to bytes, products summed into eight int32 lanes per super-block,
// eight f32 lanes across super-blocks, and the Q4_K / Q5_K min term from the Q8_K bsums.

extension ScalarDot {
    /// Q4_K x Q8_K. A super-block holds d, dmin (fp16), 12 bytes of 6-bit scales and mins
    /// for 8 sub-blocks of 32, and 128 bytes of 4-bit quants.
    public static func q4_Kq8_K(n: Int, w: UnsafeRawPointer, a: UnsafeRawPointer) -> Float {
        kQuant(n: n, w: w, a: a, blockBytes: q4_KBytes, highBitsOffset: nil, quantsOffset: 16)
    }

    /// Q5_K x Q8_K: as Q4_K, with a 5th bit per value in 32 bytes of `qh`.
    public static func q5_Kq8_K(n: Int, w: UnsafeRawPointer, a: UnsafeRawPointer) -> Float {
        kQuant(n: n, w: w, a: a, blockBytes: q5_KBytes, highBitsOffset: 16, quantsOffset: 48)
    }

    /// Q6_K x Q8_K. A super-block holds ql[128] (low 4 bits), qh[64] (high 2 bits),
    /// 16 int8 scales for groups of 16, and d (fp16); values are stored plus 32.
    public static func q6_Kq8_K(n: Int, w: UnsafeRawPointer, a: UnsafeRawPointer) -> Float {
        var lanes = [Float](repeating: 0, count: 8)
        var values = [Int](repeating: 0, count: 256)
        for block in 0..<(n / 256) {
            let x = w + block * q6_KBytes, y = a + block * q8_KBytes
            for half in 0..<2 {
                for l in 0..<32 {
                    let low0 = Int(x.load(fromByteOffset: 64 * half + l, as: UInt8.self))
                    let low1 = Int(x.load(fromByteOffset: 64 * half + l + 32, as: UInt8.self))
                    let high = Int(x.load(fromByteOffset: 128 + 32 * half + l, as: UInt8.self))
                    let base = 128 * half + l
                    values[base] = ((low0 & 15) | (high & 3) << 4) - 32
                    values[base + 32] = ((low1 & 15) | ((high >> 2) & 3) << 4) - 32
                    values[base + 64] = ((low0 >> 4) | ((high >> 4) & 3) << 4) - 32
                    values[base + 96] = ((low1 >> 4) | ((high >> 6) & 3) << 4) - 32
                }
            }
            var lane32 = [Int](repeating: 0, count: 8)
            for group in 0..<16 {
                let scale = int8(x, 192 + group)
                for i in 0..<16 {
                    let index = 16 * group + i
                    lane32[i % 8] += scale * (values[index] * int8(y, 4 + index))
                }
            }
            let d = Self.half(x, 208) * y.loadUnaligned(fromByteOffset: 0, as: Float.self)
            for l in 0..<8 { lanes[l] += d * Float(lane32[l]) }
        }
        var sum: Float = 0
        for l in 0..<8 { sum += lanes[l] }
        return sum
    }

    /// Q4_K and Q5_K: `sum(d * lanes) - sum(dmin * d_a * sum(min_j * bsums))` per super-block.
    static func kQuant(n: Int, w: UnsafeRawPointer, a: UnsafeRawPointer, blockBytes: Int,
                       highBitsOffset: Int?, quantsOffset: Int) -> Float {
        var lanes = [Float](repeating: 0, count: 8)
        var sum: Float = 0
        for block in 0..<(n / 256) {
            let x = w + block * blockBytes, y = a + block * q8_KBytes
            let (scales, mins) = unpackScales(x + 4)
            var lane32 = [Int](repeating: 0, count: 8)
            for index in 0..<256 {
                let subBlock = index / 32, chunk = index / 64, l = index % 32
                let packed = Int(x.load(fromByteOffset: quantsOffset + 32 * chunk + l, as: UInt8.self))
                var value = subBlock % 2 == 0 ? packed & 15 : packed >> 4
                if let highBitsOffset {
                    let bits = Int(x.load(fromByteOffset: highBitsOffset + l, as: UInt8.self))
                    value += ((bits >> subBlock) & 1) << 4
                }
                lane32[index % 8] += scales[subBlock] * (value * int8(y, 4 + index))
            }
            var minTerm = 0
            for group in 0..<16 {
                let bsum = Int(Int16(littleEndian: y.loadUnaligned(fromByteOffset: 260 + 2 * group, as: Int16.self)))
                minTerm += bsum * mins[group / 2]
            }
            let da = y.loadUnaligned(fromByteOffset: 0, as: Float.self)
            let d = Self.half(x, 0) * da, dmin = Self.half(x, 2) * da
            for l in 0..<8 { lanes[l] += d * Float(lane32[l]) }
            sum -= dmin * Float(minTerm)
        }
        for l in 0..<8 { sum += lanes[l] }
        return sum
    }

    /// The eight 6-bit scales and mins packed in 12 bytes (ggml's get_scale_min_k4).
    static func unpackScales(_ packed: UnsafeRawPointer) -> (scales: [Int], mins: [Int]) {
        let q = (0..<12).map { Int(packed.load(fromByteOffset: $0, as: UInt8.self)) }
        var scales = [Int](repeating: 0, count: 8), mins = [Int](repeating: 0, count: 8)
        for j in 0..<4 {
            scales[j] = q[j] & 63
            mins[j] = q[j + 4] & 63
            scales[j + 4] = (q[j + 8] & 15) | (q[j] >> 6) << 4
            mins[j + 4] = (q[j + 8] >> 4) | (q[j + 4] >> 6) << 4
        }
        return (scales, mins)
    }
}
