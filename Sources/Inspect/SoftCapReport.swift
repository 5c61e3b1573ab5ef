// What Gemma 2's logit soft-capping (cap · tanh(x / cap)) does in a run: how many attention
// scores and final logits it bent, by how much, the largest value before the cap, the KL
// divergence between the softmax before and after, and — from a second run without caps —
// whether the top-k order or the chosen token changed.
import Foundation
import Gemma

public struct SoftCapReport: Sendable {
    /// Effect of the cap on one set of values (one attention head of one layer, or the logits).
    public struct Effect: Sendable {
        public let label: String
        public let cap: Float
        /// Values considered (visible attention scores, or logits).
        public let count: Int
        /// Values the cap moved by more than `threshold`.
        public let bent: Int
        public let maxPrecap: Float
        /// Mean |before − after| over the values.
        public let meanDistortion: Float
        public let maxDistortion: Float
        /// Mean over rows of KL(softmax(before) ‖ softmax(after)).
        public let meanKL: Double
        /// Some of the values as the run saw them, before and after the cap: evenly spaced
        /// through the values, plus the largest in magnitude.
        public var samples: [Sample] = []
    }

    /// One value before the cap and what the cap made of it.
    public struct Sample: Sendable {
        public let before: Float
        public let after: Float
    }

    /// Samples kept per effect.
    static let samplesPerEffect = 24

    public let threshold: Float
    public let attention: [Effect]          // one per layer and head
    public let logits: Effect?
    /// Top-1 token at the last position with caps and without them.
    public let topTokenCapped: Int
    public let topTokenUncapped: Int
    /// Whether the top-k (k = 5) order at the last position differs between the runs.
    public let topKOrderChanged: Bool
    /// KL between the two runs' final next-token distributions, last position.
    public let klCappedVsUncapped: Double
    public let topKCapped: [Int]
    public let topKUncapped: [Int]

    /// Runs `tokens` with the caps and without them and measures the difference.
    public static func run(_ transformer: Transformer, tokens: [Int], threshold: Float = 0.1) throws -> SoftCapReport {
        let c = transformer.model.config
        let saved = transformer.options
        defer { transformer.options = saved }
        transformer.options.softCaps = true
        let trace = try Tracer.run(transformer, tokens: tokens,
                                   capture: HookSelector(["blocks.*.attn.hook_scores_precap", "blocks.*.attn.hook_attn_scores", "hook_logits_precap"]))
        transformer.options.softCaps = false
        let uncapped = try transformer.forward(tokens, cache: KVCache(config: c, contextLength: tokens.count), logits: .last)
        transformer.options = saved

        var attention: [Effect] = []
        if let cap = c.attentionSoftCap {
            for layer in 0..<c.layerCount {
                let pre = try trace.value(.block(layer, .scoresPrecap))
                let post = try trace.value(.block(layer, .attnScores))
                let (heads, queries, keys) = (pre.shape[0], pre.shape[1], pre.shape[2])
                for head in 0..<heads {
                    var before: [[Float]] = [], after: [[Float]] = []
                    for q in 0..<queries {
                        var b: [Float] = [], a: [Float] = []
                        for k in 0..<keys {
                            let i = (head * queries + q) * keys + k
                            if post.data[i] != -.infinity { b.append(pre.data[i]); a.append(post.data[i]) }
                        }
                        before.append(b); after.append(a)
                    }
                    attention.append(effect("layer \(layer) head \(head)", cap: cap, before: before, after: after, threshold: threshold))
                }
            }
        }
        var logitsEffect: Effect?
        if let cap = c.finalSoftCap {
            let pre = try trace.value(.logitsPrecap)
            let vocab = c.vocabularySize
            let rows = (0..<tokens.count).map { Array(pre.data[$0 * vocab ..< ($0 + 1) * vocab]) }
            let capped = (0..<tokens.count).map { Array(trace.logits.data[$0 * vocab ..< ($0 + 1) * vocab]) }
            logitsEffect = effect("final logits", cap: cap, before: rows, after: capped, threshold: threshold)
        }
        let vocab = c.vocabularySize
        let last = Array(trace.logits.data[(tokens.count - 1) * vocab ..< tokens.count * vocab])
        let topCapped = Tensor(shape: [vocab], data: last).topK(5).map(\.index)
        let topUncapped = uncapped.topK(5).map(\.index)
        return SoftCapReport(
            threshold: threshold, attention: attention, logits: logitsEffect,
            topTokenCapped: topCapped[0], topTokenUncapped: topUncapped[0],
            topKOrderChanged: topCapped != topUncapped,
            klCappedVsUncapped: klDivergence(softmaxRow(last[...]), softmaxRow(uncapped.data[...])),
            topKCapped: topCapped, topKUncapped: topUncapped)
    }

    static func effect(_ label: String, cap: Float, before: [[Float]], after: [[Float]], threshold: Float) -> Effect {
        var count = 0, bent = 0
        var maxPre: Float = 0, sumDistortion: Double = 0, maxDistortion: Float = 0, sumKL = 0.0, rows = 0
        let total = zip(before, after).reduce(0) { $0 + min($1.0.count, $1.1.count) }
        let stride = max(1, total / samplesPerEffect)
        var samples: [Sample] = [], largest: Sample?
        for (b, a) in zip(before, after) where !b.isEmpty {
            for (x, y) in zip(b, a) {
                if count % stride == 0 && samples.count < samplesPerEffect { samples.append(Sample(before: x, after: y)) }
                if abs(x) > abs(largest?.before ?? 0) { largest = Sample(before: x, after: y) }
                count += 1
                let distortion = abs(x - y)
                if distortion > threshold { bent += 1 }
                maxPre = max(maxPre, abs(x))
                sumDistortion += Double(distortion)
                maxDistortion = max(maxDistortion, distortion)
            }
            sumKL += klDivergence(softmaxRow(b[...]), softmaxRow(a[...]))
            rows += 1
        }
        return Effect(label: label, cap: cap, count: count, bent: bent, maxPrecap: maxPre,
                      meanDistortion: count > 0 ? Float(sumDistortion / Double(count)) : 0,
                      maxDistortion: maxDistortion, meanKL: rows > 0 ? sumKL / Double(rows) : 0,
                      samples: samples + (largest.map { [$0] } ?? []))
    }

    /// A plain-text report.
    public var text: String {
        var lines: [String] = []
        func row(_ e: Effect) -> String {
            let share = e.count > 0 ? 100 * Double(e.bent) / Double(e.count) : 0
            return "  " + e.label.padding(toLength: 22, withPad: " ", startingAt: 0)
                + String(format: " %7d of %-8d (%5.1f%%) max before %7.3f  mean |Δ| %.4f  max |Δ| %.3f  KL %.2e",
                         e.bent, e.count, share, e.maxPrecap, e.meanDistortion, e.maxDistortion, e.meanKL)
        }
        if let first = attention.first {
            lines.append("attention scores, cap \(first.cap): values bent by more than \(threshold)")
            lines += attention.map(row)
        } else {
            lines.append("attention scores: this model has no attention soft-cap")
        }
        if let logits {
            lines.append("final logits, cap \(logits.cap):")
            lines.append(row(logits))
        } else {
            lines.append("final logits: this model has no final soft-cap")
        }
        lines.append(summary)
        return lines.joined(separator: "\n")
    }

    /// The last line of the report: what turning the caps off changed.
    public var summary: String {
        ("without soft-caps: top token \(topTokenUncapped) (with: \(topTokenCapped))\(topTokenCapped == topTokenUncapped ? ", unchanged" : ", CHANGED"); top-5 order \(topKOrderChanged ? "changed" : "unchanged"); KL(capped ‖ uncapped) \(String(format: "%.3e", klCappedVsUncapped))")
    }
}
