// Fuzz target: arbitrary bytes as a GGUF file. Opening must either throw a GGUFError or give a
// file whose every accessor works, whose tensor views lie inside the file, and which the writer
// writes back to bytes that read the same (ggml docs/gguf.md).
import Foundation
import GGUF

enum GGUFTarget {
    static let path = FuzzPaths.scratch("input.gguf")

    static func run(_ input: [UInt8]) throws {
        try writeScratch(input, to: path)
        let file: GGUFFile
        do { file = try GGUFFile(path: path) } catch is GGUFError { return }

        for (key, value) in file.metadata {
            _ = value.description
            _ = value.typeName
            _ = try? file.uint32(key)
            _ = try? file.int(key)
            _ = try? file.float(key)
            _ = try? file.bool(key)
            _ = try? file.string(key)
            _ = try? file.stringArray(key)
            _ = try? file.floatArray(key)
            _ = try? file.intArray(key)
            guard file[key] != nil else { throw FuzzFailure(.gguf, "key \(key.debugDescription) listed but not found") }
        }
        var checksum: UInt8 = 0
        for tensor in file.tensors {
            guard file.tensor(named: tensor.name) == tensor else {
                throw FuzzFailure(.gguf, "tensor \(tensor.name.debugDescription) listed but not found")
            }
            let data = file.data(of: tensor)
            guard data.count == tensor.byteCount, file.dataOffset + tensor.offset + tensor.byteCount <= file.fileSize else {
                throw FuzzFailure(.gguf, "tensor \(tensor.name.debugDescription): view of \(data.count) bytes at \(tensor.offset) "
                                  + "for \(tensor.byteCount) bytes in a file of \(file.fileSize)")
            }
            if let first = data.first, let last = data.last { checksum ^= first ^ last }
        }
        _ = checksum

        // The writer must take what the reader accepted, and its output must read the same.
        let written = try rewrite(file)
        try writeScratch(written, to: path)
        let reread: GGUFFile
        do { reread = try GGUFFile(path: path) } catch {
            throw FuzzFailure(.gguf, "the writer's copy does not read back: \(error)")
        }
        guard reread.tensors.map(\.name) == file.tensors.map(\.name),
              reread.tensors.map(\.shape) == file.tensors.map(\.shape),
              reread.tensors.map(\.type) == file.tensors.map(\.type),
              reread.metadata.map(\.key) == file.metadata.map(\.key) else {
            throw FuzzFailure(.gguf, "the writer's copy has other keys or tensors")
        }
        guard try rewrite(reread) == written else {
            throw FuzzFailure(.gguf, "writing the copy again gives other bytes")
        }
    }

    /// The file's metadata and tensors through `GGUFWriter`.
    static func rewrite(_ file: GGUFFile) throws -> [UInt8] {
        var writer = GGUFWriter(alignment: file.alignment)
        for (key, value) in file.metadata { writer.add(key, value) }
        do {
            for tensor in file.tensors {
                try writer.addTensor(name: tensor.name, shape: tensor.shape, type: tensor.type,
                                     data: Array(file.data(of: tensor)))
            }
            return try writer.bytes()
        } catch {
            throw FuzzFailure(.gguf, "the writer refuses what the reader accepted: \(error)")
        }
    }
}

/// Replaces the file at `path` with `bytes` (plain POSIX calls: this runs thousands of times).
func writeScratch(_ bytes: [UInt8], to path: String) throws {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown) }
    defer { close(descriptor) }
    var offset = 0
    while offset < bytes.count {
        let count = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { throw CocoaError(.fileWriteUnknown) }
        offset += count
    }
}
