// The Gemma tokenizer: SentencePiece BPE with byte fallback, built from the vocabulary's plain
// arrays, matching llama.cpp's llama_tokenize / llama_detokenize id for id
// (llama.cpp src/llama-vocab.cpp; reference README section 5 and quirk 11).

/// Text to token ids and back, for a SentencePiece vocabulary of the kind Gemma uses
/// (GGUF `tokenizer.ggml.model = "llama"`).
///
/// Encoding follows llama.cpp: user-defined tokens (and, with `parseSpecial`, control and
/// unknown tokens) are cut out of the text first; each remaining piece has its spaces replaced
/// by `▁` (U+2581), optionally gets a leading space, and is merged pair by pair by score, with
/// characters that end up outside the vocabulary spelled as `<0xNN>` byte tokens.
public final class Tokenizer: Sendable {
    /// The text of every token, indexed by id (`▁` for a space, `<0x0A>` for a byte token).
    /// Empty texts are replaced by `[EMPTY_<id>]`, as llama.cpp does.
    public let pieces: [String]
    /// The ids of the tokens with a special role.
    public let specialTokens: SpecialTokens
    /// Whether `encode(addSpecial: true)` starts with BOS (`tokenizer.ggml.add_bos_token`).
    public let addBOS: Bool
    /// Whether `encode(addSpecial: true)` ends with EOS (`tokenizer.ggml.add_eos_token`).
    public let addEOS: Bool
    /// Whether a space is put before text at the start and after special tokens
    /// (`tokenizer.ggml.add_space_prefix`; false for Gemma), and removed again when decoding.
    public let addSpacePrefix: Bool

    private let types: [TokenType]
    /// For byte tokens the byte they stand for, -1 for other tokens.
    private let byteValues: [Int16]
    private let table: PieceTable
    private let merge: BigramMerge
    private let userDefinedSplitter: SpecialTokenSplitter
    private let specialSplitter: SpecialTokenSplitter

    /// Builds a tokenizer from a vocabulary's arrays (GGUF `tokenizer.ggml.tokens`, `.scores`,
    /// `.token_type`) and flags. Throws `TokenizerError` when the arrays differ in length, a
    /// special id is outside the vocabulary, BOS/EOS are to be added but missing, two pieces
    /// are equal, or a byte token is not spelled `<0xNN>`. Missing byte tokens are allowed:
    /// such bytes fall back to the unknown token (or are dropped when there is none).
    public init(pieces: [String], scores: [Float], types: [TokenType], special: SpecialTokens,
                addBOS: Bool, addEOS: Bool, addSpacePrefix: Bool) throws {
        let size = pieces.count
        guard size > 0 else { throw TokenizerError.emptyVocabulary }
        guard size <= Int(Int32.max) else { throw TokenizerError.vocabularyTooLarge(count: size) }
        guard scores.count == size, types.count == size else {
            throw TokenizerError.lengthMismatch(pieces: size, scores: scores.count, types: types.count)
        }
        let named: [(String, Int?)] = [("bos", special.bos), ("eos", special.eos),
                                       ("unknown", special.unknown), ("padding", special.padding),
                                       ("endOfTurn", special.endOfTurn)]
        for case let (name, id?) in named where !(0 ..< size).contains(id) {
            throw TokenizerError.specialTokenOutOfRange(name: name, id: id, vocabularySize: size)
        }
        if addBOS && special.bos == nil { throw TokenizerError.missingSpecialToken(name: "bos") }
        if addEOS && special.eos == nil { throw TokenizerError.missingSpecialToken(name: "eos") }

        var pieces = pieces
        for id in 0 ..< size where pieces[id].isEmpty { pieces[id] = "[EMPTY_\(id)]" }
        var types = types
        if let endOfTurn = special.endOfTurn { types[endOfTurn] = .control }
        let table = try PieceTable(pieces: pieces)

        var byteValues = [Int16](repeating: -1, count: size)
        for id in 0 ..< size where types[id] == .byte {
            guard let value = Self.byteValue(spelledBy: table.bytes(of: id)) else {
                throw TokenizerError.malformedByteToken(id: id, piece: pieces[id])
            }
            byteValues[id] = Int16(value)
        }
        let hexDigits = Array("0123456789ABCDEF".utf8)
        var byteTokens = [Int](repeating: -1, count: 256)
        for byte in 0 ..< 256 {
            var id = table.lookup(Array("<0x".utf8) + [hexDigits[byte >> 4], hexDigits[byte & 15], 0x3E])
            if id < 0 { id = table.lookup([UInt8(byte)]) }
            byteTokens[byte] = id >= 0 ? id : (special.unknown ?? -1)
        }

        var userDefined: [Int] = []
        var splitOut: [Int] = []
        for id in 0 ..< size {
            switch types[id] {
            case .userDefined:
                userDefined.append(id)
                splitOut.append(id)
            case .control, .unknown:
                splitOut.append(id)
            case .normal, .unused, .byte:
                break
            }
        }

        self.pieces = pieces
        self.specialTokens = special
        self.addBOS = addBOS
        self.addEOS = addEOS
        self.addSpacePrefix = addSpacePrefix
        self.types = types
        self.byteValues = byteValues
        self.table = table
        self.merge = BigramMerge(table: table, pairs: CharacterPairSet(table: table), scores: scores,
                                 byteTokens: byteTokens)
        self.userDefinedSplitter = SpecialTokenSplitter(ids: userDefined, table: table)
        self.specialSplitter = SpecialTokenSplitter(ids: splitOut, table: table)
    }

    /// The number of tokens in the vocabulary.
    public var vocabularySize: Int { pieces.count }

    /// The vocabulary text of token `id`; U+FFFD for an id outside the vocabulary.
    public func piece(_ id: Int) -> String {
        pieces.indices.contains(id) ? pieces[id] : "\u{FFFD}"
    }

    /// The type of token `id`; `.unknown` for an id outside the vocabulary.
    public func type(of id: Int) -> TokenType {
        types.indices.contains(id) ? types[id] : .unknown
    }

    /// The id of the token whose vocabulary text is exactly `piece`.
    public func id(of piece: String) -> Int? {
        let id = table.lookup(Array(piece.utf8))
        return id >= 0 ? id : nil
    }

    /// `<0xNN>` with two hexadecimal digits (either case) to the byte NN.
    private static func byteValue(spelledBy text: UnsafeBufferPointer<UInt8>) -> UInt8? {
        guard text.count == 6, text[0] == 0x3C, text[1] == 0x30, text[2] == 0x78, text[5] == 0x3E,
              let high = hexValue(text[3]), let low = hexValue(text[4]) else { return nil }
        return high << 4 | low
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case 0x30 ... 0x39: return digit - 0x30
        case 0x41 ... 0x46: return digit - 0x41 + 10
        case 0x61 ... 0x66: return digit - 0x61 + 10
        default: return nil
        }
    }

    // MARK: encoding

    /// The token ids of `text`, like `llama_tokenize(text, add_special: addSpecial,
    /// parse_special: parseSpecial)`. `addSpecial` adds BOS/EOS as `addBOS`/`addEOS` say;
    /// `parseSpecial` lets control-token text such as `<start_of_turn>` become that token.
    public func encode(_ text: String, addSpecial: Bool = true, parseSpecial: Bool = false) -> [Int] {
        encode(bytes: Array(text.utf8), addSpecial: addSpecial, parseSpecial: parseSpecial)
    }

    /// The token ids of raw bytes, which need not be valid UTF-8. As in llama.cpp, a lead byte
    /// claims the bytes its high bits announce whatever they are, and any character that does
    /// not become a piece is spelled with byte tokens. llama.cpp quirk kept for identical ids:
    /// spaces become `▁` before that split, so a broken lead byte just before a space swallows
    /// bytes of the `▁`, and decoding shows a literal `▁` there instead of the space.
    public func encode(bytes: [UInt8], addSpecial: Bool, parseSpecial: Bool) -> [Int] {
        var output: [Int] = []
        if addSpecial && addBOS, let bos = specialTokens.bos { output.append(bos) }
        bytes.withUnsafeBufferPointer { text in
            let splitter = parseSpecial ? specialSplitter : userDefinedSplitter
            var previousWasSpecial = true
            var escaped: [UInt8] = []
            for segment in splitter.split(text) {
                switch segment {
                case .token(let id):
                    output.append(id)
                    previousWasSpecial = true
                case .text(let range):
                    escaped.removeAll(keepingCapacity: true)
                    escaped.reserveCapacity(range.count + 3)
                    if addSpacePrefix && previousWasSpecial { escaped.append(contentsOf: Self.spaceMark) }
                    for byte in text[range] {
                        if byte == 0x20 { escaped.append(contentsOf: Self.spaceMark) } else { escaped.append(byte) }
                    }
                    mergeInChunks(escaped, into: &output)
                    previousWasSpecial = false
                }
            }
        }
        if addSpecial && addEOS, let eos = specialTokens.eos { output.append(eos) }
        return output
    }

    /// `▁` (U+2581) in UTF-8, which stands for a space inside pieces.
    private static let spaceMark: [UInt8] = [0xE2, 0x96, 0x81]

    /// Runs the merge; a fragment of 2^30 bytes or more (beyond llama.cpp's practical range)
    /// is merged in chunks cut at character boundaries so that positions fit 32 bits.
    private func mergeInChunks(_ text: [UInt8], into output: inout [Int]) {
        let chunkLimit = 1 << 30
        text.withUnsafeBufferPointer { buffer in
            var start = 0
            while start < buffer.count {
                var end = min(start + chunkLimit, buffer.count)
                while end < buffer.count && end > start + 1 && buffer[end] & 0xC0 == 0x80 { end -= 1 }
                merge.tokenize(UnsafeBufferPointer(rebasing: buffer[start ..< end]), into: &output)
                start = end
            }
        }
    }

    // MARK: decoding

    /// The text of `ids`, like `llama_detokenize(remove_special: false, unparse_special:
    /// renderSpecial)`: control and unknown tokens only appear when `renderSpecial` is set,
    /// byte tokens are joined into UTF-8, invalid UTF-8 becomes U+FFFD, and an id outside the
    /// vocabulary becomes U+FFFD.
    public func decode(_ ids: [Int], renderSpecial: Bool = false) -> String {
        String(decoding: decodeBytes(ids, renderSpecial: renderSpecial), as: UTF8.self)
    }

    /// The bytes `decode` turns into a String, before any U+FFFD replacement of invalid UTF-8.
    public func decodeBytes(_ ids: [Int], renderSpecial: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = []
        for (index, id) in ids.enumerated() {
            appendBytes(of: id, renderSpecial: renderSpecial, isFirst: index == 0, to: &bytes)
        }
        return bytes
    }

    /// Appends the text of one token; with a space prefix, the first token loses one leading
    /// space (llama.cpp's `lstrip`).
    func appendBytes(of id: Int, renderSpecial: Bool, isFirst: Bool, to bytes: inout [UInt8]) {
        guard types.indices.contains(id) else {
            bytes.append(contentsOf: [0xEF, 0xBF, 0xBD])
            return
        }
        let start = bytes.count
        let text = table.bytes(of: id)
        switch types[id] {
        case .normal:
            var index = 0
            while index < text.count {
                if index + 2 < text.count && text[index] == 0xE2 && text[index + 1] == 0x96
                    && text[index + 2] == 0x81 {
                    bytes.append(0x20)
                    index += 3
                } else {
                    bytes.append(text[index])
                    index += 1
                }
            }
        case .byte:
            bytes.append(UInt8(truncatingIfNeeded: byteValues[id]))
        case .userDefined:
            bytes.append(contentsOf: text)
        case .control, .unknown:
            if renderSpecial { bytes.append(contentsOf: text) }
        case .unused:
            break
        }
        if isFirst && addSpacePrefix && bytes.count > start && bytes[start] == 0x20 {
            bytes.remove(at: start)
        }
    }
}
