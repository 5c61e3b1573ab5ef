// The gemma-repl command line: subcommands for model cards, tokens, logits and generation.
import ArgumentParser
import Foundation
import Gemma

@main
struct GemmaREPL: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemma-repl",
        abstract: "Run Gemma models on the CPU and look inside every step of inference.",
        subcommands: [REPLCommand.self, RunCommand.self, InfoCommand.self, TokenizeCommand.self, LogitsCommand.self, GenerateCommand.self, DumpCommand.self, BenchCommand.self],
        defaultSubcommand: REPLCommand.self)
}

/// The --model option every command shares, with the resolution order of ModelStore.
struct ModelOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "A GGUF path or an Ollama name[:tag]. Default: $GEMMA_MODEL, Ollama's gemma2:2b, then the default model.")
    var model: String?

    @Option(name: .shortAndLong, help: "Threads for matrix products (default: all cores).")
    var threads: Int?

    func validate() throws {
        if let threads, !(1...256).contains(threads) {
            throw ValidationError("--threads must be between 1 and 256, not \(threads)")
        }
    }

    func load() throws -> GemmaModel {
        let path = try ModelStore.resolve(model)
        return try GemmaModel(path: path)
    }

    var threadCount: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }
}

/// Runs `body`, printing a GemmaError or other failure as one clear line and exiting 1.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ValidationError {
        throw error
    } catch let error as ExitCode {
        throw error
    } catch {
        FileHandle.standardError.write(Data("gemma-repl: error: \(error)\n".utf8))
        throw ExitCode.failure
    }
}

/// JSON text of an encodable value, keys sorted.
func jsonText<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
