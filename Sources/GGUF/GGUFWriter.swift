// Builds GGUF v3 files that GGUFFile (and ggml) accept: metadata in insertion order, tensors
// packed in order, each padded to the alignment (layout as ggml's gguf_write_out).
import AtomicWrite

/// A GGUF v3 file under construction. Metadata and tensors are written in the order added.
///
/// `general.alignment`: if the metadata contains it, it must be `.uint32(alignment)`; if not and
/// `alignment` is not 32, the writer appends it as the last entry so readers find the alignment.
/// Problems (duplicate or empty keys, a bad alignment) are reported by `bytes()` / `write(to:)`.
public struct GGUFWriter: Sendable {
    /// Alignment of the data section and of each tensor (a power of two up to 1 MiB).
    public let alignment: Int
    /// Metadata entries in the order they were added.
    public private(set) var metadata: [(key: String, value: GGUFValue)] = []
    private var tensors: [PendingTensor] = []
    private var tensorIndex: [String: Int] = [:]

    private struct PendingTensor: Sendable {
        let name: String
        let shape: [Int]
        let type: GGMLType
        let data: [UInt8]
    }

    /// An empty file with the given alignment (ggml's default is 32).
    public init(alignment: Int = 32) {
        self.alignment = alignment
    }

    /// Appends a metadata entry. Keys must be unique; this is checked when the file is built.
    public mutating func add(_ key: String, _ value: GGUFValue) {
        metadata.append((key: key, value: value))
    }

    /// Appends a tensor. `shape` is ne0 (row length) first, 0 to 4 dimensions each >= 1, and
    /// `data` must hold exactly the bytes that shape and type need.
    public mutating func addTensor(name: String, shape: [Int], type: GGMLType, data: [UInt8]) throws {
        let field = "tensor \"\(name)\""
        func reject(_ reason: String) -> GGUFError { .invalidWriterInput(field: field, reason: reason) }
        guard name.utf8.count <= GGUFFormat.maximumNameBytes else {
            throw reject("name is \(name.utf8.count) bytes, at most \(GGUFFormat.maximumNameBytes) allowed")
        }
        guard !name.utf8.contains(0) else { throw reject("name contains a NUL byte") }
        guard tensorIndex[name] == nil else { throw reject("duplicate tensor name") }
        guard shape.count <= GGUFFormat.maximumDimensions else {
            throw reject("\(shape.count) dimensions, at most \(GGUFFormat.maximumDimensions) allowed")
        }
        guard shape.allSatisfy({ $0 >= 1 }) else { throw reject("shape \(shape) has a dimension below 1") }
        var elementCount = 1
        for size in shape {
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: size)
            guard !overflow, product < Int.max else { throw reject("shape \(shape): element count overflows") }
            elementCount = product
        }
        guard (shape.first ?? 1) % type.blockSize == 0 else {
            throw reject("row length \(shape.first ?? 1) is not a multiple of \(type)'s block size \(type.blockSize)")
        }
        guard let byteCount = type.rowBytes(elementCount) else { throw reject("size in bytes overflows") }
        guard byteCount == data.count else {
            throw reject("shape \(shape) of type \(type) needs \(byteCount) bytes, data has \(data.count)")
        }
        tensorIndex[name] = tensors.count
        tensors.append(PendingTensor(name: name, shape: shape, type: type, data: data))
    }

    /// The complete file, built in memory (for large models prefer `write(to:)`, which streams
    /// the tensor data instead of assembling a second copy).
    public func bytes() throws -> [UInt8] {
        var sink = ByteSink()
        sink.bytes = try header()
        for tensor in tensors {
            sink.bytes.append(contentsOf: tensor.data)
            sink.pad(to: alignment)
        }
        return sink.bytes
    }

    /// Writes the file atomically (AtomicFile.replace: a temporary file in the same directory,
    /// fsync, rename), streaming the tensors rather than building the file in memory.
    public func write(to path: String) throws {
        let header = try header()
        do {
            try AtomicFile.replace(path) { descriptor, temporary in
                try AtomicFile.writeAll(descriptor, header, path: temporary)
                for tensor in tensors {
                    try AtomicFile.writeAll(descriptor, tensor.data, path: temporary)
                    let padding = padded(tensor.data.count, to: alignment) - tensor.data.count
                    try AtomicFile.writeAll(descriptor, [UInt8](repeating: 0, count: padding), path: temporary)
                }
            }
        } catch let failure as AtomicFile.Failure {
            throw GGUFError.writeFailed(file: path, reason: failure.description)
        }
    }

    // MARK: encoding

    /// Header, metadata, tensor records and the padding before the data section.
    private func header() throws -> [UInt8] {
        guard alignment >= 1, alignment <= GGUFFormat.maximumAlignment, alignment & (alignment - 1) == 0 else {
            throw GGUFError.invalidWriterInput(field: "alignment",
                                               reason: "\(alignment) is not a power of two in 1...\(GGUFFormat.maximumAlignment)")
        }
        var entries = metadata
        var seen: [String: Int] = [:]
        for (index, entry) in entries.enumerated() {
            let field = "metadata key #\(index) \"\(entry.key)\""
            guard !entry.key.isEmpty else { throw GGUFError.invalidWriterInput(field: field, reason: "key is empty") }
            guard entry.key.utf8.count <= GGUFFormat.maximumKeyBytes, !entry.key.utf8.contains(0) else {
                throw GGUFError.invalidWriterInput(field: field, reason: "key is too long or contains a NUL byte")
            }
            if let first = seen[entry.key] {
                throw GGUFError.invalidWriterInput(field: field, reason: "duplicate key (first added as key #\(first))")
            }
            seen[entry.key] = index
        }
        if let index = seen[GGUFFormat.alignmentKey] {
            guard entries[index].value == .uint32(UInt32(alignment)) else {
                throw GGUFError.invalidWriterInput(
                    field: GGUFFormat.alignmentKey,
                    reason: "is \(entries[index].value) (\(entries[index].value.typeName)) but the writer's alignment is uint32 \(alignment)")
            }
        } else if alignment != GGUFFormat.defaultAlignment {
            entries.append((key: GGUFFormat.alignmentKey, value: .uint32(UInt32(alignment))))
        }

        var sink = ByteSink()
        sink.bytes.append(contentsOf: GGUFFormat.magic)
        sink.append(GGUFFormat.writtenVersion)
        sink.append(UInt64(tensors.count))
        sink.append(UInt64(entries.count))
        for entry in entries {
            sink.append(entry.key)
            sink.append(entry.value)
        }
        var offset = 0
        for tensor in tensors {
            sink.append(tensor.name)
            sink.append(UInt32(tensor.shape.count))
            for size in tensor.shape { sink.append(UInt64(size)) }
            sink.append(tensor.type.rawValue)
            sink.append(UInt64(offset))
            offset += padded(tensor.data.count, to: alignment)
        }
        sink.pad(to: alignment)
        return sink.bytes
    }
}
