// Token lists in scripts: ids with their pieces, shown as a table; indexing gives ids,
// slicing gives tokens; `.text` detokenizes.
import Figures
import Gemma
import GemmaLang
import Inspect

public final class TokensObject: HostObject {
    public let ids: [Int]
    let model: GemmaModel

    init(_ ids: [Int], model: GemmaModel) {
        self.ids = ids
        self.model = model
    }

    public var typeName: String { "Tokens" }
    public var count: Int? { ids.count }
    public var memberNames: [String] { ["ids", "pieces", "text", "len"] }
    var pieces: [String] { ids.map { model.tokenizer.piece($0) } }

    public var shortDescription: String {
        "Tokens(\(ids.count): " + pieces.prefix(8).map { LogitLens.visible($0).debugDescription }.joined(separator: " ")
            + (ids.count > 8 ? " …" : "") + ")"
    }

    public func display(width: Int) -> String {
        let shown = ids.prefix(200)
        let rows = shown.enumerated().map { index, id in
            [String(index), String(id), LogitLens.visible(model.tokenizer.piece(id)), "\(model.tokenizer.type(of: id))"]
        }
        var text = TerminalRenderer.table(header: ["#", "id", "piece", "type"], rows: rows, alignRight: [0, 1])
        if ids.count > shown.count { text += "\n… \(ids.count - shown.count) more tokens" }
        return text + "\n\(ids.count) tokens"
    }

    public var help: String {
        "Tokens: token ids with their vocabulary pieces. t[i] is an id, t[1:4] a slice; t.ids, t.pieces, t.text."
    }

    public func member(_ name: String, interpreter: Interpreter) throws -> Value? {
        switch name {
        case "ids": return numbers(ids)
        case "pieces": return .makeList(pieces.map { .string($0) })
        case "text": return .string(model.tokenizer.decode(ids))
        case "len": return .number(Double(ids.count))
        default: return nil
        }
    }

    /// `tokens[i]`: the interpreter hands single subscripts here, not to `index(items:)`.
    public func index(_ index: Value, interpreter: Interpreter) throws -> Value {
        try self.index(items: [.value(index)], interpreter: interpreter)
    }

    public func index(items: [IndexItem], interpreter: Interpreter) throws -> Value {
        guard items.count == 1 else { throw GemmaLangError.message("Tokens take one index") }
        switch items[0] {
        case .value(let value):
            let n = try integer(value, "token index")
            let i = n < 0 ? ids.count + n : n
            guard i >= 0, i < ids.count else { throw GemmaLangError.message("token index \(n) is outside 0..<\(ids.count)") }
            return .number(Double(ids[i]))
        case .slice:
            let selected = try TensorObject.select(Tensor(shape: [ids.count], data: ids.map(Float.init)), axis: 0, items[0])
            return .object(TokensObject(selected.data.map { Int($0) }, model: model))
        }
    }

    public func iterate() throws -> [Value]? { ids.map { .number(Double($0)) } }

    public func binary(_ op: BinaryOperator, _ other: Value, reversed: Bool) throws -> Value? {
        guard op == .add, let right = other.objectValue as? TokensObject else { return nil }
        return .object(TokensObject(reversed ? right.ids + ids : ids + right.ids, model: model))
    }
}

/// The current model in scripts: its card, config, vocabulary and hook points.
public final class ModelObject: HostObject {
    let model: GemmaModel

    init(_ model: GemmaModel) { self.model = model }

    public var typeName: String { "Model" }
    public var memberNames: [String] {
        ["name", "path", "architecture", "layers", "d_model", "heads", "kv_heads", "head_dim", "ffn", "vocab",
         "context", "window", "local_layers", "attn_softcap", "final_softcap", "hooks", "config"]
    }
    public var shortDescription: String { "Model(\(model.name), \(model.config.architecture))" }

    public func display(width: Int) -> String {
        let c = model.config
        var rows: [[String]] = model.configSources.map { [$0.name, $0.value, $0.key] }
        rows.insert(["file", model.name, String(format: "%.1f MB", Double(model.file.fileSize) / 1e6)], at: 0)
        rows.append(["parameters", String(format: "%.1f M", Double(model.parameterCount) / 1e6), ""])
        return TerminalRenderer.table(header: ["", "value", "GGUF key"], rows: rows)
            + "\n\(c.layerCount) layers: " + c.layerKinds.map { $0 == .global ? "G" : "L" }.joined()
            + "  (L local sliding window, G global)"
    }

    public func member(_ name: String, interpreter: Interpreter) throws -> Value? {
        let c = model.config
        switch name {
        case "name": return .string(model.name)
        case "path": return .string(model.path)
        case "architecture": return .string(c.architecture)
        case "layers": return .number(Double(c.layerCount))
        case "d_model": return .number(Double(c.modelWidth))
        case "heads": return .number(Double(c.headCount))
        case "kv_heads": return .number(Double(c.kvHeadCount))
        case "head_dim": return .number(Double(c.headDim))
        case "ffn": return .number(Double(c.feedForwardWidth))
        case "vocab": return .number(Double(c.vocabularySize))
        case "context": return .number(Double(c.contextLength))
        case "window":
            for kind in c.layerKinds { if case let .local(window) = kind { return .number(Double(window)) } }
            return .null
        case "local_layers": return numbers(c.layerKinds.indices.filter { c.layerKinds[$0] != .global })
        case "attn_softcap": return c.attentionSoftCap.map { .number(Double($0)) } ?? .null
        case "final_softcap": return c.finalSoftCap.map { .number(Double($0)) } ?? .null
        case "hooks":
            return .makeList(HookPoint.all(layers: c.layerCount).map { .string($0.name) })
        case "config": return .makeMap(model.configSources.map { ($0.name, .string($0.value)) })
        default: return nil
        }
    }
}
