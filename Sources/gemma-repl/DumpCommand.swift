// `gemma-repl dump`: batch dumps of activations — one folder per prompt holding a .npy per
// hook (or one .npz / .safetensors) and a JSON sidecar.
import ArgumentParser
import Foundation
import Gemma
import Inspect

struct DumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Capture hook points for prompts and write them for numpy.",
        discussion: "Hooks are TransformerLens-style names or patterns: hook_embed, blocks.5.hook_resid_post, blocks.*.attn.hook_pattern.")

    @OptionGroup var options: ModelOptions
    @Option(help: "Comma-separated token ids instead of a prompt.") var ids: String?
    @Option(help: "A text file with one prompt per line; each gets its own numbered folder.") var prompts: String?
    @Option(parsing: .upToNextOption, help: "Hook names or patterns to capture (default: every residual stream).") var hooks: [String] = ["hook_embed", "blocks.*.hook_resid_post"]
    @Option(help: "npy (one file per hook), npz or safetensors.") var format: String = "npy"
    @Option(help: "The output folder.") var out: String
    @Option(help: "Capture memory budget in MiB.") var budget: Int = Tracer.defaultBudget >> 20
    @Argument(help: "The prompt.") var prompt: String?

    func validate() throws {
        let sources = [ids != nil, prompts != nil, prompt != nil].filter { $0 }.count
        guard sources == 1 else { throw ValidationError("give exactly one of --ids, --prompts FILE or a PROMPT") }
        guard DumpFormat(rawValue: format) != nil else { throw ValidationError("--format must be npy, npz or safetensors, not \(format)") }
        guard budget > 0 else { throw ValidationError("--budget must be positive") }
    }

    func run() throws {
        try reportingErrors {
            let model = try options.load()
            let transformer = Transformer(model: model, threads: options.threadCount)
            let selector = HookSelector(hooks)
            var jobs: [(prompt: String?, ids: [Int])] = []
            if let ids {
                jobs = [(nil, try parseIds(ids))]
            } else if let prompts {
                guard let text = try? String(contentsOfFile: prompts, encoding: .utf8) else {
                    throw ValidationError("--prompts: cannot read \(prompts) as UTF-8 text")
                }
                jobs = text.split(separator: "\n", omittingEmptySubsequences: true).map { line in
                    (String(line), model.tokenizer.encode(String(line), addSpecial: true, parseSpecial: true))
                }
            } else if let prompt {
                jobs = [(prompt, model.tokenizer.encode(prompt, addSpecial: true, parseSpecial: true))]
            }
            let format = DumpFormat(rawValue: format)!
            let progress = ProgressBar(total: jobs.count, enabled: jobs.count > 1)
            for (index, job) in jobs.enumerated() {
                let trace = try Tracer.run(transformer, tokens: job.ids, capture: selector, budget: budget << 20)
                let folder = jobs.count > 1 ? out + String(format: "/%04d", index) : out
                let files = try Dumps.write(trace, format: format, to: folder, prompt: job.prompt, modelPath: model.path)
                if jobs.count == 1 {
                    FileHandle.standardError.write(Data("wrote \(files.count) files to \(folder)\n".utf8))
                }
                progress.update(index + 1)
            }
        }
    }
}

/// Parses "2,651,6037" into token ids, naming the bad item.
func parseIds(_ text: String) throws -> [Int] {
    var tokens: [Int] = []
    for (index, part) in text.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
        guard let id = Int(part.trimmingCharacters(in: .whitespaces)) else {
            throw ValidationError("--ids: item \(index + 1) (\"\(part)\") is not a token id")
        }
        tokens.append(id)
    }
    guard !tokens.isEmpty else { throw ValidationError("--ids is empty") }
    return tokens
}

/// A one-line progress bar on standard error.
struct ProgressBar {
    let total: Int
    let enabled: Bool
    let started = Date()

    func update(_ done: Int) {
        guard enabled, total > 0 else { return }
        let width = 30
        let filled = width * done / total
        let elapsed = Date().timeIntervalSince(started)
        let remaining = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = "\r\(bar) \(done)/\(total)  " + String(format: "%.1fs elapsed, %.1fs left", elapsed, remaining)
        FileHandle.standardError.write(Data(line.utf8))
        if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
