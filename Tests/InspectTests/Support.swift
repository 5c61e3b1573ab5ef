// Shared helpers of the inspection tests: fixture paths, models loaded once, a scratch
// folder, and running python3 with numpy to read what the dumps wrote.
import Foundation
import Gemma
import XCTest

enum Fixtures {
    static let reference = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/reference")

    static func path(_ name: String) -> String { reference.appendingPathComponent(name).path }

    static let tinyPath = path("tiny-gemma2-f32.gguf")
    /// `<bos> ▁the ▁man ▁was ▁in ▁the ▁water`
    static let seq7 = [2, 305, 408, 320, 313, 305, 485]

    nonisolated(unsafe) private static var models: [String: GemmaModel] = [:]
    private static let lock = NSLock()

    /// A fixture model, loaded once per test run.
    static func model(_ name: String) throws -> GemmaModel {
        try lock.withLock {
            if let known = models[name] { return known }
            let model = try GemmaModel(path: path(name))
            models[name] = model
            return model
        }
    }

    /// A fresh transformer (its own options) over the shared tiny model.
    static func tiny() throws -> Transformer {
        Transformer(model: try model("tiny-gemma2-f32.gguf"), threads: 1)
    }

    /// The real default model (Gemma 3 270M), or a skip when it is not installed.
    static func gemma3() throws -> Transformer {
        let path = ModelStore.cacheDirectory() + "/" + ModelStore.defaultModelName
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("the default model is not at \(path)") }
        return Transformer(model: try GemmaModel(path: path), threads: 1)
    }
}

/// A new empty folder under the temporary directory, removed when the test ends.
func scratchFolder(_ test: XCTestCase) throws -> String {
    let path = NSTemporaryDirectory() + "inspect-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
}

/// Runs a program with arguments; returns its status, standard output and standard error.
func runProcess(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe(), error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    let errData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

/// Runs `script` with python3 (numpy imported as np) and returns its standard output; skips the
/// test when python3 or numpy is missing.
func python(_ script: String) throws -> String {
    let check = try? runProcess("/usr/bin/env", ["python3", "-c", "import numpy"])
    guard let check, check.status == 0 else { throw XCTSkip("python3 with numpy is not available") }
    let result = try runProcess("/usr/bin/env", ["python3", "-c", "import numpy as np, json, sys\n" + script])
    guard result.status == 0 else {
        XCTFail("python failed (\(result.status)): \(result.error)")
        return ""
    }
    return result.output
}

func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// The values of row `row` of a [rows, width] tensor.
func row(_ tensor: Tensor, _ row: Int) -> [Float] {
    let width = tensor.shape.last ?? 0
    return Array(tensor.data[row * width ..< (row + 1) * width])
}

/// Indices of the k largest values, largest first (ties: lowest index).
func topIndices(_ values: [Float], _ k: Int) -> [Int] {
    Array(values.indices.sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }.prefix(k))
}
