// Choosing the next token from logits: greedy, or temperature with top-k, top-p and min-p,
// a repetition penalty, and a seeded generator — llama.cpp's sampler chain, in its order
// (penalties → top-k → top-p → min-p → temperature → draw).
import SeededRandom
import Foundation

/// Sampling settings. `temperature == 0` means greedy (argmax; ties go to the lowest id).
public struct SamplerSettings: Sendable, Equatable {
    public var temperature: Float = 0
    public var topK: Int = 40
    public var topP: Float = 0.95
    public var minP: Float = 0.05
    public var repetitionPenalty: Float = 1
    public var penaltyWindow: Int = 64
    public var seed: UInt64 = 0

    public init(temperature: Float = 0, topK: Int = 40, topP: Float = 0.95, minP: Float = 0.05,
                repetitionPenalty: Float = 1, penaltyWindow: Int = 64, seed: UInt64 = 0) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.repetitionPenalty = repetitionPenalty
        self.penaltyWindow = penaltyWindow
        self.seed = seed
    }
}

/// The sampler's seedable generator (SplitMix64), so that runs can be repeated.
public typealias SeededGenerator = SplitMix64

/// Picks tokens from logits with fixed settings and its own random state.
public struct Sampler: Sendable {
    public let settings: SamplerSettings
    private var random: SeededGenerator

    public init(_ settings: SamplerSettings) {
        self.settings = settings
        random = SeededGenerator(seed: settings.seed)
    }

    /// The index of the largest value; ties go to the lowest index.
    public static func argmax(_ logits: [Float]) -> Int {
        var best = 0
        for i in 1..<max(logits.count, 1) where logits[i] > logits[best] { best = i }
        return best
    }

    /// The indices of the `k` largest logits, largest first (ties: lowest index); NaN never
    /// enters. A small `k` keeps a sorted list of the best so far in one pass, so the 262,144
    /// logits of a Gemma 3 vocabulary are not sorted for every token.
    public static func largest(_ logits: [Float], _ k: Int) -> [Int] {
        let k = min(max(0, k), logits.count)
        guard k > 0 else { return [] }
        if k * 64 > logits.count {
            var all = logits.indices.filter { !logits[$0].isNaN }
            all.sort { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }
            return Array(all.prefix(k))
        }
        var best: [Int] = []
        best.reserveCapacity(k + 1)
        logits.withUnsafeBufferPointer { values in
            for i in 0..<values.count {
                let v = values[i]
                if v.isNaN || (best.count == k && !(v > values[best[k - 1]])) { continue }
                var position = best.count
                while position > 0 && values[best[position - 1]] < v { position -= 1 }
                best.insert(i, at: position)
                if best.count > k { best.removeLast() }
            }
        }
        return best
    }

    /// Picks the next token given the logits and the tokens so far (for the penalty).
    public mutating func sample(_ logits: [Float], history: [Int]) -> Int {
        var logits = logits
        if settings.repetitionPenalty != 1 {
            for token in Set(history.suffix(settings.penaltyWindow)) where token >= 0 && token < logits.count {
                let value = logits[token]
                logits[token] = value > 0 ? value / settings.repetitionPenalty : value * settings.repetitionPenalty
            }
        }
        if settings.temperature <= 0 { return Self.argmax(logits) }

        // Candidates sorted by logit, cut by top-k.
        let k = settings.topK > 0 ? min(settings.topK, logits.count) : logits.count
        var candidates = Self.largest(logits, k)
        guard !candidates.isEmpty else { return Self.argmax(logits) }

        // Probabilities (at temperature 1) for top-p and min-p.
        let maximum = logits[candidates[0]]
        var probabilities = candidates.map { expf(logits[$0] - maximum) }
        var total = probabilities.reduce(0, +)
        if settings.topP < 1 {
            var cumulative: Float = 0
            var keep = candidates.count
            for (i, p) in probabilities.enumerated() {
                cumulative += p / total
                if cumulative >= settings.topP { keep = i + 1; break }
            }
            candidates = Array(candidates.prefix(keep))
            probabilities = Array(probabilities.prefix(keep))
        }
        if settings.minP > 0 {
            let threshold = probabilities[0] * settings.minP
            let keep = max(1, probabilities.prefix { $0 >= threshold }.count)
            candidates = Array(candidates.prefix(keep))
        }

        // Temperature, then a draw.
        let weights = candidates.map { expf((logits[$0] - maximum) / settings.temperature) }
        total = weights.reduce(0, +)
        var target = Float(Double(random.next() >> 11) / Double(1 << 53)) * total
        for (i, weight) in weights.enumerated() {
            target -= weight
            if target <= 0 { return candidates[i] }
        }
        return candidates[candidates.count - 1]
    }
}
