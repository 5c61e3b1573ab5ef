import Synchronization

// Hook points: every named intermediate value of the forward pass, named as TransformerLens
// names them, plus the Gemma 2 values no other tool exposes (scores and logits before the cap).

/// A place in one transformer block where a value can be observed or replaced.
public enum BlockHook: String, CaseIterable, Sendable {
    case residPre = "hook_resid_pre"                 // [positions, d_model]
    case ln1 = "ln1.hook_normalized"                 // [positions, d_model]
    case q = "attn.hook_q"                           // [positions, heads, head_dim], after RoPE
    case k = "attn.hook_k"                           // [positions, kv_heads, head_dim], after RoPE
    case v = "attn.hook_v"                           // [positions, kv_heads, value_dim]
    case scoresPrecap = "attn.hook_scores_precap"    // [heads, queries, keys], scaled, before soft-cap
    case attnScores = "attn.hook_attn_scores"        // [heads, queries, keys], after soft-cap and mask (-inf)
    case pattern = "attn.hook_pattern"               // [heads, queries, keys], softmax probabilities
    case z = "attn.hook_z"                           // [positions, heads, value_dim]
    case attnOut = "hook_attn_out"                   // [positions, d_model], after the post-attention norm
    case residMid = "hook_resid_mid"                 // [positions, d_model]
    case ln2 = "ln2.hook_normalized"                 // [positions, d_model]
    case mlpPre = "mlp.hook_pre"                     // [positions, d_ffn], gate projection
    case mlpPreLinear = "mlp.hook_pre_linear"        // [positions, d_ffn], up projection
    case mlpPost = "mlp.hook_post"                   // [positions, d_ffn], gelu(gate) * up
    case mlpOut = "hook_mlp_out"                     // [positions, d_model], after the post-FFN norm
    case residPost = "hook_resid_post"               // [positions, d_model]
}

/// A named hook point of the whole model.
public enum HookPoint: Hashable, Sendable, CustomStringConvertible {
    case embed                       // hook_embed: embeddings × sqrt(d_model), [positions, d_model]
    case block(Int, BlockHook)       // blocks.N.<hook>
    case lnFinal                     // ln_final.hook_normalized, [positions, d_model]
    case logitsPrecap                // hook_logits_precap, [positions, vocab]
    case logits                      // hook_logits, after the final soft-cap, [positions, vocab]

    public var name: String {
        switch self {
        case .embed: return "hook_embed"
        case let .block(layer, hook): return "blocks.\(layer).\(hook.rawValue)"
        case .lnFinal: return "ln_final.hook_normalized"
        case .logitsPrecap: return "hook_logits_precap"
        case .logits: return "hook_logits"
        }
    }

    public var description: String { name }

    /// Parses a TransformerLens-style name such as `blocks.3.attn.hook_pattern`.
    public init?(name: String) {
        switch name {
        case "hook_embed": self = .embed
        case "ln_final.hook_normalized": self = .lnFinal
        case "hook_logits_precap": self = .logitsPrecap
        case "hook_logits": self = .logits
        default:
            let parts = name.split(separator: ".", maxSplits: 2).map(String.init)
            guard parts.count == 3, parts[0] == "blocks", let layer = Int(parts[1]), layer >= 0,
                  let hook = BlockHook(rawValue: parts[2]) else { return nil }
            self = .block(layer, hook)
        }
    }

    /// Every hook point of a model with `layers` blocks, in the order the forward pass fires them.
    public static func all(layers: Int) -> [HookPoint] {
        var points: [HookPoint] = [.embed]
        for layer in 0..<layers { points += BlockHook.allCases.map { .block(layer, $0) } }
        return points + [.lnFinal, .logitsPrecap, .logits]
    }
}

/// Listeners on hook points. A handler sees the value and may replace it (an intervention).
/// With no handler on a point, the forward pass does no extra work there.
public final class Hooks: @unchecked Sendable {  // handlers change only between forward passes
    public typealias Handler = (HookPoint, inout Tensor) -> Void
    private var handlers: [HookPoint: [Handler]] = [:]
    private let stopFlag = Atomic<Bool>(false)

    /// Asks a running forward pass to stop at its next hook point (it throws `interrupted`).
    public func requestStop() { stopFlag.store(true, ordering: .relaxed) }
    public var stopRequested: Bool { stopFlag.load(ordering: .relaxed) }

    public init() {}

    public func add(_ point: HookPoint, _ handler: @escaping Handler) {
        handlers[point, default: []].append(handler)
    }

    public func removeAll() { handlers.removeAll() }

    /// A new set with the same handlers (adding to it leaves this one unchanged).
    public func copy() -> Hooks {
        let copy = Hooks()
        copy.handlers = handlers
        return copy
    }

    /// The points that have handlers.
    public var activePoints: [HookPoint] { Array(handlers.keys) }

    public var isEmpty: Bool { handlers.isEmpty }

    @inline(__always)
    public func isActive(_ point: HookPoint) -> Bool { handlers[point] != nil }

    func fire(_ point: HookPoint, _ value: inout Tensor) {
        guard let list = handlers[point] else { return }
        for handler in list { handler(point, &value) }
    }
}

extension HookPoint {
    /// The shape of this hook's value for a pass over `positions` new tokens after `start`
    /// cached ones (attention maps span all `start + positions` keys).
    public func shape(_ config: ModelConfig, positions n: Int, start: Int = 0) -> [Int] {
        let c = config
        switch self {
        case .embed, .lnFinal: return [n, c.modelWidth]
        case .logitsPrecap, .logits: return [n, c.vocabularySize]
        case let .block(_, hook):
            switch hook {
            case .residPre, .ln1, .attnOut, .residMid, .ln2, .mlpOut, .residPost: return [n, c.modelWidth]
            case .q: return [n, c.headCount, c.headDim]
            case .k: return [n, c.kvHeadCount, c.headDim]
            case .v: return [n, c.kvHeadCount, c.valueDim]
            case .scoresPrecap, .attnScores, .pattern: return [c.headCount, n, start + n]
            case .z: return [n, c.headCount, c.valueDim]
            case .mlpPre, .mlpPreLinear, .mlpPost: return [n, c.feedForwardWidth]
            }
        }
    }

    /// What the value is, for help texts.
    public var summary: String {
        switch self {
        case .embed: return "token embeddings × sqrt(d_model): what enters block 0"
        case .lnFinal: return "the final RMSNorm of the residual stream"
        case .logitsPrecap: return "logits before the final soft-cap"
        case .logits: return "logits after the final soft-cap cap·tanh(z/cap)"
        case let .block(_, hook):
            switch hook {
            case .residPre: return "residual stream entering the block"
            case .ln1: return "pre-attention RMSNorm output (input of Q, K, V)"
            case .q: return "queries after RoPE (before the 1/sqrt(head_dim) scaling)"
            case .k: return "keys after RoPE"
            case .v: return "values"
            case .scoresPrecap: return "scaled attention scores q·k before the soft-cap, every query/key pair"
            case .attnScores: return "attention scores after the soft-cap, masked entries -inf"
            case .pattern: return "attention probabilities (softmax over keys)"
            case .z: return "attention-weighted values per head, before the output projection"
            case .attnOut: return "attention output after the post-attention RMSNorm (added to the residual)"
            case .residMid: return "residual stream between attention and MLP"
            case .ln2: return "pre-MLP RMSNorm output"
            case .mlpPre: return "gate projection (input of GELU)"
            case .mlpPreLinear: return "up projection"
            case .mlpPost: return "gelu(gate) × up (input of the down projection)"
            case .mlpOut: return "MLP output after the post-FFN RMSNorm (added to the residual)"
            case .residPost: return "residual stream leaving the block"
            }
        }
    }
}
