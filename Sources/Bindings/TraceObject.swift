// Traces in scripts: `trace["blocks.3.attn.hook_pattern"]`, `trace.layer(3).attn.head(0)`,
// `trace.top(5)`, `trace.dump("dir")`.
import Figures
import Foundation
import Gemma
import GemmaLang
import Inspect

public final class TraceObject: HostObject {
    let trace: Trace
    let workspace: Workspace
    let modelPath: String
    let prompt: String?

    init(_ trace: Trace, workspace: Workspace, modelPath: String, prompt: String?) {
        self.trace = trace
        self.workspace = workspace
        self.modelPath = modelPath
        self.prompt = prompt
    }

    public var typeName: String { "Trace" }
    public var memberNames: [String] { ["tokens", "logits", "hooks", "layer", "top", "dump", "attention", "bytes"] }
    public var shortDescription: String { "Trace(\(trace.tokens.count) tokens, \(trace.points.count) hooks)" }

    public func display(width: Int) -> String {
        let mib = Double(trace.byteCount) / 1_048_576
        var lines = ["Trace of \(trace.tokens.count) tokens on \(trace.modelName): \(trace.points.count) hook points captured (\(String(format: "%.1f", mib)) MiB)"]
        if let bad = trace.firstNonFinite() {
            lines.append("warning: element \(bad.index) of \(bad.hook) is \(valueText(bad)), the first value of this pass "
                         + "that is not finite; everything computed after it is suspect")
        }
        lines.append("next token after the prompt:")
        lines.append(topItems(5).isEmpty ? "  (none: every logit is NaN)" : topBars(5, width: width))
        lines.append("reach values with trace[\"blocks.0.hook_resid_post\"] or trace.layer(0).attn.pattern")
        return lines.joined(separator: "\n")
    }

    public var help: String {
        """
        Trace: the captured values of one forward pass.
          trace["blocks.3.hook_resid_post"]   a captured value as a Tensor (names: trace.hooks)
          trace.layer(3)                      layer view: .resid_pre .resid_mid .resid_post .attn .mlp_out .ln1 .ln2
          trace.layer(3).attn                 .pattern .scores .scores_precap .q .k .v .z .out; .head(h) and .map() draw it
          trace.attention(3, head: 0)         the attention map of a head (head: nil for the mean)
          trace.top(k)                        the k likeliest next tokens after the prompt
          trace.logits                        [positions, vocab] after the final soft-cap
          trace.dump("dir", format: "npy")    writes every captured value for numpy (npy, npz, safetensors)
        """
    }

    /// The non-finite number itself: nan, inf or -inf.
    func valueText(_ bad: (hook: String, index: Int)) -> String {
        let value = bad.hook == "logits" ? trace.logits.data[bad.index] : trace[bad.hook]?.data[bad.index] ?? .nan
        return value.isNaN ? "nan" : value > 0 ? "inf" : "-inf"
    }

    func topBars(_ k: Int, width: Int) -> String {
        TerminalRenderer.bars(topItems(k).map { ($0.label, $0.value) }, mode: workspace.colorMode, width: min(width, 80))
    }

    /// The k likeliest next tokens after the prompt with their probabilities.
    func topItems(_ k: Int) -> [Bar] {
        let last = trace.logits.rows(trace.tokens.count - 1 ..< trace.tokens.count)
        let probabilities = softmaxRow(last.data[...])
        return last.topK(k).map { Bar(label: LogitLens.visible(trace.pieces.isEmpty ? "" : pieceOf($0.index)), value: Float(probabilities[$0.index])) }
    }

    func topFigure(_ k: Int) -> Figure {
        Figure(kind: .topTokens, title: "next token after the prompt: top \(k)", content: .bars(topItems(k)))
    }

    func pieceOf(_ id: Int) -> String { (try? workspace.transformer().model.tokenizer.piece(id)) ?? "#\(id)" }

    public func index(_ index: Value, interpreter: Interpreter) throws -> Value {
        guard let name = index.stringValue else { throw GemmaLangError.message("index a trace with a hook name, e.g. trace[\"blocks.0.hook_resid_post\"]") }
        guard let tensor = trace[name] else {
            guard let point = HookPoint(name: name) else { throw GemmaLangError.message("\(name) is not a hook name (see hooks())") }
            if case let .block(layer, _) = point, layer >= trace.config.layerCount {
                throw GemmaLangError.message("\(name): layer \(layer) is outside 0..<\(trace.config.layerCount)")
            }
            throw GemmaLangError.message("\(name) was not captured in this trace (run(prompt, hooks: [\"\(name)\"]))")
        }
        return .object(TensorObject(tensor, name: name, workspace: workspace))
    }

    public func member(_ name: String, interpreter: Interpreter) throws -> Value? {
        switch name {
        case "tokens": return numbers(trace.tokens)
        case "bytes": return .number(Double(trace.byteCount))
        case "logits": return .object(TensorObject(trace.logits, name: "logits", workspace: workspace))
        case "hooks": return .makeList(trace.points.map { .string($0.name) })
        case "layer": return method("layer(n)", "One layer of the trace.") { [self] args, _ in
            let n = try args.int(0, name: "n")
            guard n >= 0, n < trace.config.layerCount else { throw GemmaLangError.message("layer \(n) is outside 0..<\(trace.config.layerCount)") }
            return .object(LayerObject(trace: self, layer: n))
        }
        case "attention": return method("attention(layer, head: nil)", "The attention map of a head, or the mean over heads.") { [self] args, _ in
            let layer = try args.int(0, name: "layer")
            let head = try optionalInt(args, 1, name: "head")
            return .object(try AttentionMapObject(map: try AttentionMap(trace: trace, layer: layer), head: head, workspace: workspace))
        }
        case "top": return method("top(k: 5)", "The likeliest next tokens after the prompt.") { [self] args, _ in
            let k = try args.int(0, name: "k", default: 5)
            return .object(TextObject(typeName: "TopTokens", text: topBars(k, width: workspace.width), figure: topFigure(k)))
        }
        case "dump": return method("dump(folder, format: \"npy\")", "Writes every captured value for numpy.") { [self] args, _ in
            let folder = try args.string(0, name: "folder")
            let formatName = try args.string(1, name: "format", default: "npy")
            guard let format = DumpFormat(rawValue: formatName) else { throw GemmaLangError.message("dump(): format must be npy, npz or safetensors") }
            let files = try Dumps.write(trace, format: format, to: folder, prompt: prompt, modelPath: modelPath)
            return .makeList(files.map { .string($0) })
        }
        default: return nil
        }
    }
}

/// One layer of a trace.
public final class LayerObject: HostObject {
    let owner: TraceObject
    let layer: Int

    init(trace: TraceObject, layer: Int) {
        owner = trace
        self.layer = layer
    }

    public var typeName: String { "Layer" }
    static let hooks: [String: BlockHook] = [
        "resid_pre": .residPre, "resid_mid": .residMid, "resid_post": .residPost, "ln1": .ln1, "ln2": .ln2,
        "attn_out": .attnOut, "mlp_pre": .mlpPre, "mlp_pre_linear": .mlpPreLinear, "mlp_post": .mlpPost, "mlp_out": .mlpOut,
    ]
    public var memberNames: [String] { Array(Self.hooks.keys).sorted() + ["attn", "kind"] }
    public var shortDescription: String { "Layer(\(layer), \(owner.trace.config.layerKinds[layer]))" }

    public func member(_ name: String, interpreter: Interpreter) throws -> Value? {
        if name == "attn" { return .object(AttentionObject(owner: owner, layer: layer)) }
        if name == "kind" { return .string("\(owner.trace.config.layerKinds[layer])") }
        guard let hook = Self.hooks[name] else { return nil }
        return try owner.index(.string(HookPoint.block(layer, hook).name), interpreter: interpreter)
    }
}

/// The attention of one layer of a trace.
public final class AttentionObject: HostObject {
    let owner: TraceObject
    let layer: Int

    init(owner: TraceObject, layer: Int) {
        self.owner = owner
        self.layer = layer
    }

    public var typeName: String { "Attention" }
    static let hooks: [String: BlockHook] = [
        "pattern": .pattern, "scores": .attnScores, "scores_precap": .scoresPrecap, "q": .q, "k": .k, "v": .v, "z": .z, "out": .attnOut,
    ]
    public var memberNames: [String] { Array(Self.hooks.keys).sorted() + ["head", "map", "mean", "save"] }
    public var shortDescription: String { "Attention(layer \(layer))" }

    public func display(width: Int) -> String {
        (try? AttentionMap(trace: owner.trace, layer: layer).terminalGrid(mode: owner.workspace.colorMode, width: width))
            ?? "Attention(layer \(layer)): the pattern was not captured"
    }

    public func member(_ name: String, interpreter: Interpreter) throws -> Value? {
        if let hook = Self.hooks[name] {
            return try owner.index(.string(HookPoint.block(layer, hook).name), interpreter: interpreter)
        }
        switch name {
        case "head": return method("head(h)", "Head h's attention map.") { [self] args, _ in
            .object(try AttentionMapObject(map: try AttentionMap(trace: owner.trace, layer: layer), head: try args.int(0, name: "h"), workspace: owner.workspace))
        }
        case "mean": return method("mean()", "The attention map averaged over heads.") { [self] _, _ in
            .object(try AttentionMapObject(map: try AttentionMap(trace: owner.trace, layer: layer), head: nil, workspace: owner.workspace))
        }
        case "save": return method("save(path)", "Writes every head of the layer, side by side, as .svg or .png.") { [self] args, _ in
            let path = try args.string(0, name: "path")
            try AttentionMap(trace: owner.trace, layer: layer).figure(head: nil, allHeads: true).write(to: path)
            return .string(path)
        }
        case "map": return method("map()", "Every head of the layer, side by side.") { [self] _, _ in
            .object(try AttentionMapObject(map: try AttentionMap(trace: owner.trace, layer: layer), head: nil, workspace: owner.workspace, grid: true))
        }
        default: return nil
        }
    }
}

/// A drawable attention map: one head, the mean, or the grid of all heads.
public final class AttentionMapObject: HostObject {
    let map: AttentionMap
    let head: Int?
    let grid: Bool
    let workspace: Workspace

    init(map: AttentionMap, head: Int?, workspace: Workspace, grid: Bool = false) throws {
        if let head, head < 0 || head >= map.heads {
            throw GemmaLangError.message("head \(head) is outside 0..<\(map.heads)")
        }
        self.map = map
        self.head = head
        self.grid = grid
        self.workspace = workspace
    }

    public var typeName: String { "AttentionMap" }
    public var memberNames: [String] { ["save", "values", "layer", "head"] }
    public var shortDescription: String { "AttentionMap(layer \(map.layer)" + (head.map { ", head \($0))" } ?? ", all heads)") }

    public func display(width: Int) -> String {
        do {
            return grid ? try map.terminalGrid(mode: workspace.colorMode, width: width)
                        : try map.terminal(head: head, mode: workspace.colorMode, width: width)
        } catch {
            return "\(error)"
        }
    }

    public func member(_ name: String, interpreter: Interpreter) throws -> Value? {
        switch name {
        case "layer": return .number(Double(map.layer))
        case "head": return head.map { .number(Double($0)) } ?? .null
        case "values": return .object(TensorObject(head.map { map.pattern.row($0) } ?? map.pattern, workspace: workspace))
        case "save": return method("save(path)", "Writes the map as .svg or .png.") { [self] args, _ in
            let path = try args.string(0, name: "path")
            try save(to: path)
            return .string(path)
        }
        default: return nil
        }
    }

    /// Writes the map as displayed: one head, the mean over heads, or every head (`map()`).
    func save(to path: String) throws {
        do {
            try map.figure(head: head, allHeads: grid).write(to: path)
        } catch let error as FiguresError {
            throw GemmaLangError.message("save(): \(error)")
        }
    }
}
