// The REPL's meta commands, in the Ollama and IPython tradition: :help, ?name, :vars, :model,
// :verbose, :load, :save, :hooks, :reset, :quit.
import Bindings
import Foundation
import Gemma
import GemmaLang
import Inspect
import LineEditor
import Notebook

enum MetaCommand {
    case help(String?)
    case vars
    case model(String?)
    case verbose(String?)
    case load(String)
    case save(String, replace: Bool)
    case hooks(String?)
    case reset
    case quit
    case unknown(String)

    /// Parses a line that starts with `:` or `?`; nil for ordinary code.
    init?(_ line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("?") && trimmed.count > 1 {
            self = .help(String(trimmed.dropFirst()).trimmingCharacters(in: .whitespaces))
            return
        }
        guard trimmed.hasPrefix(":") else { return nil }
        let parts = trimmed.dropFirst().split(separator: " ", maxSplits: 1).map(String.init)
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : nil
        switch parts.first ?? "" {
        case "help", "h", "?": self = .help(argument)
        case "vars", "who": self = .vars
        case "model", "m": self = .model(argument)
        case "verbose": self = .verbose(argument)
        case "load": self = .load(argument ?? "")
        case "save": self = .save(argument ?? "", replace: false)
        case "save!": self = .save(argument ?? "", replace: true)
        case "hooks": self = .hooks(argument)
        case "reset": self = .reset
        case "quit", "q", "exit", "bye": self = .quit
        default: self = .unknown(trimmed)
        }
    }
}

extension REPLSession {
    static let overview = """
    gemma-repl — look inside Gemma models. Everything is one line at the gemma> prompt:
      tokenize("The capital of France is")          tokens with ids and pieces
      let t = run("The capital of France is")       run the model, capturing every hook point
      t.top(5)                                      the likeliest next tokens
      t.layer(3).attn.head(0)                       layer 3 head 0's attention map (t.layer(3).attn.map(): all heads)
      softcaps("The capital of France is")          what Gemma 2's soft-caps did to scores and logits
      lens("The capital of France is")              the logit lens: the top token after every layer
      let s = step("Hello")  then  s.next()         step through one stage at a time
      t.dump("out") or save(t["blocks.5.hook_resid_post"], "resid5.npy")   dumps for numpy
      generate("Why is the sky blue?", max: 60, chat: true)
    Meta commands:
      :help [name]  ?name   help on a builtin, a type (Tensor, Trace, …) or a value
      :vars                 your variables        :hooks [pattern]   hook point names and shapes
      :model [name|path]    show or switch model  :verbose on|off    timings after each evaluation
      :load FILE.gnb        run a notebook        :save FILE.gnb     save this session as a notebook
      :reset                forget variables      :save! FILE.gnb    the same, replacing FILE.gnb
      :quit                 leave (or Ctrl-D)
    Tab completes names, members (t.la<TAB>), hook names inside strings and file paths.
    Ctrl-C stops a running evaluation and keeps the session. help() lists every builtin.
    """

    /// Runs a meta command; false means quit.
    func run(_ command: MetaCommand) -> Bool {
        switch command {
        case .help(let topic):
            guard let topic, !topic.isEmpty else { print(Self.overview); return true }
            if let text = interpreter.help(for: topic) { print(text) }
            else if let point = HookPoint(name: topic) { print("\(point.name): \(point.summary)") }
            else { print("no help for '\(topic)'; try :help, or help() for every builtin") }
        case .vars:
            let mine = interpreter.globalNames().filter { !builtinNames.contains($0) }.sorted()
            if mine.isEmpty { print("(no variables yet)") }
            for name in mine {
                guard let value = interpreter.lookup(name) else { continue }
                let text: String
                if case .object(let object) = value { text = object.shortDescription } else { text = value.repr }
                print(name.padding(toLength: 14, withPad: " ", startingAt: 0) + " " + value.typeName.padding(toLength: 12, withPad: " ", startingAt: 0)
                      + " " + String(text.prefix(max(20, workspace.width - 30))))
            }
        case .model(let reference):
            do {
                if let reference, !reference.isEmpty {
                    let model = try workspace.switchModel(to: reference)
                    print("model: \(model.name) (\(model.config.architecture), \(model.config.layerCount) layers)")
                } else if let model = workspace.loadedModel {
                    print("model: \(model.path) (\(model.config.architecture))")
                } else {
                    print("model: \((try? ModelStore.resolve(workspace.modelReference)) ?? "none found") (not loaded yet)")
                }
            } catch {
                print("error: \(error)")
            }
        case .verbose(let setting):
            switch setting {
            case "on"?, nil: verbose = true
            case "off"?: verbose = false
            default: print(":verbose takes on or off")
            }
            print("verbose \(verbose ? "on" : "off")")
        case .load(let path):
            loadNotebook(path)
        case .save(let path, let replace):
            saveNotebook(path, replace: replace)
        case .hooks(let pattern):
            do {
                let config = try workspace.transformer().model.config
                for point in HookSelector([pattern ?? "*"]).points(layers: config.layerCount) {
                    print(point.name.padding(toLength: 36, withPad: " ", startingAt: 0) + " \(point.shape(config, positions: 1))  \(point.summary)")
                }
            } catch {
                print("error: \(error)")
            }
        case .reset:
            interpreter.reset()
            cells = []
            print("variables forgotten")
        case .quit:
            return false
        case .unknown(let text):
            print("unknown command \(text); :help lists them")
        }
        return true
    }

    /// `:load FILE.gnb`: runs the notebook's code cells here, so its variables stay.
    func loadNotebook(_ path: String) {
        guard !path.isEmpty else { print(":load takes a .gnb file"); return }
        do {
            let notebook = try Notebook.load(contentsOf: URL(fileURLWithPath: (path as NSString).expandingTildeInPath))
            let runner = NotebookRunner(interpreter: interpreter)
            runner.displayWidth = workspace.width
            runner.onCellOutput = { _, output in
                FileHandle.standardOutput.write(Data((output + (output.hasSuffix("\n") || output.isEmpty ? "" : "\n")).utf8))
            }
            let result = try runner.run(notebook)
            // The notebook's output closure is restored by the runner; keep capturing ours.
            if !result.succeeded { print(result.report) }
            print("\(path): ran \(result.cells.count) code cells")
        } catch {
            print("error: \(error)")
        }
        Interrupts.clear()
        interruptRequested.store(false, ordering: .relaxed)
    }

    /// `:save FILE.gnb`: this session as a notebook, one code cell per input with its output.
    /// An existing file is kept unless `replace` (`:save! FILE.gnb`), as IPython's %save asks
    /// before overwriting.
    func saveNotebook(_ path: String, replace: Bool) {
        guard !path.isEmpty else { print(":save takes a file name ending in .gnb"); return }
        let expanded = (path as NSString).expandingTildeInPath
        if !replace && FileManager.default.fileExists(atPath: expanded) {
            print("error: \(path) exists; :save! \(path) replaces it")
            return
        }
        do {
            try Notebook.session(from: cells, file: expanded).write(to: URL(fileURLWithPath: expanded))
            print("saved \(cells.count) inputs to \(path)")
        } catch {
            print("error: \(error)")
        }
    }
}
