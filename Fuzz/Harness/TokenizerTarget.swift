// Fuzz target: arbitrary bytes through the SentencePiece tokenizer, with the tiny fixture's
// vocabulary (512 pieces) and the Gemma 3 vocabulary (262144 pieces, byte fallback).
//
// The first byte chooses: bit 0 the vocabulary (1: Gemma 3), bit 1 addSpecial, bit 2
// parseSpecial, bit 3 whether the rest is text to encode (0) or token ids to decode (1: groups
// of three bytes as signed little-endian 24-bit numbers, so negative and out-of-range ids occur).
import GGUF
import SentencePiece

/// The vocabularies the tokenizer target uses, built once.
public enum FuzzVocabulary {
    /// The Gemma 3 vocabulary (Tests/Fixtures/reference/gemma3-vocab-only.gguf) as a Tokenizer.
    public static func gemma3() throws -> Tokenizer { try TokenizerTarget.gemma3.get() }
    /// The tiny fixture's 512-piece vocabulary.
    public static func tiny() throws -> Tokenizer { try TokenizerTarget.tiny.get() }
}

enum TokenizerTarget {
    static let tiny = Result { try loadTokenizer(FuzzPaths.fixture("tiny-gemma2-f32.gguf")) }
    static let gemma3 = Result { try loadTokenizer(FuzzPaths.fixture("gemma3-vocab-only.gguf")) }

    static func run(_ input: [UInt8]) throws {
        guard let flags = input.first else { return }
        let isGemma3 = flags & 1 != 0
        let tokenizer = try (isGemma3 ? gemma3 : tiny).get()
        let addSpecial = flags & 2 != 0, parseSpecial = flags & 4 != 0
        let body = Array(input.dropFirst())

        if flags & 8 != 0 {
            var ids: [Int] = []
            var index = 0
            while index + 2 < body.count {
                let bits = UInt32(body[index]) | UInt32(body[index + 1]) << 8 | UInt32(body[index + 2]) << 16
                ids.append(Int(Int32(bitPattern: bits << 8) >> 8))
                index += 3
            }
            try checkDecoding(ids, tokenizer, renderSpecial: parseSpecial)
            return
        }

        let ids = tokenizer.encode(bytes: body, addSpecial: addSpecial, parseSpecial: parseSpecial)
        if let bad = ids.first(where: { $0 < 0 || $0 >= tokenizer.vocabularySize }) {
            throw FuzzFailure(.tokenizer, "encode produced id \(bad) outside the vocabulary of \(tokenizer.vocabularySize)")
        }
        try checkDecoding(ids, tokenizer, renderSpecial: parseSpecial)

        // Gemma 3 spells every character (byte fallback), so valid UTF-8 comes back exactly:
        // plain text as it was; with special parsing, control tokens rendered as their text.
        guard isGemma3, String(validating: body, as: UTF8.self) != nil else { return }
        var content = ids
        if addSpecial, tokenizer.addBOS, let bos = tokenizer.specialTokens.bos, content.first == bos { content.removeFirst() }
        if addSpecial, tokenizer.addEOS, let eos = tokenizer.specialTokens.eos, content.last == eos { content.removeLast() }
        let back = tokenizer.decodeBytes(content, renderSpecial: parseSpecial)
        // "▁" (U+2581) stands for a space inside pieces, so one typed in the text comes back as a space.
        if back != Self.spaceMarksAsSpaces(body) {
            throw FuzzFailure(.tokenizer, "round trip of \(body) (parseSpecial \(parseSpecial)) gave \(back) via ids \(ids)")
        }
    }

    /// `bytes` with every "▁" (E2 96 81) replaced by a space.
    static func spaceMarksAsSpaces(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if index + 2 < bytes.count, bytes[index] == 0xE2, bytes[index + 1] == 0x96, bytes[index + 2] == 0x81 {
                result.append(0x20)
                index += 3
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return result
    }

    /// Decoding never fails; streaming in pieces gives exactly what decoding at once gives.
    static func checkDecoding(_ ids: [Int], _ tokenizer: Tokenizer, renderSpecial: Bool) throws {
        let whole = tokenizer.decode(ids, renderSpecial: renderSpecial)
        var decoder = StreamingDecoder(tokenizer: tokenizer, renderSpecial: renderSpecial)
        var streamed = ""
        for id in ids { streamed += decoder.append(id) }
        streamed += decoder.flush()
        if streamed != whole {
            throw FuzzFailure(.tokenizer, "streaming \(ids) gave \(streamed.debugDescription), decode gave \(whole.debugDescription)")
        }
        for id in ids.prefix(64) {
            _ = tokenizer.piece(id)
            _ = tokenizer.type(of: id)
        }
    }

    /// A tokenizer from the `tokenizer.ggml.*` keys, read as the Gemma module reads them.
    static func loadTokenizer(_ path: String) throws -> Tokenizer {
        let file = try GGUFFile(path: path)
        let pieces = try file.stringArray("tokenizer.ggml.tokens")
        let scores = try file.optionalFloatArray("tokenizer.ggml.scores") ?? [Float](repeating: 0, count: pieces.count)
        let rawTypes = try file.optionalIntArray("tokenizer.ggml.token_type") ?? [Int](repeating: 1, count: pieces.count)
        let types = rawTypes.map { Int32(exactly: $0).flatMap(TokenType.init(rawValue:)) ?? .normal }
        let special = SpecialTokens(
            bos: try file.optionalInt("tokenizer.ggml.bos_token_id"),
            eos: try file.optionalInt("tokenizer.ggml.eos_token_id"),
            unknown: try file.optionalInt("tokenizer.ggml.unknown_token_id"),
            padding: try file.optionalInt("tokenizer.ggml.padding_token_id"),
            endOfTurn: pieces.firstIndex(of: "<end_of_turn>"))
        return try Tokenizer(pieces: pieces, scores: scores, types: types, special: special,
                             addBOS: try file.optionalBool("tokenizer.ggml.add_bos_token") ?? true,
                             addEOS: try file.optionalBool("tokenizer.ggml.add_eos_token") ?? false,
                             addSpacePrefix: try file.optionalBool("tokenizer.ggml.add_space_prefix") ?? false)
    }
}
