// Dumps of captured values for numpy: one .npy per hook, or all of them in one .npz or
// .safetensors file keyed by hook name, with a JSON sidecar holding the prompt, token ids,
// model file name and sha256, and the hook list.
import AtomicWrite
import Figures
import Foundation
import Gemma
import ZIPFoundation

public enum DumpFormat: String, CaseIterable, Sendable {
    case npy, npz, safetensors
}

public enum Dumps {
    /// Writes `trace` into `directory` (created if needed) and returns the files written.
    @discardableResult
    public static func write(_ trace: Trace, format: DumpFormat, to directory: String, prompt: String?,
                             modelPath: String) throws -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw InspectError.file(path: directory, reason: "cannot create the folder: \(error.localizedDescription)")
        }
        var files: [String] = []
        let named = trace.points.compactMap { point in trace.values[point].map { (point.name, $0) } }
        switch format {
        case .npy:
            for (name, tensor) in named {
                let path = directory + "/" + name + ".npy"
                try NPY.write(tensor, to: path)
                files.append(path)
            }
        case .npz:
            let path = directory + "/activations.npz"
            try AtomicFile.write(try npz(named), to: path)
            files.append(path)
        case .safetensors:
            let path = directory + "/activations.safetensors"
            try AtomicFile.write(safetensors(named, metadata: ["model": trace.modelName]), to: path)
            files.append(path)
        }
        let sidecar = directory + "/trace.json"
        try AtomicFile.write(Array(try sidecarJSON(trace, prompt: prompt, modelPath: modelPath, format: format).utf8), to: sidecar)
        files.append(sidecar)
        return files
    }

    /// The JSON sidecar: prompt, ids, pieces, model file and sha256, hooks with shapes.
    public static func sidecarJSON(_ trace: Trace, prompt: String?, modelPath: String, format: DumpFormat) throws -> String {
        struct Hook: Encodable { let name: String; let shape: [Int] }
        struct Sidecar: Encodable {
            let prompt: String?; let token_ids: [Int]; let pieces: [String]; let model: String
            let model_sha256: String; let format: String; let hooks: [Hook]
        }
        let value = Sidecar(prompt: prompt, token_ids: trace.tokens, pieces: trace.pieces,
                            model: (modelPath as NSString).lastPathComponent, model_sha256: try FileDigest.sha256(modelPath),
                            format: format.rawValue,
                            hooks: trace.points.compactMap { p in trace.values[p].map { Hook(name: p.name, shape: $0.shape) } })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }

    /// A .npz archive (a zip of `<name>.npy` entries, stored, as numpy.savez writes).
    public static func npz(_ tensors: [(String, Tensor)]) throws -> [UInt8] {
        let archive = try Archive(accessMode: .create)
        for (name, tensor) in tensors {
            let bytes = Data(NPY.encode(tensor))
            try archive.addEntry(with: name + ".npy", type: .file, uncompressedSize: Int64(bytes.count),
                                 compressionMethod: .none) { position, size in
                bytes.subdata(in: Int(position) ..< Int(position) + size)
            }
        }
        guard let data = archive.data else { throw InspectError.file(path: "(npz)", reason: "the zip archive was not built") }
        return [UInt8](data)
    }

    /// A .safetensors file: 8-byte little-endian header length, a JSON header naming each
    /// tensor's dtype, shape and byte range, padded with spaces to 8 bytes, then the data.
    public static func safetensors(_ tensors: [(String, Tensor)], metadata: [String: String] = [:]) -> [UInt8] {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for (name, tensor) in tensors {
            header[name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + tensor.count * 4]] as [String: Any]
            offset += tensor.count * 4
        }
        var json = (try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])).map { [UInt8]($0) } ?? Array("{}".utf8)
        while json.count % 8 != 0 { json.append(UInt8(ascii: " ")) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + json.count + offset)
        let length = UInt64(json.count)
        for i in 0..<8 { bytes.append(UInt8((length >> (8 * UInt64(i))) & 0xff)) }
        bytes += json
        for (_, tensor) in tensors {
            for value in tensor.data {
                let bits = value.bitPattern
                bytes += [UInt8(bits & 0xff), UInt8((bits >> 8) & 0xff), UInt8((bits >> 16) & 0xff), UInt8(bits >> 24)]
            }
        }
        return bytes
    }
}
