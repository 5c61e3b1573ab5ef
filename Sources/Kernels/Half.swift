// Half-precision numbers as ggml stores them: IEEE binary16 (fp16) and bfloat16, to and from
// Float, rounding exactly as ggml does (ggml/src/ggml-impl.h, GGML_FP32_TO_FP16 / GGML_FP32_TO_BF16).

/// Conversions between `Float` and the bit patterns of fp16 and bf16 values.
///
/// - fp16 -> Float is exact; NaNs keep their payload and come out quiet (as in ggml).
/// - Float -> fp16 rounds to nearest, ties to even, with subnormals and overflow to infinity;
///   every NaN becomes the quiet NaN `0x7E00` with the input's sign, as ggml's reference does.
/// - bf16 -> Float is a 16-bit shift; Float -> bf16 rounds to nearest even and forces NaNs quiet.
public enum Half {
    /// The Float an fp16 bit pattern stands for (through a 65536-entry table).
    public static func toFloat(_ bits: UInt16) -> Float {
        halfToFloatTable[Int(bits)]
    }

    /// The fp16 bit pattern nearest to `x` (ties to even); NaN -> sign | 0x7E00.
    public static func fromFloat(_ x: Float) -> UInt16 {
        if x.isNaN {
            return (x.sign == .minus ? 0x8000 : 0) | 0x7E00
        }
        #if arch(x86_64) && os(macOS)
        return roundedHalfBits(x)    // Float16 is unavailable on Intel Macs
        #else
        return Float16(x).bitPattern
        #endif
    }

    /// The Float a bf16 bit pattern stands for: the pattern is the Float's upper 16 bits.
    public static func bf16ToFloat(_ bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// The bf16 bit pattern nearest to `x` (ties to even); a NaN keeps its upper bits, made quiet.
    public static func bf16FromFloat(_ x: Float) -> UInt16 {
        let bits = x.bitPattern
        if bits & 0x7FFF_FFFF > 0x7F80_0000 {
            return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040
        }
        let lowestKeptBit = (bits >> 16) & 1
        return UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ lowestKeptBit) >> 16)
    }

    /// The Float bit pattern of an fp16 value, decoded field by field.
    static func widenedBits(_ half: UInt16) -> UInt32 {
        let sign = UInt32(half & 0x8000) << 16
        let exponent = UInt32(half >> 10) & 0x1F
        let fraction = UInt32(half) & 0x3FF
        switch exponent {
        case 0x1F:                                   // infinity, or NaN made quiet
            let quiet: UInt32 = fraction == 0 ? 0 : 0x40_0000
            return sign | 0x7F80_0000 | quiet | fraction << 13
        case 0 where fraction == 0:
            return sign
        case 0:                                      // subnormal: fraction * 2^-24, normalized
            var shifted = fraction
            var floatExponent: UInt32 = 127 - 14
            while shifted & 0x400 == 0 {
                shifted <<= 1
                floatExponent -= 1
            }
            return sign | floatExponent << 23 | (shifted & 0x3FF) << 13
        default:
            return sign | (exponent + 127 - 15) << 23 | fraction << 13
        }
    }

    /// Float -> fp16 bits by integer arithmetic, rounding to nearest even (for platforms
    /// without `Float16`; the tests check `fromFloat` against the same rule).
    static func roundedHalfBits(_ x: Float) -> UInt16 {
        let bits = x.bitPattern
        let sign = UInt16(truncatingIfNeeded: bits >> 16) & 0x8000
        let exponent = Int((bits >> 23) & 0xFF)
        let fraction = bits & 0x7F_FFFF
        if exponent == 0xFF {
            return sign | (fraction == 0 ? 0x7C00 : 0x7E00)
        }
        let halfExponent = exponent - 127 + 15
        if halfExponent >= 0x1F {
            return sign | 0x7C00
        }
        if halfExponent >= 1 {                       // normal: drop 13 fraction bits
            let kept = UInt32(halfExponent) << 10 | fraction >> 13
            let dropped = fraction & 0x1FFF
            let roundUp = dropped > 0x1000 || (dropped == 0x1000 && kept & 1 == 1)
            return sign | UInt16(truncatingIfNeeded: kept + (roundUp ? 1 : 0))  // may carry to inf
        }
        // Subnormal or zero in fp16: count units of 2^-24.
        let shift = 126 - exponent                   // >= 14 here
        if exponent == 0 || shift > 24 {
            return sign                              // below half the smallest subnormal
        }
        let significand = fraction | 0x80_0000
        let units = significand >> UInt32(shift)
        let remainder = significand & ((1 << UInt32(shift)) - 1)
        let halfway: UInt32 = 1 << UInt32(shift - 1)
        let roundUp = remainder > halfway || (remainder == halfway && units & 1 == 1)
        return sign | UInt16(truncatingIfNeeded: units + (roundUp ? 1 : 0))
    }
}

/// fp16 bit pattern -> Float for all 65536 patterns, 256 KiB. Swift initializes a global `let`
/// once, on first use, and thread-safely.
let halfToFloatTable: [Float] = (0...0xFFFF).map { Float(bitPattern: Half.widenedBits(UInt16($0))) }
