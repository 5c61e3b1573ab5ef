// The errors of the Kernels module: asking for a tensor format it cannot handle, or for a row
// that is not a whole number of that format's blocks.
import GGUF

/// Why a kernel refused its input. Every case carries the data needed to say what was wrong.
public enum KernelsError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The type has no dequantizer here (I8..F64, Q8_1, the IQ family).
    case unsupportedType(GGMLType)
    /// `count` elements are not a whole (non-negative) number of the type's blocks.
    case notWholeBlocks(type: GGMLType, count: Int)
    /// `count` elements of the type need more bytes than `Int` can count.
    case sizeOverflow(type: GGMLType, count: Int)
    /// The source holds `available` bytes but `count` elements of the type need `needed`.
    case bufferTooSmall(type: GGMLType, count: Int, needed: Int, available: Int)

    public var description: String {
        switch self {
        case .unsupportedType(let type):
            return "cannot dequantize tensor type \(type.name)"
        case .notWholeBlocks(let type, let count):
            return "\(count) elements are not a whole number of \(type.name) blocks"
                + " (\(type.blockSize) elements each)"
        case .sizeOverflow(let type, let count):
            return "\(count) elements of \(type.name) are too many to address"
        case .bufferTooSmall(let type, let count, let needed, let available):
            return "\(count) elements of \(type.name) need \(needed) bytes, but only \(available) are given"
        }
    }
}
