// Greedy generation on the real Gemma 3 270M against llama.cpp (README section 6), sampling,
// and the Ollama model store.
import Foundation
import Gemma
import XCTest

final class GenerationTests: XCTestCase {
    func defaultModel() throws -> GemmaModel {
        guard let path = Fixtures.defaultModel else { throw XCTSkip("default model not installed: run scripts/install") }
        return try GemmaModel(path: path)
    }

    func testGreedyGenerationMatchesLlamaCpp() throws {
        let model = try defaultModel()
        let generator = Generator(transformer: Transformer(model: model, threads: 2))
        var differences: [Double] = []
        for case_ in try Fixtures.jsonLines("generation_gemma3_270m.jsonl") {
            let prompt = case_["prompt"] as! String
            let promptIds = case_["prompt_ids"] as! [Int]
            let expected = case_["generated_ids"] as! [Int]
            let margins = case_["top1_margins"] as! [Double]
            XCTAssertEqual(model.tokenizer.encode(prompt, addSpecial: true, parseSpecial: true), promptIds, prompt)

            // The logits at the last prompt position, against llama.cpp's top 10. No
            // implementation short of ggml's exact summation order can match these closely: one
            // activation landing on the other side of a rounding tie grows into a shift of up to
            // ~0.9 by the last layer. llama.cpp's own AVX2 build misses these AVX-512 goldens by
            // mean 0.22, max 0.91; we by mean 0.25, max 0.74 (docs/fidelity.md). The layer-by-layer
            // agreement is checked tightly in Gemma3LayerTests.
            let logits = try Transformer(model: model, threads: 2).forward(promptIds, cache: KVCache(config: model.config, contextLength: 512))
            for pair in case_["top10_last_prompt"] as! [[Double]] {
                let difference = abs(Double(logits.data[Int(pair[0])]) - pair[1])
                XCTAssertLessThan(difference, 0.8, "\(prompt): token \(Int(pair[0]))")
                differences.append(difference)
            }

            // Greedy steps agree up to the first near-tie (margin < 0.2), where either choice is right.
            let comparable = margins.firstIndex { $0 < 0.2 } ?? expected.count
            let result = try generator.generate(promptIds: promptIds, maxTokens: comparable,
                                                sampler: SamplerSettings(temperature: 0),
                                                cache: KVCache(config: model.config, contextLength: 512))
            XCTAssertEqual(result.generatedIds, Array(expected.prefix(comparable)), "\(prompt) (first \(comparable) steps)")
        }
        // Mean over all 60 logits: ours 0.25; llama.cpp's AVX2 build 0.22; nudging llama.cpp's
        // own embeddings by one ulp moves these logits by 0.23 on average (up to 0.84).
        XCTAssertEqual(differences.count, 60)
        XCTAssertLessThan(differences.reduce(0, +) / Double(max(differences.count, 1)), 0.35, "mean |difference|")
    }

    func testGenerationWritesEnglish() throws {
        let model = try defaultModel()
        let generator = Generator(transformer: Transformer(model: model, threads: 2))
        let ids = model.tokenizer.encode("The three primary colors are", addSpecial: true, parseSpecial: true)
        var streamed = ""
        let result = try generator.generate(promptIds: ids, maxTokens: 24, sampler: SamplerSettings(temperature: 0),
                                            cache: KVCache(config: model.config, contextLength: 256)) { streamed += $0 }
        XCTAssertEqual(streamed, result.text)
        let words = result.text.split(whereSeparator: { !$0.isLetter }).map { $0.lowercased() }
        let common: Set<String> = ["the", "and", "red", "blue", "yellow", "green", "are", "of", "is", "a", "colors", "color"]
        XCTAssertGreaterThanOrEqual(words.filter(common.contains).count, 3, result.text)
        XCTAssertGreaterThan(result.stats.generateRate, 0)
        XCTAssertTrue(result.stats.report.contains("eval rate:"))
    }

    func testSamplingIsSeededAndRespectsTopK() {
        var logits = [Float](repeating: -10, count: 100)
        logits[7] = 5; logits[8] = 4.9; logits[9] = 4.8
        var a = Sampler(SamplerSettings(temperature: 1, topK: 2, topP: 1, minP: 0, seed: 42))
        var b = Sampler(SamplerSettings(temperature: 1, topK: 2, topP: 1, minP: 0, seed: 42))
        var seen = Set<Int>()
        for _ in 0..<200 {
            let x = a.sample(logits, history: []), y = b.sample(logits, history: [])
            XCTAssertEqual(x, y)
            seen.insert(x)
        }
        XCTAssertEqual(seen, [7, 8])
        var greedy = Sampler(SamplerSettings(temperature: 0, repetitionPenalty: 2))
        XCTAssertEqual(greedy.sample(logits, history: [7]), 8)  // 5 / 2 < 4.9
    }

    func testLargestLogitsEqualAFullSort() {
        var random = SeededGenerator(seed: 7)
        for size in [1, 10, 5000] {
            // Few distinct values, so there are many ties; and a NaN.
            var logits = (0..<size).map { _ in Float(random.next() % 50) / 4 }
            if size > 1 { logits[size / 2] = .nan }
            let sorted = logits.indices.filter { !logits[$0].isNaN }
                .sorted { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }
            for k in [0, 1, 3, 40, size / 2, size] {
                XCTAssertEqual(Sampler.largest(logits, k), Array(sorted.prefix(k)), "size \(size) k \(k)")
            }
        }
    }

    func testOllamaStoreLookup() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ollama-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let digest = String(repeating: "ab", count: 32)
        try FileManager.default.createDirectory(atPath: root + "/manifests/registry.ollama.ai/library/gemma2", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/blobs", withIntermediateDirectories: true)
        let manifest = """
        {"schemaVersion":2,"layers":[{"mediaType":"application/vnd.ollama.image.license","digest":"sha256:\(String(repeating: "cd", count: 32))"},
        {"mediaType":"application/vnd.ollama.image.model","digest":"sha256:\(digest)","size":3}]}
        """
        try manifest.write(toFile: root + "/manifests/registry.ollama.ai/library/gemma2/2b", atomically: true, encoding: .utf8)
        try "GGUF".write(toFile: root + "/blobs/sha256-\(digest)", atomically: true, encoding: .utf8)
        let environment = ["OLLAMA_MODELS": root, "HOME": "/nonexistent"]
        XCTAssertEqual(try ModelStore.resolve("gemma2:2b", environment: environment), root + "/blobs/sha256-\(digest)")
        // With no --model and no GEMMA_MODEL, Ollama's gemma2:2b comes before the default model.
        XCTAssertEqual(try ModelStore.resolve(nil, environment: environment), root + "/blobs/sha256-\(digest)")
        XCTAssertThrowsError(try ModelStore.resolve("gemma2", environment: environment)) { error in
            XCTAssertTrue("\(error)".contains("gemma2:latest"), "\(error)")
        }
        XCTAssertEqual(try ModelStore.resolve(nil, environment: environment.merging(["GEMMA_MODEL": Fixtures.path("tiny-gemma2-f32.gguf")]) { $1 }),
                       Fixtures.path("tiny-gemma2-f32.gguf"))
    }
}
