// A loaded model: the memory-mapped GGUF, its configuration, weight views and tokenizer.
import Foundation
import GGUF
import SentencePiece

/// A Gemma model ready to run. Weights stay in the file's memory map, in their stored types.
public final class GemmaModel: @unchecked Sendable {  // immutable after load
    public let file: GGUFFile
    public let config: ModelConfig
    /// Each hyperparameter with the GGUF key it came from.
    public let configSources: [ConfigSource]
    public let weights: ModelWeights
    public let tokenizer: Tokenizer
    /// Seconds the load took.
    public let loadSeconds: Double

    public var path: String { file.path }
    public var name: String { (file.path as NSString).lastPathComponent }

    /// Opens and checks the model at `path`. With `checkMemory` (the default), a model whose
    /// `MemoryEstimate` exceeds the free memory is refused once its header is read, before any
    /// weight is paged in (`GemmaError.insufficientMemory`). Metadata of the wrong type or
    /// missing is reported with the file's name (`GemmaError.metadata`).
    public init(path: String, checkMemory: Bool = true) throws {
        let started = Date()
        file = try GGUFFile(path: path)
        let name = (path as NSString).lastPathComponent
        do {
            (config, configSources) = try ModelConfig.read(from: file)
            if checkMemory { try MemoryEstimate(config: config, fileSize: file.fileSize).check(file: name) }
            weights = try ModelWeights.load(from: file, config: config)
            tokenizer = try Self.readTokenizer(file)
        } catch let error as GGUFError {
            throw Self.naming(error, in: file, name: name)
        }
        loadSeconds = Date().timeIntervalSince(started)
    }

    /// A typed-accessor error (`missingKey`, `wrongType`, `valueOutOfRange`) with the file
    /// and the value's offset named.
    static func naming(_ error: GGUFError, in file: GGUFFile, name: String) -> Error {
        switch error {
        case let .missingKey(key):
            return GemmaError.metadata(file: name, key: key, reason: "required key is missing")
        case let .wrongType(key, expected, found):
            return GemmaError.metadata(file: name, offset: file.valueOffset(ofKey: key), key: key,
                                       reason: "expected \(expected), found \(found)")
        case let .valueOutOfRange(key, value, expected):
            return GemmaError.metadata(file: name, offset: file.valueOffset(ofKey: key), key: key,
                                       reason: "value \(value) does not fit \(expected)")
        default:
            return error
        }
    }

    /// Builds the SentencePiece tokenizer from the `tokenizer.ggml.*` metadata.
    static func readTokenizer(_ file: GGUFFile) throws -> Tokenizer {
        let name = (file.path as NSString).lastPathComponent
        let model = try file.optionalString("tokenizer.ggml.model") ?? "llama"
        guard model == "llama" else {
            throw GemmaError.vocabulary(file: name, reason: "tokenizer.ggml.model is \"\(model)\"; expected \"llama\" (SentencePiece)")
        }
        let pieces = try file.stringArray("tokenizer.ggml.tokens")
        let scores = file["tokenizer.ggml.scores"] == nil
            ? [Float](repeating: 0, count: pieces.count) : try file.floatArray("tokenizer.ggml.scores")
        let rawTypes = file["tokenizer.ggml.token_type"] == nil
            ? [Int](repeating: 1, count: pieces.count) : try file.intArray("tokenizer.ggml.token_type")
        guard scores.count == pieces.count, rawTypes.count == pieces.count else {
            throw GemmaError.vocabulary(file: name, reason: "tokenizer.ggml.tokens has \(pieces.count) entries, scores \(scores.count), token_type \(rawTypes.count)")
        }
        var types: [TokenType] = []
        types.reserveCapacity(rawTypes.count)
        for (id, raw) in rawTypes.enumerated() {
            guard let type = TokenType(rawValue: Int32(clamping: raw)) else {
                throw GemmaError.vocabulary(file: name, reason: "tokenizer.ggml.token_type[\(id)] = \(raw) is not a token type (1-6)")
            }
            types.append(type)
        }
        func special(_ key: String) throws -> Int? {
            guard let id = try file.optionalInt("tokenizer.ggml.\(key)") else { return nil }
            guard id >= 0, id < pieces.count else {
                throw GemmaError.vocabulary(file: name, reason: "tokenizer.ggml.\(key) = \(id) is outside the vocabulary of \(pieces.count)")
            }
            return id
        }
        let endOfTurn = pieces.firstIndex(of: "<end_of_turn>")
        let specials = SpecialTokens(bos: try special("bos_token_id"), eos: try special("eos_token_id"),
                                     unknown: try special("unknown_token_id"), padding: try special("padding_token_id"),
                                     endOfTurn: endOfTurn)
        func flag(_ key: String, _ fallback: Bool) throws -> Bool {
            file["tokenizer.ggml.\(key)"] == nil ? fallback : try file.bool("tokenizer.ggml.\(key)")
        }
        do {
            return try Tokenizer(pieces: pieces, scores: scores, types: types, special: specials,
                                 addBOS: try flag("add_bos_token", true), addEOS: try flag("add_eos_token", false),
                                 addSpacePrefix: try flag("add_space_prefix", false))
        } catch let error as TokenizerError {
            throw GemmaError.vocabulary(file: name, reason: error.description)
        }
    }

    /// Token ids that end a generation: `<eos>` and `<end_of_turn>`.
    public var endOfGeneration: Set<Int> {
        Set([tokenizer.specialTokens.eos, tokenizer.specialTokens.endOfTurn].compactMap { $0 })
    }

    /// Parameters in all (elements of every tensor).
    public var parameterCount: Int { file.tensors.reduce(0) { $0 + $1.elementCount } }
}
