// Quantization of Float rows to Q8_0, Q4_0, Q8_K, F16 and BF16, bit-exact with ggml's reference
// quantizers (ggml/src/ggml-quants.c quantize_row_{q8_0,q4_0,q8_K}_ref) and, for Q8_0, with the
// SIMD variants llama.cpp runs on x86 and ARM (ggml-cpu/arch/{x86,arm}/quants.c).

/// Turns Float rows into ggml blocks. `count` must be a whole number of blocks (a programmer
/// error otherwise); `out` needs `type.rowBytes(count)` writable bytes and may be unaligned.
///
/// Arithmetic is plain IEEE single precision, one operation at a time, as the C code reads in
/// ISO C (no fused multiply-add). Results are bit-exact with ggml for finite inputs; NaN and
/// infinite inputs never trap, and give what the chosen ggml path gives on its own hardware
/// where that is simple to state (see each function).
public enum Quantize {
    /// Which of ggml's Q8_0 activation quantizers to reproduce. They differ only in rounding:
    /// a value landing exactly on k + 0.5, or within an ulp of it, can quantize differently.
    public enum Q8_0Variant: Sendable, CaseIterable {
        /// quantize_row_q8_0_ref: q = roundf(x * (1 / d)), ties away from zero (also what
        /// llama.cpp runs on CPUs with neither AVX nor NEON, and what gguf-py computes).
        case reference
        /// The AVX/AVX2/AVX-512 quantize_row_q8_0 (x86-64 builds of llama.cpp):
        /// q = round-half-even(x * (127 / amax)); the scale d = amax / 127 as in the reference.
        case x86AVX
        /// The NEON quantize_row_q8_0 (ARM builds, e.g. a Raspberry Pi 5):
        /// q = round-half-even(x * (1 / d)).
        case armNEON
    }

    /// block_q8_0: per 32 values, d = amax / 127 stored as fp16 and q = round(x / d) as int8.
    public static func q8_0(
        _ x: UnsafePointer<Float>, count: Int, into out: UnsafeMutableRawPointer,
        variant: Q8_0Variant = .reference
    ) {
        precondition(count >= 0 && count % 32 == 0, "Q8_0 rows are whole blocks of 32")
        for block in 0..<count / 32 {
            let values = x + 32 * block
            let y = out + 34 * block
            var amax: Float = 0
            for j in 0..<32 {
                let magnitude = abs(values[j])
                amax = amax > magnitude ? amax : magnitude   // ggml's MAX() (NaN: as in C)
            }
            let d = amax / 127
            y.storeBytes(of: Half.fromFloat(d).littleEndian, as: UInt16.self)
            switch variant {
            case .reference:
                let inverse: Float = d != 0 ? 1 / d : 0
                for j in 0..<32 {
                    let q = cTruncation((values[j] * inverse).rounded(.toNearestOrAwayFromZero))
                    y.storeBytes(of: Int8(truncatingIfNeeded: q), toByteOffset: 2 + j, as: Int8.self)
                }
            case .x86AVX:                     // cvtps_epi32, then saturating packs to int8
                let inverse: Float = amax != 0 ? 127 / amax : 0
                for j in 0..<32 {
                    let q = cTruncation((values[j] * inverse).rounded(.toNearestOrEven))
                    let saturated = Int8(clamping: q)
                    y.storeBytes(of: saturated, toByteOffset: 2 + j, as: Int8.self)
                }
            case .armNEON:                    // vcvtnq_s32_f32 (saturating, NaN -> 0), then int8
                let inverse: Float = d != 0 ? 1 / d : 0
                for j in 0..<32 {
                    let q = saturatingInt32((values[j] * inverse).rounded(.toNearestOrEven))
                    y.storeBytes(of: Int8(truncatingIfNeeded: q), toByteOffset: 2 + j, as: Int8.self)
                }
            }
        }
    }

    /// block_q4_0: per 32 values, max = the value of largest magnitude (the first one on ties),
    /// d = max / -8 stored as fp16, q = min(15, trunc(x / d + 8.5)) in 4 bits; value j goes to
    /// the low nibble of byte j, value j + 16 to its high nibble.
    public static func q4_0(_ x: UnsafePointer<Float>, count: Int, into out: UnsafeMutableRawPointer) {
        precondition(count >= 0 && count % 32 == 0, "Q4_0 rows are whole blocks of 32")
        for block in 0..<count / 32 {
            let values = x + 32 * block
            let y = out + 18 * block
            var amax: Float = 0
            var signedMax: Float = 0
            for j in 0..<32 where amax < abs(values[j]) {
                amax = abs(values[j])
                signedMax = values[j]
            }
            let d = signedMax / -8
            let inverse: Float = d != 0 ? 1 / d : 0
            y.storeBytes(of: Half.fromFloat(d).littleEndian, as: UInt16.self)
            for j in 0..<16 {
                let low = nibble(values[j] * inverse + 8.5)
                let high = nibble(values[j + 16] * inverse + 8.5)
                y.storeBytes(of: low | high << 4, toByteOffset: 2 + j, as: UInt8.self)
            }
        }
    }

    /// block_q8_K: per 256 values, max = the value of largest magnitude (the first on ties),
    /// iscale = -127 / max, q = min(127, round-half-even(iscale * x)), d = 1 / iscale as f32,
    /// bsums = sums of each 16 quants as int16. An all-zero block gets d = 0, q = 0 and (unlike
    /// ggml, which leaves them unwritten) bsums = 0.
    public static func q8_K(_ x: UnsafePointer<Float>, count: Int, into out: UnsafeMutableRawPointer) {
        precondition(count >= 0 && count % 256 == 0, "Q8_K rows are whole blocks of 256")
        for block in 0..<count / 256 {
            let values = x + 256 * block
            let y = out + 292 * block
            var amax: Float = 0
            var signedMax: Float = 0
            for j in 0..<256 where abs(values[j]) > amax {
                amax = abs(values[j])
                signedMax = values[j]
            }
            guard amax != 0 else {
                y.initializeMemory(as: UInt8.self, repeating: 0, count: 292)
                continue
            }
            let inverseScale = -127 / signedMax
            for group in 0..<16 {
                var sum = 0
                for l in 0..<16 {
                    let j = 16 * group + l
                    let q = Swift.min(127, nearestInt(inverseScale * values[j]))
                    let stored = Int8(truncatingIfNeeded: q)
                    y.storeBytes(of: stored, toByteOffset: 4 + j, as: Int8.self)
                    sum += Int(stored)
                }
                y.storeBytes(of: Int16(sum).littleEndian, toByteOffset: 260 + 2 * group, as: Int16.self)
            }
            y.storeBytes(of: (1 / inverseScale).bitPattern.littleEndian, as: UInt32.self)
        }
    }

    /// fp16 bit patterns of `count` values (round to nearest even, NaN -> 0x7E00 with sign).
    public static func f16(_ x: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<UInt16>) {
        for index in 0..<count {
            out[index] = Half.fromFloat(x[index])
        }
    }

    /// bf16 bit patterns of `count` values (round to nearest even, NaN forced quiet).
    public static func bf16(_ x: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<UInt16>) {
        for index in 0..<count {
            out[index] = Half.bf16FromFloat(x[index])
        }
    }

    // MARK: float -> integer conversions that never trap

    /// C's float -> int conversion as x86-64 performs it (cvttss2si): truncation toward zero;
    /// NaN and out-of-range values give Int32.min.
    static func cTruncation(_ value: Float) -> Int32 {
        guard value >= -2_147_483_648, value < 2_147_483_648 else { return Int32.min }
        return Int32(value)
    }

    /// Float -> Int32 with saturation and NaN -> 0 (ARM's conversion instructions).
    static func saturatingInt32(_ value: Float) -> Int32 {
        if value.isNaN { return 0 }
        if value >= 2_147_483_648 { return Int32.max }
        if value < -2_147_483_648 { return Int32.min }
        return Int32(value)
    }

    /// ggml's nearest_int: round half to even, valid for |value| <= 4194303 (the only range
    /// quantize_row_q8_K_ref can produce for finite input); NaN gives 0 as it does in ggml.
    static func nearestInt(_ value: Float) -> Int {
        if value.isNaN { return 0 }
        let rounded = value.rounded(.toNearestOrEven)
        return Int(Swift.max(-4_194_304, Swift.min(4_194_304, rounded)))
    }

    /// One Q4_0 quant: (int8_t)(x / d + 8.5) capped at 15; out-of-range input (only from NaN
    /// or infinity) is kept to 4 bits instead of spilling into the neighbouring nibble.
    static func nibble(_ shifted: Float) -> UInt8 {
        let truncated = Int8(truncatingIfNeeded: cTruncation(shifted))
        return UInt8(truncatingIfNeeded: Swift.min(15, Int(truncated))) & 0x0F
    }
}
