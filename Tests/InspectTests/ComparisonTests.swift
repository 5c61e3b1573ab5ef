// Distribution comparisons (a model with itself, two quantizations), perplexity, and the
// tensor statistics the language shows.
import Foundation
import Gemma
import Inspect
import XCTest

final class ComparisonTests: XCTestCase {
    func testAModelComparedWithItselfAgreesFully() throws {
        let model = try Fixtures.model("small-gemma2-f16.gguf")
        let comparison = try DistributionComparison.compare(reference: Transformer(model: model, threads: 1),
                                                            candidate: Transformer(model: model, threads: 1), ids: Fixtures.seq7)
        XCTAssertEqual(comparison.positions.count, 7)
        XCTAssertEqual(comparison.meanKL, 0)
        XCTAssertEqual(comparison.topOneAgreement, 1)
        XCTAssertTrue(comparison.positions.allSatisfy { $0.kl == 0 && $0.referenceTop == $0.candidateTop })
    }

    func testQuantizationsDiffer() throws {
        let f16 = Transformer(model: try Fixtures.model("small-gemma2-f16.gguf"), threads: 1)
        let q4 = Transformer(model: try Fixtures.model("small-gemma2-q4_0.gguf"), threads: 1)
        let comparison = try DistributionComparison.compare(reference: f16, candidate: q4, ids: Fixtures.seq7)
        XCTAssertGreaterThan(comparison.meanKL, 0)
        XCTAssertTrue(comparison.positions.allSatisfy { $0.kl >= 0 && $0.kl.isFinite })
        XCTAssertGreaterThanOrEqual(comparison.topOneAgreement, 0)
        XCTAssertLessThanOrEqual(comparison.topOneAgreement, 1)
        let worst = comparison.worst(3)
        XCTAssertEqual(worst.count, 3)
        XCTAssertEqual(worst[0].kl, comparison.positions.map(\.kl).max())
        XCTAssertGreaterThanOrEqual(worst[0].kl, worst[1].kl)
        // Independently: KL at position 0 from the two models' logits.
        let config = f16.model.config
        let p = try f16.forward(Fixtures.seq7, cache: KVCache(config: config, contextLength: 7), logits: .all)
        let q = try q4.forward(Fixtures.seq7, cache: KVCache(config: config, contextLength: 7), logits: .all)
        let expected = klDivergence(softmaxRow(p.data[0 ..< 512]), softmaxRow(q.data[0 ..< 512]))
        XCTAssertEqual(comparison.positions[0].kl, expected, accuracy: 1e-12)
    }

    func testComparingModelsWithDifferentVocabulariesIsAnError() throws {
        let tiny = try Fixtures.tiny()
        let gemma3 = try Fixtures.gemma3()
        XCTAssertThrowsError(try DistributionComparison.compare(reference: tiny, candidate: gemma3, ids: [2, 3])) { error in
            XCTAssertTrue("\(error)".contains("vocabularies differ"), "\(error)")
        }
    }

    func testPerplexityIsFiniteAndAboveOne() throws {
        let transformer = try Fixtures.tiny()
        let perplexity = try Perplexity.of(Fixtures.seq7, transformer)
        XCTAssertEqual(perplexity.tokens, 7)
        XCTAssertEqual(perplexity.negativeLogLikelihoods.count, 6)
        XCTAssertTrue(perplexity.value.isFinite)
        XCTAssertGreaterThan(perplexity.value, 1)
        // By hand from the logits.
        let logits = try transformer.forward(Fixtures.seq7, cache: KVCache(config: transformer.model.config, contextLength: 7), logits: .all)
        var total = 0.0
        for position in 0..<6 {
            total -= log(softmaxRow(logits.data[position * 512 ..< (position + 1) * 512])[Fixtures.seq7[position + 1]])
        }
        XCTAssertEqual(perplexity.value, exp(total / 6), accuracy: 1e-9 * perplexity.value)
        XCTAssertThrowsError(try Perplexity.of([2], transformer))
    }

    func testTensorStatistics() throws {
        let t = Tensor(shape: [2, 3], data: [1, -2, 3, 4, 0, -6])
        XCTAssertEqual(t.mean, 0)
        XCTAssertEqual(Double(t.standardDeviation), (66.0 / 6).squareRoot(), accuracy: 1e-6)
        XCTAssertEqual(t.minimum, -6)
        XCTAssertEqual(t.maximum, 4)
        XCTAssertEqual(Double(t.norm), 66.0.squareRoot(), accuracy: 1e-6)
        XCTAssertEqual(t.topK(2).map(\.index), [3, 2])
        XCTAssertEqual(t.rows(1..<2), Tensor(shape: [1, 3], data: [4, 0, -6]))
        XCTAssertEqual(try t.cosine(t), 1, accuracy: 1e-6)
        XCTAssertThrowsError(try t.cosine(Tensor(shape: [2], data: [1, 2])))
        XCTAssertEqual(try t.combined(with: Tensor(shape: [], data: [2]), *).data, [2, -4, 6, 8, 0, -12])
        XCTAssertThrowsError(try t.combined(with: Tensor(shape: [3, 2], data: [Float](repeating: 1, count: 6)), +)) { error in
            XCTAssertTrue("\(error)".contains("[2, 3]") && "\(error)".contains("[3, 2]"), "\(error)")
        }
        let histogram = t.histogram(bins: 5)
        XCTAssertEqual(histogram.counts.reduce(0, +), 6)
        XCTAssertEqual(histogram.edges.first, -6)
        XCTAssertEqual(histogram.edges.last, 4)
        XCTAssertNil(t.firstNonFinite)
        XCTAssertEqual(Tensor(shape: [3], data: [1, .nan, 2]).firstNonFinite, 1)
        XCTAssertTrue(t.summary.hasPrefix("Tensor[2×3] mean 0"), t.summary)
    }
}
