// Reading ModelConfig from GGUF metadata, recording which key each value came from.
import Foundation
import GGUF

extension ModelConfig {
    /// Reads the configuration of a gemma, gemma2 or gemma3 GGUF. `sources` lists each value
    /// with its key for `gemma-repl info`.
    public static func read(from file: GGUFFile) throws -> (ModelConfig, [ConfigSource]) {
        let name = (file.path as NSString).lastPathComponent
        let arch = try file.string("general.architecture")
        guard let defaults = ArchitectureDefaults.forArchitecture(arch) else {
            throw GemmaError.unsupportedArchitecture(file: name, found: arch)
        }
        var sources: [ConfigSource] = [ConfigSource(name: "architecture", value: arch, key: "general.architecture")]
        func bad(_ key: String, _ value: String, _ reason: String) -> GemmaError {
            .badHyperparameter(file: name, offset: file.valueOffset(ofKey: key), key: key, value: value, reason: reason)
        }
        func note(_ label: String, _ value: Any, _ key: String) {
            sources.append(ConfigSource(name: label, value: "\(value)", key: key))
        }
        func positive(_ label: String, _ key: String, default fallback: Int? = nil) throws -> Int {
            let fullKey = "\(arch).\(key)"
            guard let value = try file.optionalInt(fullKey) ?? fallback else {
                throw bad(fullKey, "missing", "required")
            }
            guard value > 0, value < 1 << 24 else {
                throw bad(fullKey, "\(value)", "must be between 1 and 2^24")
            }
            note(label, value, file[fullKey] == nil ? "(default)" : fullKey)
            return value
        }

        let layers = try positive("layers", "block_count")
        let blocks = presentBlocks(in: file)
        guard layers <= blocks else {
            throw bad("\(arch).block_count", "\(layers)", blocks == 0 ? "the file has no block tensors (blk.N.*)"
                        : "the file has tensors for blocks 0...\(blocks - 1) only")
        }
        let width = try positive("d_model", "embedding_length")
        let ffn = try positive("ffn width", "feed_forward_length")
        let heads = try positive("heads", "attention.head_count")
        let kvHeads = try positive("kv heads", "attention.head_count_kv", default: heads)
        guard heads % kvHeads == 0 else {
            throw bad("\(arch).attention.head_count_kv", "\(kvHeads)", "does not divide the \(heads) query heads")
        }
        let headDim = try positive("head dim", "attention.key_length", default: width / heads)
        let valueDim = try positive("value dim", "attention.value_length", default: headDim)
        let context = try positive("context", "context_length")
        let epsKey = "\(arch).attention.layer_norm_rms_epsilon"
        let eps = try file.optionalFloat(epsKey) ?? 1e-6
        guard eps.isFinite, eps > 0, eps < 1 else {
            throw bad(epsKey, "\(eps)", "must be in (0, 1)")
        }
        note("rms epsilon", eps, file[epsKey] == nil ? "(default)" : epsKey)

        // Local and global layers.
        var kinds = [AttentionKind](repeating: .global, count: layers)
        if let period = defaults.localPeriod {
            let window = try positive("sliding window", "attention.sliding_window", default: defaults.defaultWindow)
            for layer in 0..<layers where layer % period < defaults.localCount {
                kinds[layer] = .local(window: window)
            }
            note("local layers", kinds.indices.filter { kinds[$0] != .global }.map(String.init).joined(separator: ","),
                 "(\(arch): layer % \(period) < \(defaults.localCount))")
        }

        // RoPE bases and scaling.
        let baseKey = "\(arch).rope.freq_base"
        let globalBase = try file.optionalFloat(baseKey) ?? 10_000
        note("rope base", globalBase, file[baseKey] == nil ? "(default)" : baseKey)
        let swaKey = "\(arch).rope.freq_base_swa"
        let localBase = try file.optionalFloat(swaKey) ?? defaults.localRopeBase ?? globalBase
        if localBase != globalBase { note("rope base (local)", localBase, file[swaKey] == nil ? "(\(arch) default)" : swaKey) }
        let scaleKey = "\(arch).rope.scaling.factor"
        let factor = try file.optionalFloat(scaleKey) ?? 1
        guard factor.isFinite, factor > 0 else {
            throw bad(scaleKey, "\(factor)", "must be positive")
        }
        if file[scaleKey] != nil { note("rope scaling (global)", factor, scaleKey) }
        let bases = kinds.map { $0 == .global ? globalBase : localBase }
        let scales = kinds.map { $0 == .global ? 1 / factor : 1 }
        for (key, base) in [(baseKey, globalBase), (swaKey, localBase)] where !(base.isFinite && base > 1) {
            throw bad(file[key] == nil ? baseKey : key, "\(base)", "must be greater than 1")
        }

        // Soft-caps (Gemma 2 report §2: cap * tanh(x / cap)).
        func cap(_ key: String, _ fallback: Float?) throws -> Float? {
            let fullKey = "\(arch).\(key)"
            let value = try file.optionalFloat(fullKey) ?? fallback
            if let value {
                guard value.isFinite, value > 0 else {
                    throw bad(fullKey, "\(value)", "must be positive")
                }
                note(key == "attn_logit_softcapping" ? "attention soft-cap" : "final soft-cap", value,
                     file[fullKey] == nil ? "(\(arch) default)" : fullKey)
            }
            return value
        }
        let attentionCap = try cap("attn_logit_softcapping", defaults.attentionSoftCap)
        let finalCap = try cap("final_logit_softcapping", defaults.finalSoftCap)

        let queryScale: Float
        if layers == defaults.largeModelLayerCount {
            queryScale = 1 / Float(max(1, width / heads)).squareRoot()
            note("query scale", queryScale, "1/sqrt(d_model/heads) (\(layers)-layer model)")
        } else {
            queryScale = 1 / Float(headDim).squareRoot()
            note("query scale", queryScale, "1/sqrt(head dim)")
        }

        let tokens = try file.stringArray("tokenizer.ggml.tokens")
        guard !tokens.isEmpty else { throw GemmaError.vocabulary(file: name, reason: "tokenizer.ggml.tokens is empty") }
        note("vocabulary", tokens.count, "tokenizer.ggml.tokens")

        let config = ModelConfig(
            architecture: arch, layerCount: layers, modelWidth: width, feedForwardWidth: ffn,
            headCount: heads, kvHeadCount: kvHeads, headDim: headDim, valueDim: valueDim,
            contextLength: context, rmsEpsilon: eps, vocabularySize: tokens.count,
            layerKinds: kinds, ropeBases: bases, ropeScales: scales,
            attentionSoftCap: attentionCap, finalSoftCap: finalCap, queryScale: queryScale,
            embeddingScale: Float(width).squareRoot(),
            hasQKNorm: file.tensor(named: "blk.0.attn_q_norm.weight") != nil,
            hasPostNorms: file.tensor(named: "blk.0.post_attention_norm.weight") != nil)
        note("qk norm", config.hasQKNorm, "(tensor blk.0.attn_q_norm.weight)")
        note("post norms", config.hasPostNorms, "(tensor blk.0.post_attention_norm.weight)")
        try config.checkAgainstTensors(of: file, name: name)
        return (config, sources)
    }

    /// One more than the highest N of the `blk.N.*` tensors in the file.
    static func presentBlocks(in file: GGUFFile) -> Int {
        var blocks = 0
        for tensor in file.tensors where tensor.name.hasPrefix("blk.") {
            let number = tensor.name.dropFirst(4).prefix { $0 != "." }
            if let block = Int(number), block >= 0, block < 1 << 24 { blocks = max(blocks, block + 1) }
        }
        return blocks
    }

    /// Compares the hyperparameters with the tensors the file holds, so that a wrong value is
    /// reported by its key before any weight is read: the embedding's width and rows, and the
    /// projections of block 0. (`ModelWeights.load` then checks every tensor.)
    func checkAgainstTensors(of file: GGUFFile, name: String) throws {
        let prefix = architecture + "."
        func bad(_ key: String, _ value: String, _ reason: String) -> GemmaError {
            .badHyperparameter(file: name, offset: file.valueOffset(ofKey: key), key: key, value: value, reason: reason)
        }
        if let embedding = file.tensor(named: "token_embd.weight"), embedding.shape.count == 2 {
            guard embedding.shape[0] == modelWidth else {
                throw bad(prefix + "embedding_length", "\(modelWidth)",
                          "token_embd.weight has rows of \(embedding.shape[0]) (shape \(embedding.shape))")
            }
            guard embedding.shape[1] == vocabularySize else {
                throw GemmaError.vocabulary(
                    file: name, reason: "tokenizer.ggml.tokens has \(vocabularySize) entries but token_embd.weight has \(embedding.shape[1]) rows")
            }
        }
        // Output widths of block 0's projections (GGUF shape [d_model, rows]). Which of two
        // factors is wrong cannot be told, so the message names both keys.
        let projections: [(tensor: String, factors: [(key: String, value: Int)])] = [
            ("attn_q.weight", [("attention.head_count", headCount), ("attention.key_length", headDim)]),
            ("attn_k.weight", [("attention.head_count_kv", kvHeadCount), ("attention.key_length", headDim)]),
            ("attn_v.weight", [("attention.head_count_kv", kvHeadCount), ("attention.value_length", valueDim)]),
            ("ffn_gate.weight", [("feed_forward_length", feedForwardWidth)]),
        ]
        for (tensor, factors) in projections {
            let rows = factors.reduce(1) { $0 * $1.value }
            guard let info = file.tensor(named: "blk.0." + tensor), info.shape.count == 2, info.shape[1] != rows else { continue }
            throw bad(factors.map { prefix + $0.key }.joined(separator: " × "),
                      factors.map { "\($0.value)" }.joined(separator: " × ") + (factors.count > 1 ? " = \(rows)" : ""),
                      "blk.0.\(tensor) has \(info.shape[1]) rows (shape \(info.shape))")
        }
    }
}
