// The runtime's builtins in GNB: tokenize, run, generate, attention, softcaps, lens, step,
// patch, perplexity, compare, dump, save, load. Each has a signature and help text.
import Figures
import Foundation
import Gemma
import GemmaLang
import Inspect

extension Workspace {
    /// Token ids from a string (tokenized with BOS and special tokens), a Tokens value or a list
    /// of ids; none at all is an error unless `allowEmpty`.
    func tokenIds(_ value: Value, function: String, allowEmpty: Bool = false) throws -> (ids: [Int], prompt: String?) {
        let result = try anyTokenIds(value, function: function)
        guard allowEmpty || !result.ids.isEmpty else { throw GemmaLangError.message("\(function)(): the prompt has no tokens") }
        return result
    }

    private func anyTokenIds(_ value: Value, function: String) throws -> (ids: [Int], prompt: String?) {
        let model = try transformer().model
        switch value {
        case .string(let text): return (model.tokenizer.encode(text, addSpecial: true, parseSpecial: true), text)
        case .object(let object as TokensObject): return (object.ids, nil)
        case .list(let box):
            let ids = try box.items.map { item -> Int in
                guard let n = item.numberValue, n == n.rounded(), n >= 0, n < Double(model.config.vocabularySize) else {
                    throw GemmaLangError.message("\(function)(): token ids must be whole numbers in 0..<\(model.config.vocabularySize)")
                }
                return Int(n)
            }
            return (ids, nil)
        default:
            throw GemmaLangError.message("\(function)(): expected a prompt string, Tokens or a list of ids, got \(value.typeName)")
        }
    }

    func stringList(_ value: Value?, function: String, argument: String) throws -> [String]? {
        guard let value, case .null = value else {
            guard let value else { return nil }
            if let s = value.stringValue { return [s] }
            guard let items = value.listItems else { throw GemmaLangError.message("\(function)(): '\(argument)' must be a string or a list of strings") }
            return try items.map { item in
                guard let s = item.stringValue else { throw GemmaLangError.message("\(function)(): '\(argument)' must hold strings") }
                return s
            }
        }
        return nil
    }

    func builtins() -> [NativeFunction] {
        func native(_ signature: String, _ help: String, _ body: @escaping (Arguments, Interpreter) throws -> Value) -> NativeFunction {
            NativeFunction(signature: signature, help: help) { arguments, interpreter in try bridged { try body(arguments, interpreter) } }
        }
        return [
            native("model()", "The current model: its card, hyperparameters (model().layers, .heads, .window, …) and hook names.") { [self] _, _ in
                .object(ModelObject(try transformer().model))
            },
            native("load(model)", "Switch to another model: a GGUF path or an Ollama name such as gemma2:2b.") { [self] args, _ in
                .object(ModelObject(try switchModel(to: try args.string(0, name: "model"))))
            },
            native("tokenize(text, bos: true, special: true)", "Split text into tokens: ids and pieces. special: turn <start_of_turn> etc. into their tokens.") { [self] args, _ in
                let model = try transformer().model
                let ids = model.tokenizer.encode(try args.string(0, name: "text"), addSpecial: try args.bool(1, name: "bos", default: true),
                                                 parseSpecial: try args.bool(2, name: "special", default: true))
                return .object(TokensObject(ids, model: model))
            },
            native("detokenize(ids)", "Text of token ids (a list or Tokens).") { [self] args, _ in
                .string(try transformer().model.tokenizer.decode(try tokenIds(try args.value(0, name: "ids"), function: "detokenize", allowEmpty: true).ids))
            },
            native("run(prompt, hooks: \"*\", caps: true, ablate: nil, mean_ablate: false, steer: nil)",
                   """
                   Run a prompt (text, Tokens or ids) and capture hook points by name or pattern (default: all) into a Trace.
                   caps: false runs without soft-capping. ablate: [[layer, head], …] zero-ablates heads (mean_ablate: true uses the mean).
                   steer: {hook: "blocks.3.hook_resid_post", vector: tensor, scale: 4} adds a steering vector.
                   """) { [self] args, interpreter in
                let transformer = try transformer()
                let (ids, prompt) = try tokenIds(try args.value(0, name: "prompt"), function: "run")
                let patterns = try stringList(try args.optional(1, name: "hooks"), function: "run", argument: "hooks") ?? ["*"]
                let hooks = Hooks()
                let c = transformer.model.config
                if let ablate = try args.optional(3, name: "ablate"), !isNil(ablate) {
                    let mean = try args.bool(4, name: "mean_ablate", default: false)
                    guard let pairs = ablate.listItems else { throw GemmaLangError.message("run(): ablate takes [[layer, head], …], got \(ablate.typeName)") }
                    for pair in pairs {
                        guard let items = pair.listItems, items.count == 2 else {
                            throw GemmaLangError.message("run(): ablate takes [[layer, head], …]")
                        }
                        let layer = try integer(items[0], "run(): an ablated layer"), head = try integer(items[1], "run(): an ablated head")
                        guard layer >= 0, layer < c.layerCount else { throw GemmaLangError.message("run(): ablate: layer \(layer) is outside 0..<\(c.layerCount)") }
                        guard head >= 0, head < c.headCount else { throw GemmaLangError.message("run(): ablate: head \(head) is outside 0..<\(c.headCount)") }
                        if mean { Intervention.meanAblateHead(hooks, layer: layer, head: head) }
                        else { Intervention.zeroAblateHead(hooks, layer: layer, head: head) }
                    }
                }
                if let steer = try args.optional(5, name: "steer"), !isNil(steer) {
                    let usage = "run(): steer takes {hook: \"blocks.N.hook_resid_post\", vector: tensor, scale: 1}"
                    guard case .map(let box) = steer, let hookName = box["hook"]?.stringValue,
                          let vector = box["vector"]?.objectValue as? TensorObject else { throw GemmaLangError.message(usage) }
                    guard let point = HookSelector([hookName]).points(layers: c.layerCount).first, !hookName.contains("*") else {
                        throw GemmaLangError.message("run(): steer: \(hookName) is not a hook point of this model (see hooks())")
                    }
                    let width = point.shape(c, positions: 1).last ?? 0
                    guard vector.tensor.count == width else {
                        throw GemmaLangError.message("run(): steer: the vector has \(vector.tensor.count) values; \(hookName) has \(width) per position")
                    }
                    let scale = try box["scale"].map { value -> Double in
                        guard let n = value.numberValue else { throw GemmaLangError.message("run(): steer: scale must be a number, got \(value.typeName)") }
                        return n
                    } ?? 1
                    try Intervention.addSteering(hooks, at: point, vector: vector.tensor.data, scale: Float(scale))
                }
                let saved = transformer.options
                transformer.options.softCaps = try args.bool(2, name: "caps", default: true)
                defer { transformer.options = saved }
                let trace = try Tracer.run(transformer, tokens: ids, capture: HookSelector(patterns), budget: captureBudget, interventions: hooks)
                return .object(TraceObject(trace, workspace: self, modelPath: transformer.model.path, prompt: prompt))
            },
            native("generate(prompt, max: 40, temp: 0, top_k: 40, top_p: 0.95, min_p: 0.05, repeat_penalty: 1, seed: 0, chat: false)",
                   "Generate text, streamed as it comes. temp 0 is greedy; chat: true wraps the prompt in Gemma's chat format.") { [self] args, interpreter in
                let transformer = try transformer()
                let model = transformer.model
                var text = try args.string(0, name: "prompt")
                if try args.bool(8, name: "chat", default: false) { text = ChatFormat.userTurn(text) }
                let ids = model.tokenizer.encode(text, addSpecial: true, parseSpecial: true)
                let settings = SamplerSettings(temperature: Float(try args.number(2, name: "temp", default: 0)),
                                               topK: try args.int(3, name: "top_k", default: 40),
                                               topP: Float(try args.number(4, name: "top_p", default: 0.95)),
                                               minP: Float(try args.number(5, name: "min_p", default: 0.05)),
                                               repetitionPenalty: Float(try args.number(6, name: "repeat_penalty", default: 1)),
                                               seed: UInt64(max(0, try args.int(7, name: "seed", default: 0))))
                let maxTokens = try args.int(1, name: "max", default: 40)
                guard maxTokens >= 0 else { throw GemmaLangError.message("generate(): max must be 0 or more") }
                // An absurd limit is clamped to the room the context leaves, and said so.
                let room = model.config.contextLength - ids.count
                if maxTokens > room, room >= 0 {
                    interpreter.output("generate(): max \(maxTokens) is more than the context of \(model.config.contextLength) tokens; generating at most \(room)\n")
                }
                let context = min(model.config.contextLength, ids.count + min(maxTokens, max(room, 0)) + 1)
                let result = try Generator(transformer: transformer).generate(
                    promptIds: ids, maxTokens: maxTokens, sampler: settings, cache: KVCache(config: model.config, contextLength: context)) { piece in
                    interpreter.output(piece)
                }
                interpreter.output("\n")
                lastStats = result.stats
                return .string(result.text)
            },
            native("attention(prompt, layer, head: nil)", "The attention map of one layer and head (head: nil for the mean), with token labels and the sliding window.") { [self] args, _ in
                let transformer = try transformer()
                let (ids, _) = try tokenIds(try args.value(0, name: "prompt"), function: "attention")
                let layer = try args.int(1, name: "layer")
                guard layer >= 0, layer < transformer.model.config.layerCount else {
                    throw GemmaLangError.message("attention(): layer \(layer) is outside 0..<\(transformer.model.config.layerCount)")
                }
                let head = try optionalInt(args, 2, name: "head")
                let trace = try Tracer.run(transformer, tokens: ids, capture: HookSelector(["blocks.\(layer).attn.hook_pattern"]), budget: captureBudget)
                return .object(try AttentionMapObject(map: try AttentionMap(trace: trace, layer: layer), head: head, workspace: self))
            },
            native("softcaps(prompt, threshold: 0.1)", "What the soft-caps did: values bent, largest before the cap, KL, and a run without caps compared.") { [self] args, _ in
                let (ids, _) = try tokenIds(try args.value(0, name: "prompt"), function: "softcaps")
                return .object(SoftCapObject(try SoftCapReport.run(try transformer(), tokens: ids, threshold: Float(try args.number(1, name: "threshold", default: 0.1)))))
            },
            native("lens(prompt, k: 5)", "The logit lens: the top tokens after every layer (final norm, unembedding, soft-cap applied to the residual).") { [self] args, _ in
                let (ids, _) = try tokenIds(try args.value(0, name: "prompt"), function: "lens")
                return .object(LensObject(try LogitLens.run(try transformer(), tokens: ids, k: try args.int(1, name: "k", default: 5)), workspace: self))
            },
            native("step(prompt, max: 1, temp: 0)", "Step through inference one stage at a time: s = step(\"Hi\"); s.next(); s.next() …") { [self] args, _ in
                let (ids, _) = try tokenIds(try args.value(0, name: "prompt"), function: "step")
                let stepper = Stepper(try transformer(), prompt: ids, maxTokens: max(1, try args.int(1, name: "max", default: 1)),
                                      sampler: SamplerSettings(temperature: Float(try args.number(2, name: "temp", default: 0))))
                return .object(StepperObject(stepper))
            },
            native("patch(clean, corrupted, answer, wrong, hook: \"hook_resid_pre\")",
                   "Activation patching: patch each layer and position of the clean run into the corrupted one; metric = logit(answer) − logit(wrong).") { [self] args, _ in
                let transformer = try transformer()
                let clean = try tokenIds(try args.value(0, name: "clean"), function: "patch").ids
                let corrupted = try tokenIds(try args.value(1, name: "corrupted"), function: "patch").ids
                func token(_ index: Int, _ name: String) throws -> Int {
                    let value = try args.value(index, name: name)
                    if value.numberValue != nil {
                        let id = try integer(value, "patch(): '\(name)'")
                        let vocabulary = transformer.model.config.vocabularySize
                        guard id >= 0, id < vocabulary else { throw GemmaLangError.message("patch(): '\(name)' token \(id) is outside 0..<\(vocabulary)") }
                        return id
                    }
                    let ids = try tokenIds(value, function: "patch").ids.filter { $0 != transformer.model.tokenizer.specialTokens.bos }
                    guard ids.count == 1 else { throw GemmaLangError.message("patch(): '\(name)' must be one token, got \(ids.count)") }
                    return ids[0]
                }
                let hookName = try args.string(4, name: "hook", default: "hook_resid_pre")
                guard let hook = BlockHook(rawValue: hookName) else { throw GemmaLangError.message("patch(): unknown block hook \(hookName)") }
                let result = try ActivationPatching.run(transformer, clean: clean, corrupted: corrupted, hook: hook,
                                                        metric: ActivationPatching.logitDifference(try token(2, "answer"), try token(3, "wrong")))
                return .object(PatchingObject(result, labels: clean.map { LogitLens.visible(transformer.model.tokenizer.piece($0)) }, workspace: self))
            },
            native("perplexity(text)", "Perplexity of a text under the current model.") { [self] args, _ in
                let (ids, _) = try tokenIds(try args.value(0, name: "text"), function: "perplexity")
                return .number(try Perplexity.of(ids, try transformer()).value)
            },
            native("compare(other, text)", "Compare the current model with another (a path or name) on a text: per-position KL, top-1 agreement, worst positions.") { [self] args, _ in
                let reference = try transformer()
                let other = try GemmaModel(path: try ModelStore.resolve(try args.string(0, name: "other")))
                let (ids, _) = try tokenIds(try args.value(1, name: "text"), function: "compare")
                let comparison = try DistributionComparison.compare(reference: reference, candidate: Transformer(model: other, threads: threads), ids: ids)
                return .object(ComparisonObject(comparison, pieces: ids.map { reference.model.tokenizer.piece($0) }))
            },
            native("hooks(pattern: \"*\")", "Hook point names of the current model matching a pattern, with their shapes for one token.") { [self] args, _ in
                let c = try transformer().model.config
                let selector = HookSelector([try args.string(0, name: "pattern", default: "*")])
                return .makeList(selector.points(layers: c.layerCount).map { point in
                    .string("\(point.name) \(point.shape(c, positions: 1)) — \(point.summary)")
                })
            },
            native("save(value, path)", "Save a tensor (.npy), a figure (.svg/.png: attention maps, a layer's attention, the logit lens, soft-caps, top-k, histograms), or a trace (a folder of .npy).") { [self] args, interpreter in
                let value = try args.value(0, name: "value")
                let path = try args.string(1, name: "path")
                switch value {
                case .object(let object as TensorObject):
                    guard path.lowercased().hasSuffix(".npy") else {
                        throw GemmaLangError.message("save(): a Tensor is saved as .npy; \(path) names another format")
                    }
                    try NPY.write(object.tensor, to: path)
                case .object(let object as AttentionMapObject): try object.save(to: path)
                case .object(let object as TraceObject):
                    try Dumps.write(object.trace, format: .npy, to: path, prompt: object.prompt, modelPath: object.modelPath)
                case .object(let object as HostObject & FigureConvertible) where object.figures.contains(where: \.isPicture):
                    // The first picture the value shows: a map, the lens grid, the soft-cap curves, bars, a histogram.
                    guard let figure = object.figures.first(where: \.isPicture) else { break }
                    try figure.write(to: path)
                case .object(let object):
                    guard let save = try object.member("save", interpreter: interpreter), case .native(let function) = save else {
                        throw GemmaLangError.message("save(): a \(object.typeName) cannot be saved")
                    }
                    _ = try function.body(Arguments(function: "save", positional: [.string(path)]), interpreter)
                default: throw GemmaLangError.message("save(): a \(value.typeName) cannot be saved; use a Tensor, a map, a figure or a trace")
                }
                _ = self
                return .string(path)
            },
            native("dump(prompt, folder, hooks: \"*\", format: \"npy\")", "Capture hooks for a prompt and write them for numpy, with a JSON sidecar.") { [self] args, _ in
                let transformer = try transformer()
                let (ids, prompt) = try tokenIds(try args.value(0, name: "prompt"), function: "dump")
                let folder = try args.string(1, name: "folder")
                let patterns = try stringList(try args.optional(2, name: "hooks"), function: "dump", argument: "hooks") ?? ["*"]
                guard let format = DumpFormat(rawValue: try args.string(3, name: "format", default: "npy")) else {
                    throw GemmaLangError.message("dump(): format must be npy, npz or safetensors")
                }
                let trace = try Tracer.run(transformer, tokens: ids, capture: HookSelector(patterns), budget: captureBudget)
                return .makeList(try Dumps.write(trace, format: format, to: folder, prompt: prompt, modelPath: transformer.model.path).map { .string($0) })
            },
            native("load_npy(path)", "Read a float32 .npy file as a Tensor.") { args, _ in
                .object(TensorObject(try NPY.read(try args.string(0, name: "path"))))
            },
        ]
    }
}
