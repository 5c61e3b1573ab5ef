// A GGUF v2/v3 file opened read-only through mmap and validated as strictly as ggml's
// src/gguf.cpp (format: ggml docs/gguf.md).
//
// Layout (all integers little-endian):
//
//     header     "GGUF"  uint32 version (2 or 3)  uint64 tensor_count  uint64 metadata_kv_count
//     metadata   metadata_kv_count x { string key, uint32 value type, value }
//                  string = uint64 length + bytes;  array = uint32 element type + uint64 count + elements
//     tensors    tensor_count x { string name, uint32 n_dims, n_dims x uint64 ne (ne0 first),
//                                 uint32 ggml type, uint64 offset (relative to the data section) }
//     padding    zeros up to a multiple of `general.alignment` (uint32, default 32)
//     data       the tensors, in record order, each padded to the alignment
//
// Validation (each failure is a `GGUFError` naming file, byte offset and field; every length
// and count is checked against the bytes left before anything sized by it is allocated):
//  - magic is "GGUF"; version is 2 or 3 (1 is obsolete, 0 invalid, a byte-swapped version
//    is reported as a big-endian file);
//  - tensor_count x 24 bytes and metadata_kv_count x 14 bytes (the smallest possible records)
//    fit in the bytes left; an array's length x its element size (8 per string) fits too;
//    a string's length fits in the bytes left;
//  - keys: non-empty, at most 65535 bytes, valid UTF-8 without NUL, unique;
//  - value types 0...12; no arrays of arrays; bools: any nonzero byte is true (as ggml);
//    string values with invalid UTF-8 are repaired with U+FFFD (ggml accepts any bytes);
//  - `general.alignment`: uint32, nonzero power of two, at most 1 MiB (ggml's bound);
//  - tensor names: shorter than 64 bytes (GGML_MAX_NAME with its NUL), valid UTF-8 without NUL,
//    unique (an empty name is allowed, as in ggml);
//  - n_dims <= 4; every dimension in 1...Int64.max (ggml rejects negative int64 values and
//    cannot handle 0, so 0 is rejected); element count below Int64.max; size in bytes fits;
//  - ggml type known to GGMLType (IQ and ternary types are reported as unsupported by name);
//    ne0 a whole number of blocks;
//  - data section start (header end rounded up to the alignment) inside the file when there
//    are tensors (with none, ggml puts it right at the header end, and so do we);
//  - ggml's packing rule: tensor 0 at offset 0 and each next tensor exactly at the previous
//    offset + its size padded to the alignment. A misaligned offset, an offset inside the
//    previous tensor (overlap) and an offset beyond it (gap) are separate errors;
//  - every tensor's bytes end inside the file. Like llama.cpp's mmap loader (and unlike ggml's
//    copy-everything path) the last tensor's trailing padding need not be present.

/// A validated, memory-mapped GGUF file. Immutable after `init`; tensor data is never copied.
///
/// `@unchecked Sendable`: all stored properties are immutable and the mapping is read-only.
public final class GGUFFile: @unchecked Sendable {
    /// The path the file was opened with.
    public let path: String
    /// Format version (2 or 3; both have the same layout).
    public let version: UInt32
    /// Size of the file in bytes.
    public let fileSize: Int
    /// Alignment of the data section and of every tensor in it.
    public let alignment: Int
    /// Absolute offset of the tensor data section.
    public let dataOffset: Int
    /// Metadata entries in file order.
    public let metadata: [(key: String, value: GGUFValue)]
    /// Tensor records in file order.
    public let tensors: [GGUFTensorInfo]

    private let map: MappedFile
    private let keyIndex: [String: Int]
    private let valueOffsets: [Int]
    private let tensorIndex: [String: Int]

    /// Opens, maps (`PROT_READ`, `MAP_PRIVATE`) and validates the file at `path`.
    /// Throws `GGUFError` describing the first problem found.
    public init(path: String) throws {
        let map = try MappedFile(path: path)
        let contents = try GGUFParser.parse(map.bytes, file: path)
        self.map = map
        self.path = path
        self.version = contents.version
        self.fileSize = map.size
        self.alignment = contents.alignment
        self.dataOffset = contents.dataOffset
        self.metadata = contents.metadata
        self.tensors = contents.tensors
        self.keyIndex = contents.keyIndex
        self.valueOffsets = contents.valueOffsets
        self.tensorIndex = contents.tensorIndex
    }

    /// The value stored under `key`, or nil.
    public subscript(key: String) -> GGUFValue? {
        guard let index = keyIndex[key] else { return nil }
        return metadata[index].value
    }

    /// The byte offset of `key`'s value (its type field) in the file, for messages about it.
    public func valueOffset(ofKey key: String) -> Int? {
        guard let index = keyIndex[key], valueOffsets.indices.contains(index) else { return nil }
        return valueOffsets[index]
    }

    /// The tensor record named `name`, or nil.
    public func tensor(named name: String) -> GGUFTensorInfo? {
        guard let index = tensorIndex[name] else { return nil }
        return tensors[index]
    }

    /// The bytes of `tensor` inside the map (no copy). Valid while this `GGUFFile` is alive.
    /// A record that does not belong to this file yields an empty buffer.
    public func data(of tensor: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        guard let index = tensorIndex[tensor.name], tensors[index] == tensor else {
            return UnsafeRawBufferPointer(start: nil, count: 0)
        }
        let start = dataOffset + tensor.offset
        return UnsafeRawBufferPointer(rebasing: map.bytes[start ..< start + tensor.byteCount])
    }
}
