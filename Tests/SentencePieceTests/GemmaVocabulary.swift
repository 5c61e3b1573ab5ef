// Test support: the Gemma 3 vocabulary fixture (Tests/Fixtures/reference/gemma3-vocab-only.gguf) as a
// Tokenizer, built once per test run, and the llama.cpp tokenization goldens beside it.
import Foundation
import GGUF
import SentencePiece

enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let vocabularyPath = directory.appendingPathComponent("reference/gemma3-vocab-only.gguf").path
    static let goldenPath = directory.appendingPathComponent("reference/tokenization_gemma3.jsonl").path
}

/// The vocabulary arrays as the Gemma module will pass them to `Tokenizer.init`.
struct GemmaVocabulary {
    var pieces: [String]
    var scores: [Float]
    var types: [TokenType]
    var special: SpecialTokens
    var addBOS: Bool
    var addEOS: Bool
    var addSpacePrefix: Bool

    struct BadTokenType: Error { let value: Int }

    /// Reads the fixture through the GGUF module, key by key as the Gemma module does.
    static func load() throws -> GemmaVocabulary {
        let file = try GGUFFile(path: Fixtures.vocabularyPath)
        let pieces = try file.stringArray("tokenizer.ggml.tokens")
        let types = try file.intArray("tokenizer.ggml.token_type").map { raw -> TokenType in
            guard let type = Int32(exactly: raw).flatMap(TokenType.init(rawValue:)) else {
                throw BadTokenType(value: raw)
            }
            return type
        }
        let special = SpecialTokens(
            bos: try file.optionalInt("tokenizer.ggml.bos_token_id"),
            eos: try file.optionalInt("tokenizer.ggml.eos_token_id"),
            unknown: try file.optionalInt("tokenizer.ggml.unknown_token_id"),
            padding: try file.optionalInt("tokenizer.ggml.padding_token_id"),
            endOfTurn: pieces.firstIndex(of: "<end_of_turn>"))
        return GemmaVocabulary(
            pieces: pieces, scores: try file.floatArray("tokenizer.ggml.scores"), types: types,
            special: special,
            addBOS: try file.optionalBool("tokenizer.ggml.add_bos_token") ?? true,
            addEOS: try file.optionalBool("tokenizer.ggml.add_eos_token") ?? false,
            addSpacePrefix: try file.optionalBool("tokenizer.ggml.add_space_prefix") ?? true)
    }

    func makeTokenizer() throws -> Tokenizer {
        try Tokenizer(pieces: pieces, scores: scores, types: types, special: special,
                      addBOS: addBOS, addEOS: addEOS, addSpacePrefix: addSpacePrefix)
    }

    /// Loaded and built once; every test that needs the real vocabulary shares it.
    private static let shared: Result<(GemmaVocabulary, Tokenizer), any Error> = Result {
        let vocabulary = try load()
        return (vocabulary, try vocabulary.makeTokenizer())
    }

    static func sharedVocabulary() throws -> GemmaVocabulary { try shared.get().0 }
    static func sharedTokenizer() throws -> Tokenizer { try shared.get().1 }
}

/// One line of tokenization_gemma3.jsonl (README section 5).
struct GoldenCase {
    var id: Int
    var text: String
    var idsBOSSpecial: [Int]
    var idsPlain: [Int]
    var detok: String
    var detokBOSSpecial: String
    var piecesPlain: [String]

    struct Malformed: Error { let line: String }

    static func loadAll() throws -> [GoldenCase] {
        let contents = try String(contentsOfFile: Fixtures.goldenPath, encoding: .utf8)
        return try contents.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let id = object["id"] as? Int, let text = object["text"] as? String,
                  let idsBOSSpecial = object["ids_bos_special"] as? [Int],
                  let idsPlain = object["ids_plain"] as? [Int],
                  let detok = object["detok"] as? String,
                  let detokBOSSpecial = object["detok_bos_special"] as? String,
                  let piecesPlain = object["pieces_plain"] as? [String]
            else { throw Malformed(line: String(line)) }
            return GoldenCase(id: id, text: text, idsBOSSpecial: idsBOSSpecial, idsPlain: idsPlain,
                              detok: detok, detokBOSSpecial: detokBOSSpecial, piecesPlain: piecesPlain)
        }
    }
}
