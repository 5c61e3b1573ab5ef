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
        func note(_ label: String, _ value: Any, _ key: String) {
            sources.append(ConfigSource(name: label, value: "\(value)", key: key))
        }
        func positive(_ label: String, _ key: String, default fallback: Int? = nil) throws -> Int {
            let fullKey = "\(arch).\(key)"
            guard let value = try file.optionalInt(fullKey) ?? fallback else {
                throw GemmaError.badHyperparameter(file: name, key: fullKey, value: "missing", reason: "required")
            }
            guard value > 0, value < 1 << 24 else {
                throw GemmaError.badHyperparameter(file: name, key: fullKey, value: "\(value)", reason: "must be between 1 and 2^24")
            }
            note(label, value, file[fullKey] == nil ? "(default)" : fullKey)
            return value
        }

        let layers = try positive("layers", "block_count")
        let width = try positive("d_model", "embedding_length")
        let ffn = try positive("ffn width", "feed_forward_length")
        let heads = try positive("heads", "attention.head_count")
        let kvHeads = try positive("kv heads", "attention.head_count_kv", default: heads)
        guard heads % kvHeads == 0 else {
            throw GemmaError.badHyperparameter(file: name, key: "\(arch).attention.head_count_kv", value: "\(kvHeads)",
                                               reason: "does not divide the \(heads) query heads")
        }
        let headDim = try positive("head dim", "attention.key_length", default: width / heads)
        let valueDim = try positive("value dim", "attention.value_length", default: headDim)
        let context = try positive("context", "context_length")
        let epsKey = "\(arch).attention.layer_norm_rms_epsilon"
        let eps = try file.optionalFloat(epsKey) ?? 1e-6
        guard eps.isFinite, eps > 0, eps < 1 else {
            throw GemmaError.badHyperparameter(file: name, key: epsKey, value: "\(eps)", reason: "must be in (0, 1)")
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
            throw GemmaError.badHyperparameter(file: name, key: scaleKey, value: "\(factor)", reason: "must be positive")
        }
        if file[scaleKey] != nil { note("rope scaling (global)", factor, scaleKey) }
        let bases = kinds.map { $0 == .global ? globalBase : localBase }
        let scales = kinds.map { $0 == .global ? 1 / factor : 1 }
        for base in [globalBase, localBase] where !(base.isFinite && base > 1) {
            throw GemmaError.badHyperparameter(file: name, key: baseKey, value: "\(base)", reason: "must be greater than 1")
        }

        // Soft-caps (Gemma 2 report §2: cap * tanh(x / cap)).
        func cap(_ key: String, _ fallback: Float?) throws -> Float? {
            let fullKey = "\(arch).\(key)"
            let value = try file.optionalFloat(fullKey) ?? fallback
            if let value {
                guard value.isFinite, value > 0 else {
                    throw GemmaError.badHyperparameter(file: name, key: fullKey, value: "\(value)", reason: "must be positive")
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
            queryScale = 1 / Float(width / heads).squareRoot()
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
        return (config, sources)
    }
}
