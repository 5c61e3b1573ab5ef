// Paths of the golden data produced by llama.cpp (Tests/Fixtures/reference/README.md).
import Foundation
import Gemma

enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let reference = root.appendingPathComponent("reference")

    static func path(_ name: String) -> String { reference.appendingPathComponent(name).path }

    static let gemma2Fixtures = ["tiny-gemma2-f32", "small-gemma2-f16", "small-gemma2-bf16", "small-gemma2-q8_0",
                                 "small-gemma2-q6_k", "small-gemma2-q4_k", "small-gemma2-q4_0"]

    static let sequences: [Int: [Int]] = [
        1: [2],
        7: [2, 305, 408, 320, 313, 305, 485],
        24: [2, 500, 305, 464, 467, 378, 453, 485, 288, 334, 382, 62, 315, 320, 496, 492, 354, 348, 446,
             479, 428, 287, 244, 163],
    ]

    /// The installed default model (Gemma 3 270M), which scripts/install puts in the cache.
    static var defaultModel: String? {
        let path = ModelStore.cacheDirectory() + "/" + ModelStore.defaultModelName
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    static func jsonLines(_ name: String) throws -> [[String: Any]] {
        let text = try String(contentsOfFile: path(name), encoding: .utf8)
        return try text.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }
}

/// Σ(ours − theirs)² / Σ theirs².
func nmse(_ ours: [Float], _ theirs: [Float]) -> Double {
    var error = 0.0, norm = 0.0
    for (a, b) in zip(ours, theirs) {
        error += Double(a - b) * Double(a - b)
        norm += Double(b) * Double(b)
    }
    return error / max(norm, 1e-30)
}

func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
