// The workspace a script sees: the current model (loaded on first use), the threads, the
// display settings, and the registration of every runtime builtin into an interpreter.
import Figures
import Foundation
import Gemma
import GemmaLang
import Inspect

/// What scripts reach through the language: one current model and its transformer.
public final class Workspace: @unchecked Sendable {  // used from the interpreter's thread only
    /// The model reference to load on first use (a path or Ollama name); nil = the default order.
    public var modelReference: String?
    public var threads: Int
    /// How values display: colour mode and width. Notebooks use plain text at a fixed width.
    public var colorMode: ColorMode
    public var width: Int
    /// Capture budget for traces, in bytes.
    public var captureBudget = Tracer.defaultBudget
    /// Timings of the last generate(), for the REPL's `:verbose on`.
    public var lastStats: GenerationStats?
    private var loaded: Transformer?

    public init(modelReference: String? = nil, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                colorMode: ColorMode = .plain, width: Int = 100) {
        self.modelReference = modelReference
        self.threads = threads
        self.colorMode = colorMode
        self.width = width
    }

    /// The current model's transformer, loading the model on first use.
    public func transformer() throws -> Transformer {
        if let loaded { return loaded }
        do {
            let model = try GemmaModel(path: try ModelStore.resolve(modelReference))
            let transformer = Transformer(model: model, threads: threads)
            loaded = transformer
            return transformer
        } catch let error as GemmaLangError {
            throw error
        } catch {
            throw GemmaLangError.message("\(error)")
        }
    }

    public var isLoaded: Bool { loaded != nil }
    public var loadedModel: GemmaModel? { loaded?.model }

    /// Switches to another model (loaded now, so a bad reference fails here).
    public func switchModel(to reference: String?) throws -> GemmaModel {
        let previous = (modelReference, loaded)
        modelReference = reference
        loaded = nil
        do {
            return try transformer().model
        } catch {
            (modelReference, loaded) = previous
            throw error
        }
    }

    /// Registers every runtime builtin and `model` into `interpreter`.
    public func install(into interpreter: Interpreter) {
        for native in builtins() { interpreter.register(native) }
    }
}

/// Wraps runtime errors as language errors with their own text.
func bridged<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as GemmaLangError {
        throw error
    } catch GemmaError.interrupted {
        throw GemmaLangError.interrupted
    } catch {
        throw GemmaLangError.message("\(error)")
    }
}

/// A bound method: a NativeFunction whose body closes over the object.
func method(_ signature: String, _ help: String, _ body: @escaping (Arguments, Interpreter) throws -> Value) -> Value {
    .native(NativeFunction(signature: signature, help: help) { arguments, interpreter in
        try bridged { try body(arguments, interpreter) }
    })
}

/// Whether a script value is `nil`.
func isNil(_ value: Value) -> Bool {
    if case .null = value { return true }
    return false
}

/// An optional whole-number argument: nil when it is absent or nil.
func optionalInt(_ arguments: Arguments, _ index: Int, name: String) throws -> Int? {
    guard let value = try arguments.optional(index, name: name), !isNil(value) else { return nil }
    return try arguments.int(index, name: name)
}

/// A whole number from a script value (list items, subscripts), or an error naming `what`.
func integer(_ value: Value, _ what: String) throws -> Int {
    guard let n = value.numberValue, n.isFinite, n == n.rounded(), abs(n) < 9e15 else {
        throw GemmaLangError.message("\(what) must be a whole number, got \(value.numberValue.map { formatNumber($0) } ?? value.typeName)")
    }
    return Int(n)
}

/// A list of numbers as a language list.
func numbers(_ values: [Float]) -> Value { .makeList(values.map { .number(Double($0)) }) }
func numbers(_ values: [Int]) -> Value { .makeList(values.map { .number(Double($0)) }) }
