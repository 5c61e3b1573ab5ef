// Text generation: the prompt in one batched forward pass, then one token at a time, streamed,
// stopping at <eos>, <end_of_turn> or a token limit, with timings as `ollama run --verbose` shows.
import Foundation
import SentencePiece

/// Why a generation ended.
public enum StopReason: String, Sendable {
    case endOfGeneration = "eog"
    case length
    case interrupted
}

/// Timing figures of one generation.
public struct GenerationStats: Sendable {
    public var loadSeconds: Double = 0
    public var promptTokens = 0
    public var promptSeconds: Double = 0
    public var generatedTokens = 0
    public var generateSeconds: Double = 0

    public var promptRate: Double { promptSeconds > 0 ? Double(promptTokens) / promptSeconds : 0 }
    public var generateRate: Double { generateSeconds > 0 ? Double(generatedTokens) / generateSeconds : 0 }

    /// The lines `ollama run --verbose` prints.
    public var report: String {
        func duration(_ seconds: Double) -> String {
            seconds >= 1 ? String(format: "%.3fs", seconds) : String(format: "%.2fms", seconds * 1000)
        }
        return """
        total duration:       \(duration(loadSeconds + promptSeconds + generateSeconds))
        load duration:        \(duration(loadSeconds))
        prompt eval count:    \(promptTokens) token(s)
        prompt eval duration: \(duration(promptSeconds))
        prompt eval rate:     \(String(format: "%.2f", promptRate)) tokens/s
        eval count:           \(generatedTokens) token(s)
        eval duration:        \(duration(generateSeconds))
        eval rate:            \(String(format: "%.2f", generateRate)) tokens/s
        """
    }
}

/// The outcome of a generation.
public struct Generation: Sendable {
    public var promptIds: [Int]
    public var generatedIds: [Int]
    public var text: String
    public var stop: StopReason
    public var stats: GenerationStats
}

/// The Gemma chat format (one user turn, then the model's turn).
public enum ChatFormat {
    public static func userTurn(_ message: String) -> String {
        "<start_of_turn>user\n\(message)<end_of_turn>\n<start_of_turn>model\n"
    }
}

/// Generates text with a transformer.
public struct Generator {
    public let transformer: Transformer
    public init(transformer: Transformer) { self.transformer = transformer }

    /// Generates up to `maxTokens` tokens after `promptIds`, calling `onText` with each piece of
    /// text as soon as it is complete UTF-8. `renderSpecial` shows control tokens as text.
    public func generate(promptIds: [Int], maxTokens: Int, sampler settings: SamplerSettings,
                         cache: KVCache? = nil, renderSpecial: Bool = false,
                         onText: (String) -> Void = { _ in }) throws -> Generation {
        let model = transformer.model
        let cache = cache ?? KVCache(config: model.config, contextLength: model.config.contextLength)
        guard promptIds.count <= cache.capacity - cache.count else {
            throw GemmaError.promptTooLong(tokens: promptIds.count, context: cache.capacity - cache.count)
        }
        var stats = GenerationStats()
        stats.loadSeconds = model.loadSeconds
        var sampler = Sampler(settings)
        var decoder = StreamingDecoder(tokenizer: model.tokenizer, renderSpecial: renderSpecial)
        let stops = model.endOfGeneration
        let limit = max(0, min(maxTokens, cache.capacity - cache.count - promptIds.count))

        var started = Date()
        var logits = try checkedForward(promptIds, cache: cache)
        stats.promptTokens = promptIds.count
        stats.promptSeconds = Date().timeIntervalSince(started)

        var history = promptIds
        var generated: [Int] = []
        var text = ""
        var stop = StopReason.length
        started = Date()
        while generated.count < limit {
            let token = sampler.sample(logits, history: history)
            generated.append(token)
            history.append(token)
            let piece = decoder.append(token)
            text += piece
            if !piece.isEmpty { onText(piece) }
            if stops.contains(token) { stop = .endOfGeneration; break }
            if generated.count == limit { break }
            do {
                logits = try checkedForward([token], cache: cache)
            } catch GemmaError.interrupted {
                stop = .interrupted
                break
            }
        }
        let tail = decoder.flush()
        if !tail.isEmpty { text += tail; onText(tail) }
        stats.generatedTokens = generated.count
        stats.generateSeconds = Date().timeIntervalSince(started)
        return Generation(promptIds: promptIds, generatedIds: generated, text: text, stop: stop, stats: stats)
    }

    /// `transformer.forward`, with the logits checked for NaN and infinity (a scan of one row,
    /// nothing next to the pass itself). Bad logits are never sampled from: the pass is run
    /// again from the same cache position with every hook point watched (`FiniteCheck`), and
    /// the first hook point that produced a non-finite value is named in `GemmaError.nonFinite`.
    private func checkedForward(_ tokens: [Int], cache: KVCache) throws -> [Float] {
        let start = cache.count
        let logits = try transformer.forward(tokens, cache: cache).data
        guard let index = FiniteCheck.firstNonFinite(logits) else { return logits }
        cache.truncate(to: start)
        _ = try FiniteCheck.forward(transformer, tokens, cache: cache)
        // Not reproduced with the hooks watched (it should be): name the logits themselves.
        throw GemmaError.nonFinite(hook: HookPoint.logits.name, index: index)
    }
}
