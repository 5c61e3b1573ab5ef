// Traces: a prompt run once with chosen hook points captured, reached by name
// (`trace["blocks.3.attn.hook_pattern"]`) or by structure (`trace.layer(3).attn.pattern`).
import Foundation
import Gemma

/// Errors of inspection; each says what was asked and why it cannot be done.
public enum InspectError: Error, CustomStringConvertible, Equatable {
    case overBudget(estimateBytes: Int, budgetBytes: Int, largest: String)
    case unknownHook(String)
    case notCaptured(String)
    case mismatch(String)
    case file(path: String, reason: String)

    public var description: String {
        func mib(_ bytes: Int) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
        switch self {
        case let .overBudget(estimate, budget, largest):
            return "capturing these hooks needs about \(mib(estimate)), over the budget of \(mib(budget)) (largest: \(largest)); capture fewer hooks, a shorter prompt, or raise the budget"
        case let .unknownHook(pattern):
            return "no hook point matches \"\(pattern)\" (try hook_embed, blocks.0.hook_resid_post, blocks.*.attn.hook_pattern)"
        case let .notCaptured(name):
            return "\(name) was not captured in this trace"
        case let .mismatch(message):
            return message
        case let .file(path, reason):
            return "\(path): \(reason)"
        }
    }
}

/// The captured values of one forward pass over a prompt.
public final class Trace: @unchecked Sendable {  // immutable after the run
    public let modelName: String
    public let config: ModelConfig
    public let tokens: [Int]
    public let pieces: [String]
    /// Captured points in the order the forward pass fired them.
    public let points: [HookPoint]
    public let values: [HookPoint: Tensor]
    /// Logits after the final soft-cap, every position: [positions, vocab].
    public let logits: Tensor

    init(modelName: String, config: ModelConfig, tokens: [Int], pieces: [String], points: [HookPoint],
         values: [HookPoint: Tensor], logits: Tensor) {
        self.modelName = modelName
        self.config = config
        self.tokens = tokens
        self.pieces = pieces
        self.points = points
        self.values = values
        self.logits = logits
    }

    public subscript(name: String) -> Tensor? {
        HookPoint(name: name).flatMap { values[$0] }
    }

    public func value(_ point: HookPoint) throws -> Tensor {
        guard let value = values[point] else { throw InspectError.notCaptured(point.name) }
        return value
    }

    public var byteCount: Int { values.values.reduce(0) { $0 + $1.count * 4 } }

    /// The first captured value, in the order the pass fired them and then the logits, that
    /// holds a NaN or an infinity (-inf allowed in masked attention scores), and the flat index
    /// of that number: where the numbers went wrong. Nil when everything is finite. Scans the
    /// whole trace on each call.
    public func firstNonFinite() -> (hook: String, index: Int)? {
        for point in points {
            guard let value = values[point] else { continue }
            if let index = FiniteCheck.firstNonFinite(value.data, allowingNegativeInfinity: point.allowsMaskedScores) {
                return (point.name, index)
            }
        }
        return FiniteCheck.firstNonFinite(logits.data).map { ("logits", $0) }
    }

    public func layer(_ index: Int) -> LayerView { LayerView(trace: self, layer: index) }
}

/// One block of a trace: `trace.layer(3).attn.pattern`.
public struct LayerView {
    public let trace: Trace
    public let layer: Int
    func get(_ hook: BlockHook) throws -> Tensor { try trace.value(.block(layer, hook)) }
    public var residPre: Tensor { get throws { try get(.residPre) } }
    public var residMid: Tensor { get throws { try get(.residMid) } }
    public var residPost: Tensor { get throws { try get(.residPost) } }
    public var attn: AttentionView { AttentionView(layer: self) }
    public var mlpOut: Tensor { get throws { try get(.mlpOut) } }
    public var kind: AttentionKind { trace.config.layerKinds[layer] }
}

/// The attention of one block of a trace.
public struct AttentionView {
    public let layer: LayerView
    public var pattern: Tensor { get throws { try layer.get(.pattern) } }
    public var scores: Tensor { get throws { try layer.get(.attnScores) } }
    public var scoresPrecap: Tensor { get throws { try layer.get(.scoresPrecap) } }
    public var q: Tensor { get throws { try layer.get(.q) } }
    public var k: Tensor { get throws { try layer.get(.k) } }
    public var v: Tensor { get throws { try layer.get(.v) } }
    public var z: Tensor { get throws { try layer.get(.z) } }
    public var out: Tensor { get throws { try layer.get(.attnOut) } }

    /// One head's [queries, keys] slice of a [heads, queries, keys] tensor.
    public func head(_ head: Int, of tensor: Tensor) throws -> Tensor {
        guard tensor.shape.count == 3, head >= 0, head < tensor.shape[0] else {
            throw InspectError.mismatch("head \(head) is outside 0..<\(tensor.shape.first ?? 0)")
        }
        return tensor.row(head)
    }
}

/// Runs forward passes that capture hooks.
public enum Tracer {
    /// Default memory budget for captures: 1 GiB (a Raspberry Pi 5 has 8 GB in all).
    public static let defaultBudget = 1 << 30

    /// Bytes a capture of `points` needs for `positions` tokens, and the largest single hook.
    public static func estimate(_ points: [HookPoint], config: ModelConfig, positions: Int) -> (bytes: Int, largest: String) {
        var total = 0, largest = (0, "")
        for point in points {
            let bytes = point.shape(config, positions: positions).reduce(4, *)
            total += bytes
            if bytes > largest.0 { largest = (bytes, point.name) }
        }
        return (total + positions * config.vocabularySize * 4, largest.1)
    }

    /// Runs `tokens` through a fresh cache, capturing the hook points `selector` picks.
    /// `interventions` may change values on the way (they fire before capture).
    public static func run(_ transformer: Transformer, tokens: [Int], capture selector: HookSelector,
                           budget: Int = defaultBudget, interventions: Hooks? = nil) throws -> Trace {
        let model = transformer.model
        let c = model.config
        guard !tokens.isEmpty else { throw InspectError.mismatch("the prompt has no tokens") }
        if let unmatched = selector.unmatched(layers: c.layerCount).first { throw InspectError.unknownHook(unmatched) }
        let points = selector.points(layers: c.layerCount)
        let (bytes, largest) = estimate(points, config: c, positions: tokens.count)
        guard bytes <= budget else { throw InspectError.overBudget(estimateBytes: bytes, budgetBytes: budget, largest: largest) }

        let hooks = interventions?.copy() ?? Hooks()
        var captured: [HookPoint: Tensor] = [:]
        for point in points { hooks.add(point) { point, value in captured[point] = value } }
        let logits = try transformer.forward(tokens, cache: KVCache(config: c, contextLength: tokens.count), hooks: hooks, logits: .all)
        return Trace(modelName: model.name, config: c, tokens: tokens, pieces: tokens.map { model.tokenizer.piece($0) },
                     points: points, values: captured, logits: logits)
    }
}
