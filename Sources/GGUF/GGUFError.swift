// Everything that can go wrong reading, querying or writing a GGUF file, with messages that
// name the file, the byte offset, the field or tensor, what was expected and what was found.

/// An error from the GGUF module. Reader errors carry the file path, the byte offset where the
/// offending field starts and the field's name (`header.tensor_count`,
/// `metadata key #3 "gemma2.block_count"`, `tensor "blk.0.attn_q.weight"`); `description` turns
/// them into one line such as
/// `model.gguf: byte 24: metadata key #3 "gemma2.block_count": value type 13 is unknown`.
public enum GGUFError: Error, CustomStringConvertible, Sendable {
    // MARK: opening
    /// The file could not be opened, inspected or mapped.
    case cannotOpen(file: String, reason: String)

    // MARK: structure
    /// The file ends inside `field`: `needed` bytes were required, `available` were left.
    case truncated(file: String, offset: Int, field: String, needed: Int, available: Int)
    /// The first four bytes are not `GGUF`.
    case badMagic(file: String, found: [UInt8])
    /// Only versions 2 and 3 are read (1 is obsolete; 0 and others are invalid).
    case unsupportedVersion(file: String, offset: Int, version: UInt32)
    /// A count (tensors, key/value pairs, array elements) that the remaining bytes cannot hold:
    /// even at `minimumBytes` each the entries would need `bytesNeeded` (nil: more than 2^64).
    case countTooLarge(file: String, offset: Int, field: String, count: UInt64,
                       minimumBytes: Int, bytesNeeded: UInt64?, available: Int)
    /// A string whose length prefix is larger than the bytes left in the file.
    case stringTooLong(file: String, offset: Int, field: String, length: UInt64, available: Int)

    // MARK: metadata
    /// A value type id outside 0...12.
    case unknownValueType(file: String, offset: Int, field: String, type: UInt32)
    /// An array whose element type is itself an array.
    case nestedArray(file: String, offset: Int, field: String)
    /// A metadata key of length zero.
    case emptyKey(file: String, offset: Int, index: Int)
    /// A metadata key that is not valid UTF-8, contains a NUL byte or is longer than 65535 bytes.
    case invalidKey(file: String, offset: Int, index: Int, reason: String)
    /// A metadata key that appeared before, as key number `firstIndex`.
    case duplicateKey(file: String, offset: Int, key: String, index: Int, firstIndex: Int)
    /// `general.alignment` that is not a uint32.
    case alignmentWrongType(file: String, offset: Int, found: String)
    /// `general.alignment` that is 0, not a power of two, or larger than 1 MiB.
    case invalidAlignment(file: String, offset: Int, value: UInt32)

    // MARK: tensor records
    /// A tensor name that is not valid UTF-8 or contains a NUL byte.
    case invalidTensorName(file: String, offset: Int, index: Int, reason: String)
    /// A tensor name of 64 bytes or more (ggml's GGML_MAX_NAME includes the terminating NUL).
    case tensorNameTooLong(file: String, offset: Int, index: Int, length: UInt64)
    /// A tensor name used before, by tensor number `firstIndex`.
    case duplicateTensorName(file: String, offset: Int, tensor: String, index: Int, firstIndex: Int)
    /// More than 4 dimensions.
    case tooManyDimensions(file: String, offset: Int, tensor: String, count: UInt32)
    /// A dimension of 0, or one that does not fit a signed 64-bit integer.
    case invalidDimension(file: String, offset: Int, tensor: String, dimension: Int, value: UInt64)
    /// The product of the dimensions does not fit a signed 64-bit integer.
    case elementCountOverflow(file: String, offset: Int, tensor: String, shape: [Int])
    /// The size in bytes does not fit a signed 64-bit integer.
    case byteSizeOverflow(file: String, offset: Int, tensor: String, shape: [Int], type: GGMLType)
    /// A ggml type id this program cannot use (unknown, removed, or an IQ/ternary type).
    case unsupportedTensorType(file: String, offset: Int, tensor: String, typeID: UInt32)
    /// A row length (`ne0`) that is not a whole number of the type's blocks.
    case rowNotWholeBlocks(file: String, offset: Int, tensor: String, rowLength: Int, type: GGMLType)

    // MARK: tensor data layout
    /// A data offset that is not a multiple of the alignment.
    case misalignedTensorOffset(file: String, offset: Int, tensor: String, dataOffset: UInt64, alignment: Int)
    /// A data offset that starts inside the previous tensor's (padded) bytes.
    case tensorOverlap(file: String, offset: Int, tensor: String, dataOffset: UInt64,
                       previous: String, expected: Int)
    /// A data offset beyond the end of the previous tensor's padded bytes (ggml requires
    /// tensors to be packed in order: offset = previous offset + padded previous size).
    case tensorGap(file: String, offset: Int, tensor: String, dataOffset: UInt64, expected: Int)
    /// Tensor data that runs past the end of the file (`start` and `end` are absolute).
    case tensorOutOfBounds(file: String, offset: Int, tensor: String, start: Int, end: UInt64, fileSize: Int)

    // MARK: typed accessors
    /// The key is not in the file.
    case missingKey(key: String)
    /// The key holds another type (`expected uint32, found string`).
    case wrongType(key: String, expected: String, found: String)
    /// The key holds an integer that does not fit the requested type.
    case valueOutOfRange(key: String, value: String, expected: String)

    // MARK: writing
    /// The writer was given something that cannot go into a valid GGUF file.
    case invalidWriterInput(field: String, reason: String)
    /// Writing the file failed.
    case writeFailed(file: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotOpen(file, reason):
            return "\(file): cannot open: \(reason)"
        case let .truncated(file, offset, field, needed, available):
            return "\(file): byte \(offset): \(field): file is truncated: needed \(needed) bytes, only \(available) left"
        case let .badMagic(file, found):
            let text = found.map { (32...126).contains($0) ? String(UnicodeScalar($0)) : "?" }.joined()
            let hex = found.map { hex2($0) }.joined(separator: " ")
            return "\(file): byte 0: header.magic: expected \"GGUF\", found \"\(text)\" (\(hex)); not a GGUF file"
        case let .unsupportedVersion(file, offset, version):
            let why: String
            switch version {
            case 1: why = "GGUF v1 is obsolete and not supported; convert the model again with a current llama.cpp"
            case 0: why = "version 0 is invalid"
            case _ where version & 0xFFFF == 0: why = "this looks like a big-endian GGUF file, which is not supported"
            default: why = "this program reads versions 2 and 3"
            }
            return "\(file): byte \(offset): header.version: expected 2 or 3, found \(version): \(why)"
        case let .countTooLarge(file, offset, field, count, minimumBytes, bytesNeeded, available):
            let need = bytesNeeded.map { "\($0) bytes" } ?? "more than 2^64 bytes"
            return "\(file): byte \(offset): \(field): count \(count) is impossible: at \(minimumBytes) bytes each it needs \(need), only \(available) bytes left"
        case let .stringTooLong(file, offset, field, length, available):
            return "\(file): byte \(offset): \(field): string length \(length) exceeds the \(available) bytes left"
        case let .unknownValueType(file, offset, field, type):
            return "\(file): byte \(offset): \(field): value type \(type) is unknown (expected 0...12)"
        case let .nestedArray(file, offset, field):
            return "\(file): byte \(offset): \(field): array of arrays is not allowed"
        case let .emptyKey(file, offset, index):
            return "\(file): byte \(offset): metadata key #\(index): key is empty"
        case let .invalidKey(file, offset, index, reason):
            return "\(file): byte \(offset): metadata key #\(index): invalid key: \(reason)"
        case let .duplicateKey(file, offset, key, index, firstIndex):
            return "\(file): byte \(offset): metadata key #\(index) \"\(key)\": duplicate key (first defined as key #\(firstIndex))"
        case let .alignmentWrongType(file, offset, found):
            return "\(file): byte \(offset): general.alignment: expected uint32, found \(found)"
        case let .invalidAlignment(file, offset, value):
            let why = value == 0 ? "it is 0"
                : value & (value &- 1) != 0 ? "it is not a power of two"
                : "it exceeds the maximum of \(GGUFFormat.maximumAlignment) (1 MiB)"
            return "\(file): byte \(offset): general.alignment: expected a power of two in 1...\(GGUFFormat.maximumAlignment), found \(value): \(why)"
        case let .invalidTensorName(file, offset, index, reason):
            return "\(file): byte \(offset): tensor #\(index) name: \(reason)"
        case let .tensorNameTooLong(file, offset, index, length):
            return "\(file): byte \(offset): tensor #\(index) name: expected fewer than \(GGUFFormat.maximumNameBytes + 1) bytes, found \(length)"
        case let .duplicateTensorName(file, offset, tensor, index, firstIndex):
            return "\(file): byte \(offset): tensor #\(index) \"\(tensor)\": duplicate tensor name (first used by tensor #\(firstIndex))"
        case let .tooManyDimensions(file, offset, tensor, count):
            return "\(file): byte \(offset): tensor \"\(tensor)\" n_dims: expected at most \(GGUFFormat.maximumDimensions), found \(count)"
        case let .invalidDimension(file, offset, tensor, dimension, value):
            let found = value > UInt64(Int64.max) ? "\(value) (negative as int64)" : "\(value)"
            return "\(file): byte \(offset): tensor \"\(tensor)\" dimension \(dimension): expected 1...\(Int64.max), found \(found)"
        case let .elementCountOverflow(file, offset, tensor, shape):
            return "\(file): byte \(offset): tensor \"\(tensor)\" shape \(shape): element count overflows int64"
        case let .byteSizeOverflow(file, offset, tensor, shape, type):
            return "\(file): byte \(offset): tensor \"\(tensor)\" shape \(shape) type \(type): size in bytes overflows int64"
        case let .unsupportedTensorType(file, offset, tensor, typeID):
            let what = GGMLType.knownName(id: typeID).map { "ggml type \(typeID) (\($0)) is not supported" }
                ?? "ggml type \(typeID) is unknown"
            return "\(file): byte \(offset): tensor \"\(tensor)\" type: \(what)"
        case let .rowNotWholeBlocks(file, offset, tensor, rowLength, type):
            return "\(file): byte \(offset): tensor \"\(tensor)\" dimension 0: expected a multiple of \(type)'s block size \(type.blockSize), found \(rowLength)"
        case let .misalignedTensorOffset(file, offset, tensor, dataOffset, alignment):
            return "\(file): byte \(offset): tensor \"\(tensor)\" offset: expected a multiple of the alignment \(alignment), found \(dataOffset)"
        case let .tensorOverlap(file, offset, tensor, dataOffset, previous, expected):
            return "\(file): byte \(offset): tensor \"\(tensor)\" offset: \(dataOffset) overlaps tensor \"\(previous)\", which ends (padded) at \(expected); expected \(expected)"
        case let .tensorGap(file, offset, tensor, dataOffset, expected):
            return "\(file): byte \(offset): tensor \"\(tensor)\" offset: expected \(expected) (tensors must follow each other without gaps), found \(dataOffset)"
        case let .tensorOutOfBounds(file, offset, tensor, start, end, fileSize):
            return "\(file): byte \(offset): tensor \"\(tensor)\" data: runs from byte \(start) to \(end), past the end of the file at \(fileSize)"
        case let .missingKey(key):
            return "\(key): key not found"
        case let .wrongType(key, expected, found):
            return "\(key): expected \(expected), found \(found)"
        case let .valueOutOfRange(key, value, expected):
            return "\(key): value \(value) does not fit \(expected)"
        case let .invalidWriterInput(field, reason):
            return "GGUF writer: \(field): \(reason)"
        case let .writeFailed(file, reason):
            return "\(file): write failed: \(reason)"
        }
    }
}

/// Two lowercase hex digits.
private func hex2(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
}
