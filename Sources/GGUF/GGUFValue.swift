// GGUF metadata values: the 13 value types of the format (ggml docs/gguf.md, gguf_type)
// and the format's constants and limits.

/// Constants of the GGUF format and the limits this reader enforces.
enum GGUFFormat {
    /// "GGUF" as bytes.
    static let magic: [UInt8] = [0x47, 0x47, 0x55, 0x46]
    /// The version the writer produces.
    static let writtenVersion: UInt32 = 3
    /// Alignment when `general.alignment` is absent.
    static let defaultAlignment = 32
    /// Largest accepted `general.alignment` (ggml's bound: 1 MiB; real files use 32).
    static let maximumAlignment = 1 << 20
    /// The key that sets the alignment.
    static let alignmentKey = "general.alignment"
    /// ggml tensors have at most 4 dimensions (GGML_MAX_DIMS).
    static let maximumDimensions = 4
    /// Longest tensor name in bytes: GGML_MAX_NAME (64) includes the terminating NUL.
    static let maximumNameBytes = 63
    /// Longest key in bytes (docs/gguf.md: keys are at most 2^16 - 1 bytes).
    static let maximumKeyBytes = 65535
    /// Smallest possible metadata entry: key length, a 1-byte key, value type, a 1-byte value.
    static let minimumEntryBytes = 8 + 1 + 4 + 1
    /// Smallest possible tensor record: name length, empty name, n_dims, type, offset.
    static let minimumTensorRecordBytes = 8 + 4 + 4 + 8
}

/// The value type ids stored in the file (gguf_type).
enum GGUFValueType: UInt32 {
    case uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5, float32 = 6
    case bool = 7, string = 8, array = 9, uint64 = 10, int64 = 11, float64 = 12

    /// Bytes per value for fixed-size types; the 8-byte length prefix for strings.
    var minimumSize: Int {
        switch self {
        case .uint8, .int8, .bool: return 1
        case .uint16, .int16: return 2
        case .uint32, .int32, .float32: return 4
        case .uint64, .int64, .float64, .string: return 8
        case .array: return 4 + 8
        }
    }

    /// The name used in messages (`uint32`, `string`, ...).
    var name: String {
        switch self {
        case .uint8: return "uint8"
        case .int8: return "int8"
        case .uint16: return "uint16"
        case .int16: return "int16"
        case .uint32: return "uint32"
        case .int32: return "int32"
        case .float32: return "float32"
        case .bool: return "bool"
        case .string: return "string"
        case .array: return "array"
        case .uint64: return "uint64"
        case .int64: return "int64"
        case .float64: return "float64"
        }
    }
}

/// One metadata value. Booleans are stored as one byte; any nonzero byte reads as `true`
/// (as in ggml) and the writer writes 1.
public enum GGUFValue: Sendable, Equatable {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case float32(Float), bool(Bool), string(String), uint64(UInt64), int64(Int64), float64(Double)
    case array(GGUFArray)

    /// The type's name: `uint32`, `string`, `array of float32`, ...
    public var typeName: String {
        if case .array(let array) = self { return "array of " + array.elementType.name }
        return valueType.name
    }

    /// The type id written in the file.
    var valueType: GGUFValueType {
        switch self {
        case .uint8: return .uint8
        case .int8: return .int8
        case .uint16: return .uint16
        case .int16: return .int16
        case .uint32: return .uint32
        case .int32: return .int32
        case .float32: return .float32
        case .bool: return .bool
        case .string: return .string
        case .uint64: return .uint64
        case .int64: return .int64
        case .float64: return .float64
        case .array: return .array
        }
    }
}

/// A metadata array: all elements share one type, and arrays of arrays are not allowed.
public enum GGUFArray: Sendable, Equatable {
    case uint8([UInt8]), int8([Int8]), uint16([UInt16]), int16([Int16]), uint32([UInt32]), int32([Int32])
    case float32([Float]), bool([Bool]), string([String]), uint64([UInt64]), int64([Int64]), float64([Double])

    /// Number of elements.
    public var count: Int {
        switch self {
        case .uint8(let values): return values.count
        case .int8(let values): return values.count
        case .uint16(let values): return values.count
        case .int16(let values): return values.count
        case .uint32(let values): return values.count
        case .int32(let values): return values.count
        case .float32(let values): return values.count
        case .bool(let values): return values.count
        case .string(let values): return values.count
        case .uint64(let values): return values.count
        case .int64(let values): return values.count
        case .float64(let values): return values.count
        }
    }

    /// The element type id written in the file.
    var elementType: GGUFValueType {
        switch self {
        case .uint8: return .uint8
        case .int8: return .int8
        case .uint16: return .uint16
        case .int16: return .int16
        case .uint32: return .uint32
        case .int32: return .int32
        case .float32: return .float32
        case .bool: return .bool
        case .string: return .string
        case .uint64: return .uint64
        case .int64: return .int64
        case .float64: return .float64
        }
    }
}

extension GGUFValue: CustomStringConvertible {
    /// The value as text; arrays longer than 8 elements are abbreviated.
    public var description: String {
        switch self {
        case .uint8(let value): return "\(value)"
        case .int8(let value): return "\(value)"
        case .uint16(let value): return "\(value)"
        case .int16(let value): return "\(value)"
        case .uint32(let value): return "\(value)"
        case .int32(let value): return "\(value)"
        case .float32(let value): return "\(value)"
        case .bool(let value): return "\(value)"
        case .string(let value): return "\"\(value)\""
        case .uint64(let value): return "\(value)"
        case .int64(let value): return "\(value)"
        case .float64(let value): return "\(value)"
        case .array(let array): return array.description
        }
    }
}

extension GGUFArray: CustomStringConvertible {
    /// `[a, b, c]`, or the first 8 elements followed by `... (N elements)`.
    public var description: String {
        let shown = 8
        let items: [String]
        switch self {
        case .uint8(let values): items = values.prefix(shown).map { "\($0)" }
        case .int8(let values): items = values.prefix(shown).map { "\($0)" }
        case .uint16(let values): items = values.prefix(shown).map { "\($0)" }
        case .int16(let values): items = values.prefix(shown).map { "\($0)" }
        case .uint32(let values): items = values.prefix(shown).map { "\($0)" }
        case .int32(let values): items = values.prefix(shown).map { "\($0)" }
        case .float32(let values): items = values.prefix(shown).map { "\($0)" }
        case .bool(let values): items = values.prefix(shown).map { "\($0)" }
        case .string(let values): items = values.prefix(shown).map { "\"\($0)\"" }
        case .uint64(let values): items = values.prefix(shown).map { "\($0)" }
        case .int64(let values): items = values.prefix(shown).map { "\($0)" }
        case .float64(let values): items = values.prefix(shown).map { "\($0)" }
        }
        let more = count > shown ? ", ... (\(count) elements)" : ""
        return "[" + items.joined(separator: ", ") + more + "]"
    }
}
