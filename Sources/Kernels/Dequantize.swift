// Dequantization of ggml tensor rows to Float, bit-exact with ggml's dequantize_row_* (ggml/src/
// ggml-quants.c; block layouts in ggml-common.h). This file: the entry points and the plain and
// 32-element ("legacy") types; the 256-element K-quants are in DequantizeKQuants.swift.
import GGUF

/// Turns rows of any supported ggml type into Floats, exactly as ggml's CPU code does.
///
/// Every product ggml forms while dequantizing (an fp16 scale times a small integer) is exact
/// in Float, so the results do not depend on fused multiply-add or evaluation order.
public enum Dequantize {
    /// The types `row` understands.
    public static let supportedTypes: [GGMLType] = [
        .f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0,
        .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .q8_K,
    ]

    /// Dequantizes `count` elements (a whole number of blocks) of `type` from `source` into
    /// `destination`, which must have room for `count` Floats. `source` needs
    /// `type.rowBytes(count)` readable bytes and may be unaligned.
    /// - Throws: `KernelsError.unsupportedType` or `.notWholeBlocks`.
    public static func row(
        _ type: GGMLType, from source: UnsafeRawPointer, count: Int,
        into destination: UnsafeMutablePointer<Float>
    ) throws {
        try checkShape(type, count: count)
        let blocks = count / type.blockSize
        halfToFloatTable.withUnsafeBufferPointer { table in
            guard let half = table.baseAddress else { return }
            switch type {
            case .f32:
                UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: count * 4)
            case .f16:
                for index in 0..<count {
                    destination[index] = half[Int(source.littleEndianUInt16(at: 2 * index))]
                }
            case .bf16:
                for index in 0..<count {
                    destination[index] = Half.bf16ToFloat(source.littleEndianUInt16(at: 2 * index))
                }
            case .q4_0: q4_0(source, blocks: blocks, into: destination, half: half)
            case .q4_1: q4_1(source, blocks: blocks, into: destination, half: half)
            case .q5_0: q5_0(source, blocks: blocks, into: destination, half: half)
            case .q5_1: q5_1(source, blocks: blocks, into: destination, half: half)
            case .q8_0: q8_0(source, blocks: blocks, into: destination, half: half)
            case .q2_K: q2_K(source, blocks: blocks, into: destination, half: half)
            case .q3_K: q3_K(source, blocks: blocks, into: destination, half: half)
            case .q4_K: q4_K(source, blocks: blocks, into: destination, half: half)
            case .q5_K: q5_K(source, blocks: blocks, into: destination, half: half)
            case .q6_K: q6_K(source, blocks: blocks, into: destination, half: half)
            case .q8_K: q8_K(source, blocks: blocks, into: destination)
            case .q8_1, .i8, .i16, .i32, .i64, .f64:
                break                                // rejected by checkShape
            }
        }
    }

    /// Dequantizes the first `count` elements of `type` held in `bytes` into a new array.
    /// - Throws: `KernelsError.unsupportedType`, `.notWholeBlocks`, `.sizeOverflow`, or
    ///   `.bufferTooSmall` when `bytes` is shorter than `count` elements need.
    public static func toArray(_ type: GGMLType, _ bytes: UnsafeRawBufferPointer, count: Int) throws -> [Float] {
        try checkShape(type, count: count)
        guard let needed = type.rowBytes(count) else {
            throw KernelsError.sizeOverflow(type: type, count: count)
        }
        guard bytes.count >= needed else {
            throw KernelsError.bufferTooSmall(type: type, count: count, needed: needed, available: bytes.count)
        }
        guard count > 0, let source = bytes.baseAddress else { return [] }
        return try [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let destination = buffer.baseAddress {
                try row(type, from: source, count: count, into: destination)
                initialized = count
            }
        }
    }

    /// Rejects unsupported types and counts that are not a whole number of blocks.
    static func checkShape(_ type: GGMLType, count: Int) throws {
        guard supportedTypes.contains(type) else { throw KernelsError.unsupportedType(type) }
        guard count >= 0, count % type.blockSize == 0 else {
            throw KernelsError.notWholeBlocks(type: type, count: count)
        }
    }

    // MARK: 32-element blocks (QK4_0 = QK4_1 = QK5_0 = QK5_1 = QK8_0 = 32)

    /// block_q4_0 (18 bytes): d (fp16), 16 bytes of nibbles; element j is the low nibble of
    /// byte j, element j + 16 the high nibble; value = (nibble - 8) * d.
    static func q4_0(_ source: UnsafeRawPointer, blocks: Int, into y: UnsafeMutablePointer<Float>, half: UnsafePointer<Float>) {
        for block in 0..<blocks {
            let x = source + block * 18
            let out = y + block * 32
            let d = half[Int(x.littleEndianUInt16(at: 0))]
            for j in 0..<16 {
                let byte = x.byte(at: 2 + j)
                out[j] = Float(Int(byte & 0x0F) - 8) * d
                out[j + 16] = Float(Int(byte >> 4) - 8) * d
            }
        }
    }

    /// block_q4_1 (20 bytes): d, m (fp16), 16 bytes of nibbles; value = nibble * d + m.
    static func q4_1(_ source: UnsafeRawPointer, blocks: Int, into y: UnsafeMutablePointer<Float>, half: UnsafePointer<Float>) {
        for block in 0..<blocks {
            let x = source + block * 20
            let out = y + block * 32
            let d = half[Int(x.littleEndianUInt16(at: 0))]
            let m = half[Int(x.littleEndianUInt16(at: 2))]
            for j in 0..<16 {
                let byte = x.byte(at: 4 + j)
                out[j] = Float(byte & 0x0F) * d + m
                out[j + 16] = Float(byte >> 4) * d + m
            }
        }
    }

    /// block_q5_0 (22 bytes): d (fp16), qh (32 fifth bits, little-endian), 16 bytes of nibbles;
    /// element j's fifth bit is bit j of qh; value = (5-bit number - 16) * d.
    static func q5_0(_ source: UnsafeRawPointer, blocks: Int, into y: UnsafeMutablePointer<Float>, half: UnsafePointer<Float>) {
        for block in 0..<blocks {
            let x = source + block * 22
            let out = y + block * 32
            let d = half[Int(x.littleEndianUInt16(at: 0))]
            let highBits = x.littleEndianUInt32(at: 2)
            for j in 0..<16 {
                let byte = x.byte(at: 6 + j)
                let low = Int(byte & 0x0F) | Int((highBits >> UInt32(j)) & 1) << 4
                let high = Int(byte >> 4) | Int((highBits >> UInt32(j + 16)) & 1) << 4
                out[j] = Float(low - 16) * d
                out[j + 16] = Float(high - 16) * d
            }
        }
    }

    /// block_q5_1 (24 bytes): d, m (fp16), qh, 16 bytes of nibbles; value = 5-bit number * d + m.
    static func q5_1(_ source: UnsafeRawPointer, blocks: Int, into y: UnsafeMutablePointer<Float>, half: UnsafePointer<Float>) {
        for block in 0..<blocks {
            let x = source + block * 24
            let out = y + block * 32
            let d = half[Int(x.littleEndianUInt16(at: 0))]
            let m = half[Int(x.littleEndianUInt16(at: 2))]
            let highBits = x.littleEndianUInt32(at: 4)
            for j in 0..<16 {
                let byte = x.byte(at: 8 + j)
                let low = Int(byte & 0x0F) | Int((highBits >> UInt32(j)) & 1) << 4
                let high = Int(byte >> 4) | Int((highBits >> UInt32(j + 16)) & 1) << 4
                out[j] = Float(low) * d + m
                out[j + 16] = Float(high) * d + m
            }
        }
    }

    /// block_q8_0 (34 bytes): d (fp16), 32 signed bytes; value = q * d.
    static func q8_0(_ source: UnsafeRawPointer, blocks: Int, into y: UnsafeMutablePointer<Float>, half: UnsafePointer<Float>) {
        for block in 0..<blocks {
            let x = source + block * 34
            let out = y + block * 32
            let d = half[Int(x.littleEndianUInt16(at: 0))]
            for j in 0..<32 {
                out[j] = Float(x.signedByte(at: 2 + j)) * d
            }
        }
    }
}

extension UnsafeRawPointer {
    /// The byte at `offset`.
    @inline(__always) func byte(at offset: Int) -> UInt8 {
        load(fromByteOffset: offset, as: UInt8.self)
    }

    /// The byte at `offset`, read as a two's-complement signed number.
    @inline(__always) func signedByte(at offset: Int) -> Int8 {
        load(fromByteOffset: offset, as: Int8.self)
    }

    /// A little-endian UInt16 at `offset` (any alignment).
    @inline(__always) func littleEndianUInt16(at offset: Int) -> UInt16 {
        UInt16(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    /// A little-endian UInt32 at `offset` (any alignment).
    @inline(__always) func littleEndianUInt32(at offset: Int) -> UInt32 {
        UInt32(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
}
