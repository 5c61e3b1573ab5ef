// `gemma-repl run FILE.gnb`: run a notebook's cells in order, printing each output; with
// --update write the outputs back (atomically), with --check fail on any changed output.
import ArgumentParser
import Bindings
import Foundation
import Gemma
import GemmaLang
import LineEditor
import Notebook

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a .gnb notebook.",
        discussion: "Outputs are plain text at a width of 100 columns so that stored outputs do not depend on the terminal.")

    @OptionGroup var options: ModelOptions
    @Argument(help: "The notebook.") var file: String
    @Option(name: .customLong("param"), help: "NAME=VALUE: override a variable of the parameters cell (papermill-style).")
    var parameters: [String] = []
    @Flag(help: "Write the outputs back into the file.") var update = false
    @Flag(help: "Re-run and fail, with a diff, when an output differs from the stored one.") var check = false

    func validate() throws {
        guard !(update && check) else { throw ValidationError("--update and --check cannot be used together") }
        guard !(update && !parameters.isEmpty) else { throw ValidationError("--update writes the notebook's own outputs; it takes no --param") }
        for parameter in parameters where !parameter.contains("=") {
            throw ValidationError("--param \(parameter): expected NAME=VALUE")
        }
    }

    func run() throws {
        let interpreter = Interpreter()
        let workspace = Workspace(modelReference: options.model, threads: options.threadCount, colorMode: .plain, width: 100)
        workspace.install(into: interpreter)
        Interrupts.install(onNotebookInterrupt)
        interpreter.isInterrupted = { Interrupts.isPending || interruptRequested.load(ordering: .relaxed) }
        let runner = NotebookRunner(interpreter: interpreter)
        runner.onCellOutput = { cell, output in
            let label = cell.name.map { "[\($0)]" } ?? "[line \(cell.line)]"
            var text = "\u{1B}[2m\(label)\u{1B}[0m\n"
            if isatty(STDOUT_FILENO) == 0 { text = "\(label)\n" }
            FileHandle.standardOutput.write(Data((text + output + (output.hasSuffix("\n") || output.isEmpty ? "" : "\n")).utf8))
        }
        var overrides: [String: String] = [:]
        for parameter in parameters {
            let parts = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            overrides[String(parts[0])] = String(parts[1])
        }
        let result: NotebookRunResult
        do {
            let url = URL(fileURLWithPath: file)
            if update {
                result = try runner.update(fileAt: url)
            } else {
                let notebook = try Notebook.load(contentsOf: url)
                result = check ? try runner.check(notebook, parameters: overrides) : try runner.run(notebook, parameters: overrides)
            }
        } catch {
            FileHandle.standardError.write(Data("gemma-repl: error: \(error)\n".utf8))
            throw ExitCode.failure
        }
        if !result.report.isEmpty { FileHandle.standardError.write(Data((result.report + "\n").utf8)) }
        if result.exitStatus != 0 { throw ExitCode(result.exitStatus) }
    }
}

private func onNotebookInterrupt(_ signal: Int32) {
    Interrupts.signal()
    interruptRequested.store(true, ordering: .relaxed)
}
