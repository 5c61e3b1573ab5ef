// The logit lens: the final norm, the tied unembedding and the final soft-cap applied to the
// residual stream after each layer, showing what the model "would say" at that depth.
import Foundation
import Gemma

/// Top tokens per layer and position.
public struct LogitLens: Sendable {
    public struct Entry: Sendable {
        public let token: Int
        public let piece: String
        public let probability: Float
    }
    /// Row labels: "embed", "0", "1", … (the residual after that layer).
    public let stages: [String]
    public let pieces: [String]
    /// [stage][position] → top-k entries.
    public let top: [[[Entry]]]
    /// [stage][position]: probability the stage gives to the final top-1 token at that position.
    public let finalTokenProbability: [[Float]]
    /// The first residual (or the logits) holding a NaN or an infinity, and the flat index of
    /// that number (Trace.firstNonFinite); nil when all are finite. Stages from there on read
    /// garbage.
    public let firstNonFinite: (hook: String, index: Int)?

    /// Runs `tokens` capturing every residual and reads each through the unembedding.
    public static func run(_ transformer: Transformer, tokens: [Int], k: Int = 5) throws -> LogitLens {
        let model = transformer.model
        let c = model.config
        guard k >= 1 else { throw InspectError.mismatch("the logit lens needs k of 1 or more, got \(k)") }
        let trace = try Tracer.run(transformer, tokens: tokens, capture: HookSelector(["hook_embed", "blocks.*.hook_resid_post"]))
        var residuals: [(String, Tensor)] = [("embed", try trace.value(.embed))]
        for layer in 0..<c.layerCount { residuals.append(("\(layer)", try trace.value(.block(layer, .residPost)))) }
        let finalTop = (0..<tokens.count).map { position -> Int in
            Sampler.argmax(Array(trace.logits.data[position * c.vocabularySize ..< (position + 1) * c.vocabularySize]))
        }
        var top: [[[Entry]]] = []
        var finalProbability: [[Float]] = []
        for (_, residual) in residuals {
            if interruptRequested.load(ordering: .relaxed) { throw GemmaError.interrupted }
            let logits = transformer.unembed(residual)
            var stageTop: [[Entry]] = []
            var stageFinal: [Float] = []
            for position in 0..<tokens.count {
                let row = logits.data[position * c.vocabularySize ..< (position + 1) * c.vocabularySize]
                let probabilities = softmaxRow(row)
                let best = Tensor(shape: [c.vocabularySize], data: Array(row)).topK(k)
                stageTop.append(best.map { Entry(token: $0.index, piece: model.tokenizer.piece($0.index),
                                                 probability: Float(probabilities[$0.index])) })
                stageFinal.append(Float(probabilities[finalTop[position]]))
            }
            top.append(stageTop)
            finalProbability.append(stageFinal)
        }
        return LogitLens(stages: residuals.map(\.0), pieces: trace.pieces, top: top, finalTokenProbability: finalProbability,
                         firstNonFinite: trace.firstNonFinite())
    }

    /// A table: one row per stage, one column per position, the top-1 piece in each cell
    /// ("nan" where the stage's logits are all NaN).
    public func table(maxPositions: Int = 12) -> (header: [String], rows: [[String]]) {
        let first = max(0, pieces.count - maxPositions)
        let header = ["layer"] + pieces[first...].map { Self.visible($0) }
        let rows = stages.indices.map { stage in
            [stages[stage]] + (first..<pieces.count).map { position in
                // no entry when every logit of the cell is NaN (topK never takes NaN)
                guard let entry = top[stage][position].first else { return "nan" }
                return "\(Self.visible(entry.piece)) \(String(format: "%.2f", entry.probability))"
            }
        }
        return (header, rows)
    }

    /// Makes a piece readable in a table: ▁ shown as a space marker, control characters escaped.
    public static func visible(_ piece: String) -> String {
        var out = ""
        for scalar in piece.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\x%02x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
