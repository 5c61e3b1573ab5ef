// Tensor records of a GGUF file and their validation: names, shapes, types, sizes and the
// packed, aligned layout of the data section (ggml src/gguf.cpp, gguf_init_from_reader).

/// One tensor record. `shape` lists dimensions innermost first (ggml's ne0 = row length).
public struct GGUFTensorInfo: Sendable, Equatable {
    /// Tensor name, e.g. `blk.0.attn_q.weight`.
    public let name: String
    /// Dimensions, ne0 (the row length, contiguous in memory) first. Every entry is >= 1.
    public let shape: [Int]
    /// Element type.
    public let type: GGMLType
    /// Start of the data relative to `GGUFFile.dataOffset`.
    public let offset: Int
    /// Size of the data in bytes (without alignment padding).
    public let byteCount: Int

    /// Number of elements: the product of `shape` (1 for a 0-dimensional tensor).
    public var elementCount: Int { shape.reduce(1, *) }
}

/// A tensor record as read, before its data offset has been checked against the layout.
struct TensorRecord {
    let name: String
    let shape: [Int]
    let type: GGMLType
    let byteCount: Int
    /// The offset as stored (relative to the data section).
    let dataOffset: UInt64
    /// Where the offset field itself is in the file, for messages.
    let fieldOffset: Int
}

extension GGUFParser {
    /// Reads `count` tensor records, checking each field before it is used.
    mutating func readTensorRecords(count: Int) throws -> [TensorRecord] {
        var records: [TensorRecord] = []
        records.reserveCapacity(count)
        for index in 0 ..< count {
            let name = try readTensorName(index: index)
            contents.tensorIndex[name] = index

            let dimensionCountOffset = cursor.offset
            let dimensionCount = try cursor.read(UInt32.self, "tensor \"\(name)\" n_dims")
            guard dimensionCount <= GGUFFormat.maximumDimensions else {
                throw GGUFError.tooManyDimensions(file: file, offset: dimensionCountOffset,
                                                  tensor: name, count: dimensionCount)
            }
            var shape: [Int] = []
            for dimension in 0 ..< Int(dimensionCount) {
                let dimensionOffset = cursor.offset
                let value = try cursor.read(UInt64.self, "tensor \"\(name)\" dimension \(dimension)")
                // ggml reads dimensions as int64 and rejects negatives; it cannot handle 0
                // (its overflow check divides by ne1..ne3), so we reject 0 as well.
                guard value >= 1, value <= UInt64(Int64.max) else {
                    throw GGUFError.invalidDimension(file: file, offset: dimensionOffset, tensor: name,
                                                     dimension: dimension, value: value)
                }
                shape.append(Int(value))
            }
            // ggml requires the element count to be below INT64_MAX.
            var elementCount = 1
            for size in shape {
                let (product, overflow) = elementCount.multipliedReportingOverflow(by: size)
                guard !overflow, product < Int.max else {
                    throw GGUFError.elementCountOverflow(file: file, offset: dimensionCountOffset,
                                                         tensor: name, shape: shape)
                }
                elementCount = product
            }

            let typeOffset = cursor.offset
            let typeID = try cursor.read(UInt32.self, "tensor \"\(name)\" type")
            guard let type = GGMLType(rawValue: typeID) else {
                throw GGUFError.unsupportedTensorType(file: file, offset: typeOffset, tensor: name, typeID: typeID)
            }
            let rowLength = shape.first ?? 1
            guard rowLength % type.blockSize == 0 else {
                throw GGUFError.rowNotWholeBlocks(file: file, offset: dimensionCountOffset + 4,
                                                  tensor: name, rowLength: rowLength, type: type)
            }
            guard let byteCount = type.rowBytes(elementCount) else {
                throw GGUFError.byteSizeOverflow(file: file, offset: typeOffset, tensor: name, shape: shape, type: type)
            }

            let fieldOffset = cursor.offset
            let dataOffset = try cursor.read(UInt64.self, "tensor \"\(name)\" offset")
            records.append(TensorRecord(name: name, shape: shape, type: type, byteCount: byteCount,
                                        dataOffset: dataOffset, fieldOffset: fieldOffset))
        }
        return records
    }

    /// Reads a tensor name: shorter than 64 bytes, UTF-8 without NUL bytes, not used before.
    mutating func readTensorName(index: Int) throws -> String {
        let nameOffset = cursor.offset
        let raw = try cursor.readStringBytes("tensor #\(index) name")
        guard raw.count <= GGUFFormat.maximumNameBytes else {
            throw GGUFError.tensorNameTooLong(file: file, offset: nameOffset, index: index, length: UInt64(raw.count))
        }
        let name: String
        switch strictName(raw) {
        case .success(let text): name = text
        case .failure(let problem):
            throw GGUFError.invalidTensorName(file: file, offset: nameOffset, index: index, reason: problem.reason)
        }
        if let first = contents.tensorIndex[name] {
            throw GGUFError.duplicateTensorName(file: file, offset: nameOffset, tensor: name,
                                                index: index, firstIndex: first)
        }
        return name
    }

    /// Fixes the data section's start and checks ggml's layout rule: tensor i starts exactly
    /// where tensor i-1's data, padded to the alignment, ends (the first at 0), and every tensor
    /// lies inside the file.
    mutating func placeTensors(_ records: [TensorRecord]) throws {
        let alignment = contents.alignment
        let fileSize = cursor.bytes.count
        let headerEnd = cursor.offset
        // As in ggml: with no tensors the data section starts right after the header.
        if records.isEmpty {
            contents.dataOffset = headerEnd
            return
        }
        let dataOffset = padded(headerEnd, to: alignment)
        guard dataOffset <= fileSize else {
            throw GGUFError.truncated(file: file, offset: headerEnd, field: "padding before the tensor data section",
                                      needed: dataOffset - headerEnd, available: fileSize - headerEnd)
        }
        contents.dataOffset = dataOffset

        var expected = 0
        var previous = ""
        contents.tensors.reserveCapacity(records.count)
        for record in records {
            guard record.dataOffset % UInt64(alignment) == 0 else {
                throw GGUFError.misalignedTensorOffset(file: file, offset: record.fieldOffset, tensor: record.name,
                                                       dataOffset: record.dataOffset, alignment: alignment)
            }
            guard record.dataOffset >= UInt64(expected) else {
                throw GGUFError.tensorOverlap(file: file, offset: record.fieldOffset, tensor: record.name,
                                              dataOffset: record.dataOffset, previous: previous, expected: expected)
            }
            guard record.dataOffset == UInt64(expected) else {
                throw GGUFError.tensorGap(file: file, offset: record.fieldOffset, tensor: record.name,
                                          dataOffset: record.dataOffset, expected: expected)
            }
            // expected <= fileSize here, so start cannot overflow.
            let start = dataOffset + expected
            let (end, overflow) = start.addingReportingOverflow(record.byteCount)
            guard !overflow, end <= fileSize else {
                throw GGUFError.tensorOutOfBounds(file: file, offset: record.fieldOffset, tensor: record.name,
                                                  start: start, end: UInt64(start) + UInt64(record.byteCount),
                                                  fileSize: fileSize)
            }
            contents.tensors.append(GGUFTensorInfo(name: record.name, shape: record.shape, type: record.type,
                                                   offset: expected, byteCount: record.byteCount))
            expected += padded(record.byteCount, to: alignment)
            previous = record.name
        }
    }
}

/// `value` rounded up to a multiple of `alignment` (a power of two). Callers keep `value`
/// at most the file size, so the sum cannot overflow.
func padded(_ value: Int, to alignment: Int) -> Int {
    (value + alignment - 1) & ~(alignment - 1)
}
