// `gemma-repl info`: a model card — architecture, hyperparameters with their GGUF keys,
// tokenizer summary, tensor counts by type, parameter count, file size.
import ArgumentParser
import Foundation
import GGUF
import Gemma

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Print a model card.")

    @OptionGroup var options: ModelOptions
    @Argument(help: "A GGUF path or Ollama name (same as --model).") var modelArgument: String?
    @Flag(help: "List every tensor with shape, type and byte size.") var tensors = false
    @Flag(help: "Print JSON.") var json = false

    struct Card: Encodable {
        struct Parameter: Encodable { let name: String; let value: String; let key: String }
        struct TensorRow: Encodable { let name: String; let shape: [Int]; let type: String; let bytes: Int }
        struct TokenizerSummary: Encodable {
            let model: String; let vocabularySize: Int; let bos: Int?; let eos: Int?; let unknown: Int?
            let padding: Int?; let endOfTurn: Int?; let addBOS: Bool; let controlTokens: Int; let userDefinedTokens: Int; let byteTokens: Int
        }
        let file: String; let fileBytes: Int; let ggufVersion: UInt32; let name: String?
        let architecture: String; let hyperparameters: [Parameter]; let tokenizer: TokenizerSummary
        let tensorCount: Int; let tensorTypes: [String: Int]; let parameterCount: Int; let tensors: [TensorRow]?
    }

    func run() throws {
        try reportingErrors {
            var options = options
            if let modelArgument { options.model = modelArgument }
            let model = try options.load()
            let card = makeCard(model)
            if json { print(try jsonText(card)) } else { print(render(card)) }
        }
    }

    func makeCard(_ model: GemmaModel) -> Card {
        let file = model.file
        let tokenizer = model.tokenizer
        var typeCounts: [String: Int] = [:]
        for tensor in file.tensors { typeCounts[tensor.type.name, default: 0] += 1 }
        let types = (0..<tokenizer.vocabularySize).map { tokenizer.type(of: $0) }
        let special = tokenizer.specialTokens
        return Card(
            file: file.path, fileBytes: file.fileSize, ggufVersion: file.version,
            name: try? file.optionalString("general.name"), architecture: model.config.architecture,
            hyperparameters: model.configSources.map { .init(name: $0.name, value: $0.value, key: $0.key) },
            tokenizer: .init(model: (try? file.optionalString("tokenizer.ggml.model")) ?? "llama",
                             vocabularySize: tokenizer.vocabularySize, bos: special.bos, eos: special.eos,
                             unknown: special.unknown, padding: special.padding, endOfTurn: special.endOfTurn,
                             addBOS: tokenizer.addBOS,
                             controlTokens: types.filter { $0 == .control }.count,
                             userDefinedTokens: types.filter { $0 == .userDefined }.count,
                             byteTokens: types.filter { $0 == .byte }.count),
            tensorCount: file.tensors.count, tensorTypes: typeCounts, parameterCount: model.parameterCount,
            tensors: tensors ? file.tensors.map { .init(name: $0.name, shape: $0.shape, type: $0.type.name, bytes: $0.byteCount) } : nil)
    }

    func render(_ card: Card) -> String {
        var lines: [String] = []
        let megabytes = String(format: "%.1f MB", Double(card.fileBytes) / 1e6)
        lines.append("model         \(card.name ?? "(unnamed)")")
        lines.append("file          \(card.file) (\(megabytes), GGUF v\(card.ggufVersion))")
        lines.append("architecture  \(card.architecture)")
        lines.append("parameters    \(String(format: "%.1f M", Double(card.parameterCount) / 1e6)) (\(card.parameterCount))")
        lines.append("")
        lines.append("hyperparameters")
        let width = card.hyperparameters.map(\.name.count).max() ?? 0
        let valueWidth = min(40, card.hyperparameters.map(\.value.count).max() ?? 0)
        for p in card.hyperparameters {
            lines.append("  " + p.name.padding(toLength: width + 2, withPad: " ", startingAt: 0)
                         + p.value.padding(toLength: max(valueWidth, p.value.count) + 2, withPad: " ", startingAt: 0) + p.key)
        }
        lines.append("")
        let t = card.tokenizer
        lines.append("tokenizer     \(t.model) (SentencePiece), \(t.vocabularySize) tokens: \(t.controlTokens) control, \(t.userDefinedTokens) user-defined, \(t.byteTokens) byte")
        func show(_ label: String, _ id: Int?) -> String? { id.map { "\(label) \($0)" } }
        let specials = [show("bos", t.bos), show("eos", t.eos), show("unk", t.unknown), show("pad", t.padding),
                        show("end_of_turn", t.endOfTurn)].compactMap { $0 }
        lines.append("special       \(specials.joined(separator: ", "))\(t.addBOS ? "; adds BOS" : "")")
        lines.append("")
        let types = card.tensorTypes.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }
        lines.append("tensors       \(card.tensorCount): \(types.joined(separator: ", "))")
        if let rows = card.tensors {
            let nameWidth = rows.map(\.name.count).max() ?? 0
            for row in rows {
                let shape = "[" + row.shape.map(String.init).joined(separator: ", ") + "]"
                lines.append("  " + row.name.padding(toLength: nameWidth + 2, withPad: " ", startingAt: 0)
                             + shape.padding(toLength: 16, withPad: " ", startingAt: 0)
                             + row.type.padding(toLength: 6, withPad: " ", startingAt: 0) + " \(row.bytes)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
