// The ggml tensor types a GGUF file can hold: ids, block sizes and bytes per block,
// exactly as ggml defines them (ggml/include/ggml.h, ggml/src/ggml.c type_traits).

/// A ggml tensor element type. The raw value is the id stored in a GGUF tensor record.
public enum GGMLType: UInt32, CaseIterable, Sendable, CustomStringConvertible {
    case f32 = 0
    case f16 = 1
    case q4_0 = 2
    case q4_1 = 3
    case q5_0 = 6
    case q5_1 = 7
    case q8_0 = 8
    case q8_1 = 9
    case q2_K = 10
    case q3_K = 11
    case q4_K = 12
    case q5_K = 13
    case q6_K = 14
    case q8_K = 15
    case i8 = 24
    case i16 = 25
    case i32 = 26
    case i64 = 27
    case f64 = 28
    case bf16 = 30

    /// Elements per block (1 for plain types; 32 for the legacy quants; 256 for K-quants).
    public var blockSize: Int {
        switch self {
        case .f32, .f16, .bf16, .i8, .i16, .i32, .i64, .f64: return 1
        case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q8_1: return 32
        case .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .q8_K: return 256
        }
    }

    /// Bytes per block.
    public var blockBytes: Int {
        switch self {
        case .f32: return 4
        case .f16, .bf16: return 2
        case .i8: return 1
        case .i16: return 2
        case .i32: return 4
        case .i64, .f64: return 8
        case .q4_0: return 2 + 16            // d (f16), 32 x 4-bit
        case .q4_1: return 2 + 2 + 16        // d, m (f16), 32 x 4-bit
        case .q5_0: return 2 + 4 + 16        // d, high bits, 32 x 4-bit
        case .q5_1: return 2 + 2 + 4 + 16    // d, m, high bits, 32 x 4-bit
        case .q8_0: return 2 + 32            // d, 32 x int8
        case .q8_1: return 2 + 2 + 32        // d, s, 32 x int8
        case .q2_K: return 16 + 64 + 2 + 2   // scales, qs, d, dmin
        case .q3_K: return 32 + 64 + 12 + 2  // hmask, qs, scales, d
        case .q4_K: return 2 + 2 + 12 + 128  // d, dmin, scales, qs
        case .q5_K: return 2 + 2 + 12 + 32 + 128
        case .q6_K: return 128 + 64 + 16 + 2 // ql, qh, scales, d
        case .q8_K: return 4 + 256 + 32      // d (f32), qs, bsums (16 x int16)
        }
    }

    /// The name ggml prints (`Q4_K`, `F16`, ...).
    public var name: String {
        switch self {
        case .f32: return "F32"
        case .f16: return "F16"
        case .bf16: return "BF16"
        case .f64: return "F64"
        case .i8: return "I8"
        case .i16: return "I16"
        case .i32: return "I32"
        case .i64: return "I64"
        case .q4_0: return "Q4_0"
        case .q4_1: return "Q4_1"
        case .q5_0: return "Q5_0"
        case .q5_1: return "Q5_1"
        case .q8_0: return "Q8_0"
        case .q8_1: return "Q8_1"
        case .q2_K: return "Q2_K"
        case .q3_K: return "Q3_K"
        case .q4_K: return "Q4_K"
        case .q5_K: return "Q5_K"
        case .q6_K: return "Q6_K"
        case .q8_K: return "Q8_K"
        }
    }

    public var description: String { name }

    /// Bytes needed for one row of `count` elements, or nil when `count` is not a whole
    /// number of blocks or the size overflows.
    public func rowBytes(_ count: Int) -> Int? {
        guard count >= 0, count % blockSize == 0 else { return nil }
        let (bytes, overflow) = (count / blockSize).multipliedReportingOverflow(by: blockBytes)
        return overflow ? nil : bytes
    }

    /// Names of ggml types this program knows by id but cannot compute with (the IQ family),
    /// so that errors can say what a file holds.
    public static func knownName(id: UInt32) -> String? {
        if let type = GGMLType(rawValue: id) { return type.name }
        let others: [UInt32: String] = [
            16: "IQ2_XXS", 17: "IQ2_XS", 18: "IQ3_XXS", 19: "IQ1_S", 20: "IQ4_NL",
            21: "IQ3_S", 22: "IQ2_S", 23: "IQ4_XS", 29: "IQ1_M", 34: "TQ1_0", 35: "TQ2_0",
            39: "MXFP4",
        ]
        return others[id]
    }
}
