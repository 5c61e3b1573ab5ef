// Token types, special token ids and the tokenizer's errors (GGUF keys
// tokenizer.ggml.token_type and tokenizer.ggml.*_token_id; llama.cpp src/llama-vocab.cpp).

/// The type of a vocabulary entry, numbered as in GGUF `tokenizer.ggml.token_type`.
public enum TokenType: Int32, Sendable, CaseIterable {
    /// An ordinary SentencePiece piece; `▁` (U+2581) in its text stands for a space.
    case normal = 1
    /// The unknown token; only matched in text when special tokens are parsed.
    case unknown = 2
    /// A control token such as `<bos>` or `<start_of_turn>`; matched in text only when special
    /// tokens are parsed, rendered by `decode` only when asked.
    case control = 3
    /// A user-defined token (Gemma: `\n`, runs of spaces and tabs, HTML tags): always split out
    /// of the text before merging, always rendered verbatim.
    case userDefined = 4
    /// An unused slot. The merge may still reach it (llama.cpp does not exclude it); it decodes
    /// to nothing.
    case unused = 5
    /// A byte-fallback token `<0xNN>` standing for one raw byte.
    case byte = 6
}

/// The ids of the tokens with a special role. Every id must lie inside the vocabulary.
public struct SpecialTokens: Sendable, Equatable {
    /// Beginning of sequence (GGUF `tokenizer.ggml.bos_token_id`; Gemma: 2, `<bos>`).
    public var bos: Int?
    /// End of sequence (GGUF `tokenizer.ggml.eos_token_id`; Gemma: 1, `<eos>`).
    public var eos: Int?
    /// Unknown token (GGUF `tokenizer.ggml.unknown_token_id`; Gemma: 3, `<unk>`); used when a
    /// byte has no `<0xNN>` token.
    public var unknown: Int?
    /// Padding (GGUF `tokenizer.ggml.padding_token_id`; Gemma: 0, `<pad>`).
    public var padding: Int?
    /// End of a chat turn, `<end_of_turn>` if the vocabulary has it (Gemma: 106). Like
    /// llama.cpp, the tokenizer treats this token as a control token whatever its type says.
    public var endOfTurn: Int?

    /// Collects the special token ids; leave out the ones the vocabulary lacks.
    public init(bos: Int? = nil, eos: Int? = nil, unknown: Int? = nil,
                padding: Int? = nil, endOfTurn: Int? = nil) {
        self.bos = bos
        self.eos = eos
        self.unknown = unknown
        self.padding = padding
        self.endOfTurn = endOfTurn
    }
}

/// Why a vocabulary cannot make a tokenizer.
public enum TokenizerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The vocabulary has no tokens.
    case emptyVocabulary
    /// More tokens than 32-bit token ids can number.
    case vocabularyTooLarge(count: Int)
    /// `pieces`, `scores` and `types` must have the same length.
    case lengthMismatch(pieces: Int, scores: Int, types: Int)
    /// A special token id (`name` is bos, eos, unknown, padding or endOfTurn) outside 0..<size.
    case specialTokenOutOfRange(name: String, id: Int, vocabularySize: Int)
    /// `addBOS` / `addEOS` is set but the corresponding special token is missing.
    case missingSpecialToken(name: String)
    /// Two entries have the same text (llama.cpp refuses such vocabularies too).
    case duplicatePiece(piece: String, firstID: Int, secondID: Int)
    /// A token of type `byte` whose text is not `<0xNN>` with two hexadecimal digits.
    case malformedByteToken(id: Int, piece: String)

    public var description: String {
        switch self {
        case .emptyVocabulary:
            return "tokenizer: the vocabulary is empty"
        case let .vocabularyTooLarge(count):
            return "tokenizer: \(count) tokens do not fit 32-bit token ids"
        case let .lengthMismatch(pieces, scores, types):
            return "tokenizer: \(pieces) pieces, \(scores) scores and \(types) token types; the three must have the same length"
        case let .specialTokenOutOfRange(name, id, size):
            return "tokenizer: special token \(name) = \(id) is outside the vocabulary (0..<\(size))"
        case let .missingSpecialToken(name):
            return "tokenizer: add_\(name)_token is set but the vocabulary has no \(name) token id"
        case let .duplicatePiece(piece, first, second):
            return "tokenizer: piece \(piece.debugDescription) appears twice, as ids \(first) and \(second)"
        case let .malformedByteToken(id, piece):
            return "tokenizer: token \(id) has type byte but its text \(piece.debugDescription) is not <0xNN>"
        }
    }
}
