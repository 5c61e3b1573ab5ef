// Parses and validates a GGUF header and its metadata (ggml docs/gguf.md; the checks follow
// ggml src/gguf.cpp gguf_init_from_reader). Tensor records are in GGUFTensorInfo.swift.

/// Everything a parse yields; `GGUFFile` keeps it.
struct GGUFContents {
    var version: UInt32 = 0
    var alignment = GGUFFormat.defaultAlignment
    var dataOffset = 0
    var metadata: [(key: String, value: GGUFValue)] = []
    var keyIndex: [String: Int] = [:]
    /// Offset of each metadata entry's value type field.
    var valueOffsets: [Int] = []
    var tensors: [GGUFTensorInfo] = []
    var tensorIndex: [String: Int] = [:]
}

/// A one-shot parser over the mapped bytes of one file.
struct GGUFParser {
    var cursor: ByteCursor
    var contents = GGUFContents()
    /// Offset of each metadata entry's value type field, for messages about that value.
    var valueOffsets: [Int] = []

    var file: String { cursor.file }

    /// Parses and validates the whole file: header, metadata, tensor records, data layout.
    static func parse(_ bytes: UnsafeRawBufferPointer, file: String) throws -> GGUFContents {
        var parser = GGUFParser(cursor: ByteCursor(bytes: bytes, file: file))
        let (tensorCount, entryCount) = try parser.readHeader()
        try parser.readMetadata(count: entryCount)
        try parser.readAlignment()
        let records = try parser.readTensorRecords(count: tensorCount)
        try parser.placeTensors(records)
        parser.contents.valueOffsets = parser.valueOffsets
        return parser.contents
    }

    // MARK: header

    /// Reads magic, version and the two counts; checks each count against the bytes left.
    mutating func readHeader() throws -> (tensorCount: Int, entryCount: Int) {
        let magic = try cursor.readBytes(4, "header.magic")
        guard magic.elementsEqual(GGUFFormat.magic) else {
            throw GGUFError.badMagic(file: file, found: Array(magic))
        }
        let versionOffset = cursor.offset
        let version = try cursor.read(UInt32.self, "header.version")
        guard version == 2 || version == 3 else {
            throw GGUFError.unsupportedVersion(file: file, offset: versionOffset, version: version)
        }
        contents.version = version

        let tensorCountOffset = cursor.offset
        let tensorCount = try cursor.read(UInt64.self, "header.tensor_count")
        let entryCountOffset = cursor.offset
        let entryCount = try cursor.read(UInt64.self, "header.metadata_kv_count")
        try cursor.checkCount(tensorCount, minimumBytes: GGUFFormat.minimumTensorRecordBytes,
                              at: tensorCountOffset, "header.tensor_count")
        try cursor.checkCount(entryCount, minimumBytes: GGUFFormat.minimumEntryBytes,
                              at: entryCountOffset, "header.metadata_kv_count")
        // Both counts are now below the file size, so they fit an Int.
        return (Int(tensorCount), Int(entryCount))
    }

    // MARK: metadata

    /// Reads `count` key/value entries, rejecting empty, malformed and duplicate keys.
    mutating func readMetadata(count: Int) throws {
        contents.metadata.reserveCapacity(count)
        valueOffsets.reserveCapacity(count)
        for index in 0 ..< count {
            let keyOffset = cursor.offset
            let raw = try cursor.readStringBytes("metadata key #\(index)")
            guard !raw.isEmpty else {
                throw GGUFError.emptyKey(file: file, offset: keyOffset, index: index)
            }
            guard raw.count <= GGUFFormat.maximumKeyBytes else {
                throw GGUFError.invalidKey(file: file, offset: keyOffset, index: index,
                                           reason: "key is \(raw.count) bytes long, at most \(GGUFFormat.maximumKeyBytes) allowed")
            }
            let key: String
            switch strictName(raw) {
            case .success(let text): key = text
            case .failure(let problem):
                throw GGUFError.invalidKey(file: file, offset: keyOffset, index: index, reason: problem.reason)
            }
            if let first = contents.keyIndex[key] {
                throw GGUFError.duplicateKey(file: file, offset: keyOffset, key: key, index: index, firstIndex: first)
            }
            valueOffsets.append(cursor.offset)
            let value = try readValue("metadata key #\(index) \"\(key)\"")
            contents.keyIndex[key] = index
            contents.metadata.append((key: key, value: value))
        }
    }

    /// Reads a value type id and the value that follows it.
    mutating func readValue(_ field: @autoclosure () -> String) throws -> GGUFValue {
        let typeOffset = cursor.offset
        let rawType = try cursor.read(UInt32.self, field() + " value type")
        guard let type = GGUFValueType(rawValue: rawType) else {
            throw GGUFError.unknownValueType(file: file, offset: typeOffset, field: field(), type: rawType)
        }
        switch type {
        case .uint8: return .uint8(try cursor.read(UInt8.self, field()))
        case .int8: return .int8(try cursor.read(Int8.self, field()))
        case .uint16: return .uint16(try cursor.read(UInt16.self, field()))
        case .int16: return .int16(try cursor.read(Int16.self, field()))
        case .uint32: return .uint32(try cursor.read(UInt32.self, field()))
        case .int32: return .int32(try cursor.read(Int32.self, field()))
        case .float32: return .float32(Float(bitPattern: try cursor.read(UInt32.self, field())))
        case .bool: return .bool(try cursor.read(UInt8.self, field()) != 0)
        case .string: return .string(try cursor.readString(field()))
        case .uint64: return .uint64(try cursor.read(UInt64.self, field()))
        case .int64: return .int64(try cursor.read(Int64.self, field()))
        case .float64: return .float64(Double(bitPattern: try cursor.read(UInt64.self, field())))
        case .array: return .array(try readArray(field()))
        }
    }

    /// Reads an array's element type, length and elements; the length is checked against the
    /// bytes left before anything is allocated.
    mutating func readArray(_ field: @autoclosure () -> String) throws -> GGUFArray {
        let typeOffset = cursor.offset
        let rawType = try cursor.read(UInt32.self, field() + " array element type")
        guard let type = GGUFValueType(rawValue: rawType) else {
            throw GGUFError.unknownValueType(file: file, offset: typeOffset,
                                             field: field() + " array element type", type: rawType)
        }
        guard type != .array else {
            throw GGUFError.nestedArray(file: file, offset: typeOffset, field: field())
        }
        let countOffset = cursor.offset
        let rawCount = try cursor.read(UInt64.self, field() + " array length")
        try cursor.checkCount(rawCount, minimumBytes: type.minimumSize, at: countOffset, field() + " array length")
        let count = Int(rawCount)
        switch type {
        case .uint8: return .uint8(try cursor.readIntegers(UInt8.self, count: count, field()))
        case .int8: return .int8(try cursor.readIntegers(Int8.self, count: count, field()))
        case .uint16: return .uint16(try cursor.readIntegers(UInt16.self, count: count, field()))
        case .int16: return .int16(try cursor.readIntegers(Int16.self, count: count, field()))
        case .uint32: return .uint32(try cursor.readIntegers(UInt32.self, count: count, field()))
        case .int32: return .int32(try cursor.readIntegers(Int32.self, count: count, field()))
        case .uint64: return .uint64(try cursor.readIntegers(UInt64.self, count: count, field()))
        case .int64: return .int64(try cursor.readIntegers(Int64.self, count: count, field()))
        case .float32:
            return .float32(try cursor.readIntegers(UInt32.self, count: count, field()).map(Float.init(bitPattern:)))
        case .float64:
            return .float64(try cursor.readIntegers(UInt64.self, count: count, field()).map(Double.init(bitPattern:)))
        case .bool:
            return .bool(try cursor.readIntegers(UInt8.self, count: count, field()).map { $0 != 0 })
        case .string:
            var strings: [String] = []
            strings.reserveCapacity(count)
            for element in 0 ..< count {
                strings.append(try cursor.readString(field() + " element #\(element)"))
            }
            return .string(strings)
        case .array:
            throw GGUFError.nestedArray(file: file, offset: typeOffset, field: field())
        }
    }

    /// Applies `general.alignment`: it must be a uint32, a nonzero power of two, at most 1 MiB.
    mutating func readAlignment() throws {
        guard let index = contents.keyIndex[GGUFFormat.alignmentKey] else { return }
        let offset = valueOffsets[index]
        guard case .uint32(let value) = contents.metadata[index].value else {
            throw GGUFError.alignmentWrongType(file: file, offset: offset,
                                               found: contents.metadata[index].value.typeName)
        }
        guard value != 0, value & (value - 1) == 0, Int(value) <= GGUFFormat.maximumAlignment else {
            throw GGUFError.invalidAlignment(file: file, offset: offset, value: value)
        }
        contents.alignment = Int(value)
    }
}

/// Why a key or tensor name was rejected.
struct NameProblem: Error {
    let reason: String
}

/// Decodes a key or tensor name, which must be valid UTF-8 without NUL bytes (they are used as
/// identifiers, so they are never repaired).
func strictName(_ raw: UnsafeRawBufferPointer) -> Result<String, NameProblem> {
    if raw.contains(0) {
        return .failure(NameProblem(reason: "contains a NUL byte"))
    }
    let text = String(decoding: raw, as: UTF8.self)
    guard text.utf8.elementsEqual(raw) else {
        return .failure(NameProblem(reason: "not valid UTF-8"))
    }
    return .success(text)
}
