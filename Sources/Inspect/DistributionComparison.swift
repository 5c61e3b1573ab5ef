// Comparing next-token distributions: the perplexity of a text under a model, and two models
// (or two quantizations of one) on the same text — per-position KL divergence, top-1
// agreement, and where they disagree most. This is the Gemma 2 report's distillation
// objective (§2.2.2: the student's KL to the teacher) made visible.
import Foundation
import Gemma

public struct Perplexity: Sendable {
    public let tokens: Int
    /// Negative log-likelihood of each predicted token (positions 1…).
    public let negativeLogLikelihoods: [Double]
    public var value: Double { exp(negativeLogLikelihoods.reduce(0, +) / Double(max(negativeLogLikelihoods.count, 1))) }

    public static func of(_ ids: [Int], _ transformer: Transformer) throws -> Perplexity {
        guard ids.count >= 2 else { throw InspectError.mismatch("perplexity needs at least two tokens") }
        let c = transformer.model.config
        let logits = try transformer.forward(ids, cache: KVCache(config: c, contextLength: ids.count), logits: .all)
        let vocab = c.vocabularySize
        var nll: [Double] = []
        for position in 0..<(ids.count - 1) {
            let p = softmaxRow(logits.data[position * vocab ..< (position + 1) * vocab])
            nll.append(-log(max(p[ids[position + 1]], 1e-300)))
        }
        return Perplexity(tokens: ids.count, negativeLogLikelihoods: nll)
    }
}

public struct DistributionComparison: Sendable {
    public struct Position: Sendable {
        public let position: Int
        public let kl: Double             // KL(reference ‖ candidate)
        public let referenceTop: Int
        public let candidateTop: Int
    }
    public let positions: [Position]
    public var meanKL: Double { positions.map(\.kl).reduce(0, +) / Double(max(positions.count, 1)) }
    public var topOneAgreement: Double {
        Double(positions.filter { $0.referenceTop == $0.candidateTop }.count) / Double(max(positions.count, 1))
    }
    /// Positions sorted by KL, largest first.
    public func worst(_ n: Int) -> [Position] { Array(positions.sorted { $0.kl > $1.kl }.prefix(n)) }

    /// Runs the same token ids through both models (which must share a vocabulary).
    public static func compare(reference: Transformer, candidate: Transformer, ids: [Int]) throws -> DistributionComparison {
        let a = reference.model.config, b = candidate.model.config
        guard a.vocabularySize == b.vocabularySize else {
            throw InspectError.mismatch("the models' vocabularies differ (\(a.vocabularySize) and \(b.vocabularySize) tokens)")
        }
        let left = try reference.forward(ids, cache: KVCache(config: a, contextLength: ids.count), logits: .all)
        let right = try candidate.forward(ids, cache: KVCache(config: b, contextLength: ids.count), logits: .all)
        let vocab = a.vocabularySize
        var positions: [Position] = []
        for t in 0..<ids.count {
            let p = left.data[t * vocab ..< (t + 1) * vocab], q = right.data[t * vocab ..< (t + 1) * vocab]
            positions.append(Position(position: t, kl: klDivergence(softmaxRow(p), softmaxRow(q)),
                                      referenceTop: Sampler.argmax(Array(p)), candidateTop: Sampler.argmax(Array(q))))
        }
        return DistributionComparison(positions: positions)
    }
}
