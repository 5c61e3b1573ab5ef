// `gemma-repl` with no subcommand: the REPL. Line editing and history through libedit,
// continuation lines while brackets or blocks are open, bare expressions printed, meta
// commands in the Ollama and IPython tradition, Ctrl-C that stops any evaluation.
import ArgumentParser
import Bindings
import Figures
import Foundation
import Gemma
import GemmaLang
import LineEditor
import Notebook

struct REPLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "The interactive prompt (the default when no subcommand is given).",
        discussion: "Type :help at the prompt. With stdin not a terminal, lines are read plainly, so scripts can be piped in.")

    @OptionGroup var options: ModelOptions
    @Option(name: .customShort("e"), help: "Evaluate this code, print the result and exit.") var evaluate: String?
    @Flag(help: "No colour in output.") var noColor = false

    func run() throws {
        let session = REPLSession(options: options, color: !noColor)
        if let evaluate {
            let ok = session.evaluate(evaluate, file: "-e")
            if !ok { throw ExitCode.failure }
            return
        }
        let failures = session.loop()
        // Piped scripts report failure like a script interpreter does.
        if failures > 0 && isatty(STDIN_FILENO) == 0 { throw ExitCode.failure }
    }
}

/// What is set from the SIGINT handler: only atomic stores (async-signal-safe).
private func onInterrupt(_ signal: Int32) {
    Interrupts.signal()
    interruptRequested.store(true, ordering: .relaxed)
}

final class REPLSession {
    let interpreter = Interpreter()
    let workspace: Workspace
    let color: Bool
    var verbose = false
    /// Names defined before the user typed anything (builtins), hidden from :vars.
    let builtinNames: Set<String>
    /// The session so far, as notebook cells (code, what it printed, whether it failed), for :save.
    var cells: [SessionEntry] = []
    private var captured = ""
    private var inputLine = 0

    init(options: ModelOptions, color: Bool) {
        let terminal = TerminalCapabilities.detect()
        self.color = color && terminal.mode != .plain
        workspace = Workspace(modelReference: options.model, threads: options.threadCount,
                              colorMode: self.color ? terminal.mode : .plain, width: terminal.width)
        workspace.install(into: interpreter)
        builtinNames = Set(interpreter.globalNames())
        interpreter.displayWidth = terminal.width
        interpreter.isInterrupted = { Interrupts.isPending || interruptRequested.load(ordering: .relaxed) }
        interpreter.output = { [unowned self] text in
            FileHandle.standardOutput.write(Data(text.utf8))
            captured += text
        }
        Interrupts.install(onInterrupt)
    }

    /// Runs one input; prints its value or its diagnostics. Returns whether it succeeded.
    @discardableResult
    func evaluate(_ source: String, file: String = "<repl>") -> Bool {
        Interrupts.clear()
        interruptRequested.store(false, ordering: .relaxed)
        captured = ""
        workspace.lastStats = nil
        let started = Date()
        let result = interpreter.run(source, file: file, firstLine: 1)
        let seconds = Date().timeIntervalSince(started)
        var shown = ""
        for diagnostic in result.diagnostics {
            shown += diagnostic.rendered(color: color) + "\n"
        }
        if let value = result.value, result.diagnostics.isEmpty {
            if case .null = value {} else { shown += value.display(width: workspace.width) + "\n" }
        }
        FileHandle.standardOutput.write(Data(shown.utf8))
        cells.append(SessionEntry(code: source, output: captured + shown, isError: !result.diagnostics.isEmpty))
        if verbose {
            var report = String(format: "(%.3f s)", seconds)
            if let stats = workspace.lastStats { report = stats.report }
            FileHandle.standardError.write(Data((report + "\n").utf8))
        }
        Interrupts.clear()
        interruptRequested.store(false, ordering: .relaxed)
        return result.diagnostics.isEmpty
    }

    /// Reads and evaluates until end of input; returns how many inputs failed.
    @discardableResult
    func loop() -> Int {
        var failures = 0
        let interactive = isatty(STDIN_FILENO) != 0
        let reader = LineEditor.make(historyPath: LineEditor.defaultHistoryPath()) { [unowned self] line, word in
            complete(line: line, word: word)
        }
        if interactive {
            let model = (try? ModelStore.resolve(workspace.modelReference)).map { ($0 as NSString).lastPathComponent } ?? "none found"
            print("gemma-repl: Gemma inference opened up. Model: \(model) (loaded on first use).")
            print("Type :help for help, ?name for help on a name, :quit or Ctrl-D to leave.")
        }
        // The history is saved (atomically) after every input, so a killed session or a closed
        // terminal loses nothing; an unwritable history file is one warning, not one per line.
        var historyWarned = false
        func persistHistory() {
            guard let warning = reader.saveHistory(), !historyWarned else { return }
            historyWarned = true
            FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
        }
        var buffer = ""
        while true {
            let prompt = buffer.isEmpty ? (color ? "\u{1}\u{1B}[1;36m\u{2}gemma>\u{1}\u{1B}[0m\u{2} " : "gemma> ") : "  ...> "
            switch reader.readLine(prompt: prompt) {
            case .endOfInput:
                if !buffer.isEmpty && !evaluate(buffer) { failures += 1 }
                if interactive { print("") }
                return failures
            case .interrupted:
                buffer = ""
                continue
            case .line(let line):
                if buffer.isEmpty, let command = MetaCommand(line) {
                    reader.addHistory(line)
                    persistHistory()
                    if !run(command) { return failures }
                    continue
                }
                buffer += buffer.isEmpty ? line : "\n" + line
                if Interpreter.isIncomplete(buffer) { continue }
                reader.addHistory(buffer)
                persistHistory()
                if !buffer.trimmingCharacters(in: .whitespaces).isEmpty && !evaluate(buffer) { failures += 1 }
                buffer = ""
            }
        }
    }
}
