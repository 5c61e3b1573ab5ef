// `gemma-repl generate`: generate text from a prompt, streamed, with Ollama-style timings.
import ArgumentParser
import Foundation
import Gemma

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "generate", abstract: "Generate text from a prompt.")

    @OptionGroup var options: ModelOptions
    @Option(help: "Most tokens to generate.") var max = 128
    @Option(help: "Temperature; 0 is greedy.") var temp: Float = 0
    @Option(name: .customLong("top-k"), help: "Keep the k most likely tokens (0: all).") var topK = 40
    @Option(name: .customLong("top-p"), help: "Keep the most likely tokens up to this probability mass.") var topP: Float = 0.95
    @Option(name: .customLong("min-p"), help: "Drop tokens less likely than this fraction of the best.") var minP: Float = 0.05
    @Option(name: .customLong("repeat-penalty"), help: "Penalty on recently seen tokens (1: none).") var repeatPenalty: Float = 1
    @Option(help: "Random seed.") var seed: UInt64 = 0
    @Flag(help: "Wrap the prompt in the Gemma chat format.") var chat = false
    @Flag(help: "Print ids and text as JSON at the end instead of streaming.") var json = false
    @Flag(help: "Print timings as ollama run --verbose does.") var verbose = false
    @Argument(help: "The prompt.") var prompt: String

    struct Output: Encodable {
        let promptIds: [Int]; let generatedIds: [Int]; let text: String; let stop: String
        let promptTokensPerSecond: Double; let tokensPerSecond: Double
    }

    func validate() throws {
        guard temp >= 0, temp.isFinite else { throw ValidationError("--temp must be 0 or more") }
        guard topK >= 0 else { throw ValidationError("--top-k must be 0 or more") }
        guard (0...1).contains(topP), (0...1).contains(minP) else { throw ValidationError("--top-p and --min-p must be between 0 and 1") }
        guard repeatPenalty > 0, repeatPenalty.isFinite else { throw ValidationError("--repeat-penalty must be positive") }
        guard max >= 0 else { throw ValidationError("--max must be 0 or more") }
    }

    func run() throws {
        try reportingErrors {
            let model = try options.load()
            let text = chat ? ChatFormat.userTurn(prompt) : prompt
            let ids = model.tokenizer.encode(text, addSpecial: true, parseSpecial: true)
            let context = model.config.contextLength
            if max > context {
                FileHandle.standardError.write(Data("gemma-repl: --max \(max) is more than the context of \(context) tokens; generating at most \(context - ids.count)\n".utf8))
            }
            let settings = SamplerSettings(temperature: temp, topK: topK, topP: topP, minP: minP,
                                           repetitionPenalty: repeatPenalty, seed: seed)
            let generator = Generator(transformer: Transformer(model: model, threads: options.threadCount))
            let result = try generator.generate(promptIds: ids, maxTokens: Swift.min(max, context), sampler: settings) { piece in
                if !json { FileHandle.standardOutput.write(Data(piece.utf8)) }
            }
            if json {
                print(try jsonText(Output(promptIds: result.promptIds, generatedIds: result.generatedIds, text: result.text,
                                          stop: result.stop.rawValue, promptTokensPerSecond: result.stats.promptRate,
                                          tokensPerSecond: result.stats.generateRate)))
            } else {
                FileHandle.standardOutput.write(Data("\n".utf8))
            }
            if verbose { FileHandle.standardError.write(Data((result.stats.report + "\n").utf8)) }
        }
    }
}
