// `gemma-repl logits`: the logits of every position of a token sequence, as float32 .npy.
import ArgumentParser
import Foundation
import Gemma
import Inspect

struct LogitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logits",
        abstract: "Write the logits of every position as float32 [positions, vocab] .npy (F32 KV cache).")

    @OptionGroup var options: ModelOptions
    @Option(help: "Comma-separated token ids, e.g. 2,651,6037.") var ids: String
    @Option(help: "The .npy file to write.") var out: String
    @Flag(help: "Logits before the final soft-cap.") var precap = false

    func run() throws {
        try reportingErrors {
            let tokens = try parseIds(ids)
            let model = try options.load()
            let transformer = Transformer(model: model, threads: options.threadCount)
            let cache = KVCache(config: model.config)
            var captured: Tensor?
            let hooks = Hooks()
            if precap { hooks.add(.logitsPrecap) { _, value in captured = value } }
            let logits = try transformer.forward(tokens, cache: cache, hooks: hooks, logits: .all)
            try NPY.write(captured ?? logits, to: out)
            FileHandle.standardError.write(Data("wrote \(out): [\(tokens.count), \(model.config.vocabularySize)] float32\n".utf8))
        }
    }
}
