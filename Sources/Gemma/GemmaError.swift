// Errors of the Gemma runtime: model files that do not describe a usable model, bad requests.

/// What can go wrong loading or running a Gemma model. Descriptions name the file and the key or tensor.
public enum GemmaError: Error, CustomStringConvertible, Equatable {
    case unsupportedArchitecture(file: String, found: String)
    /// A hyperparameter that is out of range or disagrees with the tensors; `offset` is where
    /// its value is in the file (nil for a default or a product of several keys).
    case badHyperparameter(file: String, offset: Int? = nil, key: String, value: String, reason: String)
    /// A metadata key that is missing or holds the wrong type (`tokenizer.ggml.scores` as integers).
    case metadata(file: String, offset: Int? = nil, key: String, reason: String)
    case missingTensor(file: String, name: String)
    case tensorShape(file: String, name: String, expected: [Int], found: [Int])
    case tensorType(file: String, name: String, type: String)
    case vocabulary(file: String, reason: String)
    case promptTooLong(tokens: Int, context: Int)
    case contextFull(position: Int, context: Int)
    case tokenOutOfRange(id: Int, vocabulary: Int)
    case modelNotFound(String)
    case ollama(path: String, reason: String)
    case interrupted
    case nonFinite(hook: String, index: Int)
    /// The model would need more memory than the machine has free (checked before loading).
    case insufficientMemory(file: String, estimate: MemoryEstimate, available: Int, source: String)

    public var description: String {
        switch self {
        case let .unsupportedArchitecture(file, found):
            return "\(file): general.architecture is \"\(found)\"; gemma-repl runs gemma, gemma2 and gemma3"
        case let .badHyperparameter(file, offset, key, value, reason):
            return "\(file): \(offset.map { "byte \($0): " } ?? "")\(key) = \(value): \(reason)"
        case let .missingTensor(file, name):
            return "\(file): tensor \(name) is missing"
        case let .tensorShape(file, name, expected, found):
            return "\(file): tensor \(name) has shape \(found), expected \(expected)"
        case let .tensorType(file, name, type):
            return "\(file): tensor \(name) has type \(type), which gemma-repl cannot compute with"
        case let .metadata(file, offset, key, reason):
            return "\(file): \(offset.map { "byte \($0): " } ?? "")\(key): \(reason)"
        case let .vocabulary(file, reason):
            return "\(file): vocabulary: \(reason)"
        case let .promptTooLong(tokens, context):
            return "the prompt is \(tokens) tokens, longer than the context of \(context) tokens"
        case let .contextFull(position, context):
            return "the context is full: position \(position) is past the context length of \(context)"
        case let .tokenOutOfRange(id, vocabulary):
            return "token id \(id) is outside the vocabulary of \(vocabulary) tokens"
        case let .modelNotFound(what):
            return "model not found: \(what)"
        case let .ollama(path, reason):
            return "Ollama model store: \(path): \(reason)"
        case .interrupted:
            return "interrupted"
        case let .nonFinite(hook, index):
            return "\(hook) produced a NaN or infinite value (at flat index \(index))"
        case let .insufficientMemory(file, estimate, available, source):
            return "\(file): needs about \(MemoryEstimate.format(estimate.total)) (\(estimate.breakdown)), "
                + "but only \(MemoryEstimate.format(available)) is available (\(source)); not loading it"
        }
    }
}
