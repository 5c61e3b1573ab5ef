// Hyperparameters as data, read from GGUF metadata (Gemma 2 report §2, Table 1; llama.cpp's
// reading of gemma, gemma2 and gemma3 GGUFs). The forward pass reads only this struct.
import GGUF

/// Whether a layer attends over a sliding window of recent tokens or over the whole context.
public enum AttentionKind: Sendable, Equatable, CustomStringConvertible {
    /// Query i sees key j iff 0 <= i - j < window.
    case local(window: Int)
    case global

    public var description: String {
        switch self {
        case let .local(window): return "local(\(window))"
        case .global: return "global"
        }
    }
}

/// Everything the forward pass needs to know about a model's shape and numerics.
public struct ModelConfig: Sendable, Equatable {
    public var architecture: String
    public var layerCount: Int
    public var modelWidth: Int            // d_model
    public var feedForwardWidth: Int
    public var headCount: Int
    public var kvHeadCount: Int
    public var headDim: Int               // key and query width per head
    public var valueDim: Int
    public var contextLength: Int
    public var rmsEpsilon: Float
    public var vocabularySize: Int
    /// Kind of each layer: Gemma 2 alternates local and global, starting local.
    public var layerKinds: [AttentionKind]
    /// RoPE base per layer (Gemma 3 uses a different base on local layers).
    public var ropeBases: [Float]
    /// RoPE position scale per layer (1 / linear scaling factor).
    public var ropeScales: [Float]
    /// `cap * tanh(s / cap)` on attention scores, when set (Gemma 2: 50).
    public var attentionSoftCap: Float?
    /// `cap * tanh(z / cap)` on the final logits, when set (Gemma 2: 30).
    public var finalSoftCap: Float?
    /// Multiplier of the queries before QK^T.
    public var queryScale: Float
    /// Multiplier of the looked-up embeddings: sqrt(d_model) in float32.
    public var embeddingScale: Float
    /// Gemma 3 normalises queries and keys per head before RoPE.
    public var hasQKNorm: Bool
    /// Gemma 2 and 3 normalise each sub-layer's output before the residual add.
    public var hasPostNorms: Bool

    /// Queries per key/value head (grouped-query attention).
    public var groupSize: Int { headCount / kvHeadCount }
}

/// One hyperparameter as `info` shows it: name, value, and the GGUF key it came from.
public struct ConfigSource: Sendable {
    public let name: String
    public let value: String
    public let key: String
}

/// Per-architecture defaults: the only place an architecture name decides anything.
struct ArchitectureDefaults {
    var localPeriod: Int?          // layer i is local when i % period < localCount
    var localCount: Int
    var defaultWindow: Int
    var attentionSoftCap: Float?
    var finalSoftCap: Float?
    var localRopeBase: Float?      // nil: the global base everywhere
    var largeModelLayerCount: Int? // the model whose queries scale by 1/sqrt(d_model / heads)

    static func forArchitecture(_ name: String) -> ArchitectureDefaults? {
        switch name {
        case "gemma":
            return .init(localPeriod: nil, localCount: 0, defaultWindow: 0, attentionSoftCap: nil,
                         finalSoftCap: nil, localRopeBase: nil, largeModelLayerCount: nil)
        case "gemma2":
            return .init(localPeriod: 2, localCount: 1, defaultWindow: 4096, attentionSoftCap: 50,
                         finalSoftCap: 30, localRopeBase: nil, largeModelLayerCount: 46)
        case "gemma3":
            return .init(localPeriod: 6, localCount: 5, defaultWindow: 4096, attentionSoftCap: nil,
                         finalSoftCap: nil, localRopeBase: 10_000, largeModelLayerCount: 62)
        default:
            return nil
        }
    }
}
