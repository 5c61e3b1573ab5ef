// Configuration as data: what each fixture's metadata says, and Gemma 3's own rules.
import Foundation
import Gemma
import XCTest

final class ConfigTests: XCTestCase {
    func testGemma2FixtureConfiguration() throws {
        let model = try GemmaModel(path: Fixtures.path("tiny-gemma2-f32.gguf"))
        let c = model.config
        XCTAssertEqual(c.architecture, "gemma2")
        XCTAssertEqual([c.layerCount, c.modelWidth, c.feedForwardWidth, c.headCount, c.kvHeadCount, c.headDim, c.contextLength],
                       [4, 64, 128, 4, 2, 16, 64])
        XCTAssertEqual(c.layerKinds, [.local(window: 4), .global, .local(window: 4), .global])
        XCTAssertEqual(c.attentionSoftCap, 5)
        XCTAssertEqual(c.finalSoftCap, 3)
        XCTAssertEqual(c.queryScale, 0.25)
        XCTAssertEqual(c.embeddingScale, 8)
        XCTAssertFalse(c.hasQKNorm)
        XCTAssertTrue(c.hasPostNorms)
        XCTAssertEqual(c.vocabularySize, 512)
        XCTAssertTrue(model.configSources.contains { $0.key == "gemma2.attn_logit_softcapping" && $0.value == "5.0" })
    }

    func testGemma3DefaultModelConfiguration() throws {
        guard let path = Fixtures.defaultModel else { throw XCTSkip("default model not installed: run scripts/install") }
        let c = try GemmaModel(path: path).config
        XCTAssertEqual(c.architecture, "gemma3")
        XCTAssertEqual([c.layerCount, c.modelWidth, c.headCount, c.kvHeadCount, c.headDim], [18, 640, 4, 1, 256])
        XCTAssertEqual(c.layerKinds.indices.filter { c.layerKinds[$0] == .global }, [5, 11, 17])
        XCTAssertEqual(c.layerKinds[0], .local(window: 512))
        XCTAssertEqual(c.ropeBases[0], 10_000)
        XCTAssertEqual(c.ropeBases[5], 1_000_000)
        XCTAssertNil(c.attentionSoftCap)
        XCTAssertNil(c.finalSoftCap)
        XCTAssertTrue(c.hasQKNorm)
        XCTAssertEqual(c.vocabularySize, 262_144)
    }
}
