// A model that cannot fit in memory is refused before its weights are read, with the estimate.
import Foundation
import Gemma
import GGUF
import XCTest

final class MemoryEstimateTests: XCTestCase {
    func testTheEstimateAddsWeightsKVCacheAndActivations() throws {
        let model = try GemmaModel(path: Paths.tinyModel)
        let c = model.config
        let estimate = MemoryEstimate(config: c, fileSize: model.file.fileSize)
        XCTAssertEqual(estimate.weights, 740_192)
        // The tiny model's context (64) is below the default of 4096: the whole of it counts.
        XCTAssertEqual(estimate.context, 64)
        XCTAssertEqual(estimate.kvCache, 4 * 64 * 2 * (16 + 16) * 4)
        XCTAssertGreaterThan(estimate.activations, 64 * (6 * 64 + 3 * 128) * 4)
        XCTAssertLessThan(estimate.activations, estimate.weights)
        XCTAssertEqual(estimate.total, estimate.weights + estimate.kvCache + estimate.activations)
        XCTAssertEqual(MemoryEstimate(config: c, fileSize: 0, context: 16).kvCache, 4 * 16 * 2 * 32 * 4)
        // Absurd shapes saturate instead of overflowing.
        var absurd = c
        absurd.layerCount = 1 << 23
        absurd.kvHeadCount = 1 << 23
        absurd.headDim = 1 << 23
        XCTAssertEqual(MemoryEstimate(config: absurd, fileSize: 1 << 40).total, Int.max)
    }

    func testTheDefaultModelsEstimateIsModest() throws {
        let path = ModelStoreFixture.defaultModel
        guard let path else { throw XCTSkip("default model not installed: run scripts/install") }
        let model = try GemmaModel(path: path)
        let estimate = MemoryEstimate(config: model.config, fileSize: model.file.fileSize)
        XCTAssertEqual(estimate.context, 4096)                              // of 32768
        XCTAssertEqual(estimate.kvCache, 18 * 4096 * 1 * (256 + 256) * 4)   // 144 MB
        XCTAssertLessThan(estimate.total, 1 << 30)                          // fits a 1 GB Pi
    }

    func testRefusedWhenOverTheLimitWithTheEstimateInTheMessage() throws {
        let model = try GemmaModel(path: Paths.tinyModel)
        let estimate = MemoryEstimate(config: model.config, fileSize: model.file.fileSize)
        XCTAssertNoThrow(try estimate.check(file: "tiny.gguf", environment: ["GEMMA_MEMORY_LIMIT": "1G"]))
        XCTAssertThrowsError(try estimate.check(file: "tiny.gguf", environment: ["GEMMA_MEMORY_LIMIT": "100K"])) { error in
            XCTAssertEqual(error as? GemmaError, .insufficientMemory(file: "tiny.gguf", estimate: estimate, available: 102_400,
                                                                    source: "GEMMA_MEMORY_LIMIT=100K"))
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("tiny.gguf: needs about \(MemoryEstimate.format(estimate.total)) ("), text)
            XCTAssertTrue(text.contains("weights 723 KB + KV cache for 64 tokens 64 KB + activations for 64 tokens"), text)
            XCTAssertTrue(text.hasSuffix("but only 100 KB is available (GEMMA_MEMORY_LIMIT=100K); not loading it"), text)
        }
    }

    func testAvailableMemoryComesFromTheLimitOrProcMeminfo() throws {
        let limited = try XCTUnwrap(MemoryEstimate.available(environment: ["GEMMA_MEMORY_LIMIT": "2GiB"]))
        XCTAssertEqual(limited.bytes, 2 << 30)
        #if os(Linux)
        let system = try XCTUnwrap(MemoryEstimate.available(environment: [:]))
        XCTAssertEqual(system.source, "MemAvailable in /proc/meminfo")
        XCTAssertGreaterThan(system.bytes, 1 << 20)
        // An unreadable limit falls back to the system's figure.
        XCTAssertEqual(MemoryEstimate.available(environment: ["GEMMA_MEMORY_LIMIT": "lots"])?.source, system.source)
        #endif
    }

    func testSizes() {
        XCTAssertEqual(MemoryEstimate.parseSize("123"), 123)
        XCTAssertEqual(MemoryEstimate.parseSize("512M"), 512 << 20)
        XCTAssertEqual(MemoryEstimate.parseSize("1.5G"), 3 << 29)
        XCTAssertEqual(MemoryEstimate.parseSize("2GiB"), 2 << 30)
        XCTAssertEqual(MemoryEstimate.parseSize(" 4gb "), 4 << 30)
        XCTAssertEqual(MemoryEstimate.parseSize("8k"), 8192)
        for bad in ["", "G", "abc", "-1", "1e30", "nan", "inf", "12Q"] {
            XCTAssertNil(MemoryEstimate.parseSize(bad), bad)
        }
        XCTAssertEqual(MemoryEstimate.format(1000), "1000 bytes")
        XCTAssertEqual(MemoryEstimate.format(740_192), "723 KB")
        XCTAssertEqual(MemoryEstimate.format(3 << 29), "1.5 GB")
    }
}

enum ModelStoreFixture {
    static var defaultModel: String? {
        let path = ModelStore.cacheDirectory() + "/" + ModelStore.defaultModelName
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}
