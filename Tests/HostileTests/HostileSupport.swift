// Test support: fixture paths, scratch folders, broken copies of the tiny model made with
// GGUFWriter, and running the built gemma-repl as a user does.
import Foundation
import GGUF
import XCTest

enum Paths {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static func fixture(_ name: String) -> String {
        repository.appendingPathComponent("Tests/Fixtures/reference/\(name)").path
    }
    static let tinyModel = fixture("tiny-gemma2-f32.gguf")

    /// A new empty folder under the temporary directory, removed by the test's teardown.
    static func scratchFolder(_ test: XCTestCase) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
    }
}

/// The tiny fixture as editable metadata and tensors, written back with `GGUFWriter`.
struct EditableModel {
    struct Tensor {
        var name: String
        var shape: [Int]
        var type: GGMLType
        var data: [UInt8]
    }

    var metadata: [(key: String, value: GGUFValue)]
    var tensors: [Tensor]

    /// The tiny fixture, read once.
    static let tiny: Result<EditableModel, any Error> = Result {
        let file = try GGUFFile(path: Paths.tinyModel)
        return EditableModel(metadata: file.metadata, tensors: file.tensors.map {
            Tensor(name: $0.name, shape: $0.shape, type: $0.type, data: Array(file.data(of: $0)))
        })
    }

    /// The tiny model with one NaN in `blk.2.ffn_down.weight`, written in `folder`.
    static func nanWeight(in folder: URL) throws -> String {
        var edited = try tiny.get()
        guard let index = edited.tensors.firstIndex(where: { $0.name == "blk.2.ffn_down.weight" }) else {
            throw CocoaError(.fileReadCorruptFile)
        }
        withUnsafeBytes(of: Float.nan.bitPattern.littleEndian) { edited.tensors[index].data.replaceSubrange(0..<4, with: $0) }
        return try edited.write("nan-weight.gguf", in: folder)
    }

    subscript(key: String) -> GGUFValue? {
        get { metadata.first { $0.key == key }?.value }
        set {
            if let index = metadata.firstIndex(where: { $0.key == key }) {
                if let newValue { metadata[index].value = newValue } else { metadata.remove(at: index) }
            } else if let newValue {
                metadata.append((key, newValue))
            }
        }
    }

    mutating func removeTensors(where predicate: (Tensor) -> Bool) { tensors.removeAll(where: predicate) }

    /// Writes the model as `name` in `folder` and returns its path.
    func write(_ name: String, in folder: URL) throws -> String {
        var writer = GGUFWriter()
        for (key, value) in metadata { writer.add(key, value) }
        for tensor in tensors {
            try writer.addTensor(name: tensor.name, shape: tensor.shape, type: tensor.type, data: tensor.data)
        }
        let path = folder.appendingPathComponent(name).path
        try writer.write(to: path)
        return path
    }
}

/// The built gemma-repl beside the test bundle, run with arguments, an environment and stdin.
enum GemmaREPL {
    static var binary: URL {
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let beside = products.appendingPathComponent("gemma-repl")
        if FileManager.default.fileExists(atPath: beside.path) { return beside }
        return products.deletingLastPathComponent().appendingPathComponent("gemma-repl")
    }

    struct Result {
        var status: Int32
        var out: String
        var err: String
    }

    /// Runs gemma-repl to the end. `input` is written to its stdin (then closed); after
    /// `timeout` seconds the process is killed (and the test fails on its exit status).
    static func run(_ arguments: [String], environment: [String: String] = [:], input: String? = nil,
                    executable: URL? = nil, timeout: Double = 120) throws -> Result {
        let process = Process()
        process.executableURL = executable ?? binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe(), stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        try process.run()
        let watchdog = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        defer { watchdog.cancel() }
        if let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        // Read both pipes at once so that neither fills up and blocks the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, out: String(decoding: outData, as: UTF8.self),
                      err: String(decoding: errData, as: UTF8.self))
    }
}
