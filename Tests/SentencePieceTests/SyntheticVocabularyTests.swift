// A tiny vocabulary shaped like the fixture models' (reference README section 1: <pad> <eos>
// <bos> <unk>, byte tokens <0x00>..<0xFF> at 4 + byte, then "▁" and single characters) with a
// few pieces added per test, to pin down merge priority, ties, byte fallback and splitting.
import SentencePiece
import XCTest

/// Builds the README-section-1-shaped vocabulary plus `extra` pieces.
struct SyntheticVocabulary {
    var pieces: [String] = ["<pad>", "<eos>", "<bos>", "<unk>"]
    var scores: [Float] = [-1000, -1000, -1000, -1000]
    var types: [TokenType] = [.control, .control, .control, .unknown]

    init(withByteTokens: Bool = true) {
        if withByteTokens {
            for byte in 0 ..< 256 {
                add("<0x" + String(format: "%02X", byte) + ">", score: 0, type: .byte)
            }
        }
        for (index, character) in ["▁", "e", "t", "a", "o", "i", "n", "s", "h", "r", "d", "l", "c",
                                   "u", "m", "w", "f", "g", "y", "p", "b", "v", "k", "j", "x", "q",
                                   "z", ".", ",", "'", "!", "?", "-", "0", "1", "2", "3", "4", "5",
                                   "6", "7", "8", "9"].enumerated() {
            add(character, score: -Float(index))
        }
    }

    mutating func add(_ piece: String, score: Float = -100, type: TokenType = .normal) {
        pieces.append(piece)
        scores.append(score)
        types.append(type)
    }

    func tokenizer(addBOS: Bool = true, addEOS: Bool = false, addSpacePrefix: Bool = false,
                   unknown: Int? = 3, endOfTurn: Int? = nil) throws -> Tokenizer {
        try Tokenizer(pieces: pieces, scores: scores, types: types,
                      special: SpecialTokens(bos: 2, eos: 1, unknown: unknown, padding: 0, endOfTurn: endOfTurn),
                      addBOS: addBOS, addEOS: addEOS, addSpacePrefix: addSpacePrefix)
    }
}

final class SyntheticVocabularyTests: XCTestCase {
    /// Encodes without BOS and returns the pieces, which reads better than ids.
    private func pieces(_ text: String, _ tokenizer: Tokenizer, parseSpecial: Bool = false) -> [String] {
        tokenizer.encode(text, addSpecial: false, parseSpecial: parseSpecial).map(tokenizer.piece)
    }

    func testTheHigherScoringPairMergesFirst() throws {
        var vocabulary = SyntheticVocabulary()
        vocabulary.add("ab", score: -1)
        vocabulary.add("bc", score: -0.5)
        XCTAssertEqual(pieces("abc", try vocabulary.tokenizer()), ["a", "bc"])
        vocabulary.scores[vocabulary.pieces.firstIndex(of: "bc")!] = -2
        XCTAssertEqual(pieces("abc", try vocabulary.tokenizer()), ["ab", "c"])
    }

    func testTiesGoToTheLeftmostPair() throws {
        var vocabulary = SyntheticVocabulary()
        vocabulary.add("ab", score: -1)
        vocabulary.add("ba", score: -1)
        let tokenizer = try vocabulary.tokenizer()
        XCTAssertEqual(pieces("aba", tokenizer), ["ab", "a"])
        XCTAssertEqual(pieces("bab", tokenizer), ["ba", "b"])
        XCTAssertEqual(pieces("ababa", tokenizer), ["ab", "ab", "a"])
    }

    func testMergedPiecesMergeAgain() throws {
        var vocabulary = SyntheticVocabulary()
        vocabulary.add("aa", score: -1)
        vocabulary.add("aaaa", score: -2)
        let tokenizer = try vocabulary.tokenizer()
        XCTAssertEqual(pieces("aaa", tokenizer), ["aa", "a"])
        XCTAssertEqual(pieces("aaaa", tokenizer), ["aaaa"])
        XCTAssertEqual(pieces("aaaaa", tokenizer), ["aaaa", "a"])
        XCTAssertEqual(pieces("aaaaaaaa", tokenizer), ["aaaa", "aaaa"])
    }

    func testMergingIsNotLongestMatch() throws {
        var vocabulary = SyntheticVocabulary()
        vocabulary.add("ab", score: -1)
        vocabulary.add("bc", score: -5)
        vocabulary.add("bcd", score: 0)
        // "ab" wins the first round, after which no pair spells "bcd".
        XCTAssertEqual(pieces("abcd", try vocabulary.tokenizer()), ["ab", "c", "d"])
    }

    func testSpacesBecomeTheSpaceMark() throws {
        var vocabulary = SyntheticVocabulary()
        vocabulary.add("▁b", score: -1)
        let tokenizer = try vocabulary.tokenizer()
        XCTAssertEqual(pieces("a b", tokenizer), ["a", "▁b"])
        XCTAssertEqual(pieces("a  c", tokenizer), ["a", "▁", "▁", "c"])
        XCTAssertEqual(tokenizer.decode(tokenizer.encode("a  c b ")), "a  c b ")
    }

    func testCharactersOutsideTheVocabularyFallBackToBytes() throws {
        let tokenizer = try SyntheticVocabulary().tokenizer()
        // é is C3 A9; byte b is token 4 + b.
        XCTAssertEqual(tokenizer.encode("té", addSpecial: false), [tokenizer.id(of: "t")!, 4 + 0xC3, 4 + 0xA9])
        XCTAssertEqual(tokenizer.decode([4 + 0xC3, 4 + 0xA9]), "é")
    }

    func testMissingByteTokensFallBackToUnknownOrNothing() throws {
        let withUnknown = try SyntheticVocabulary(withByteTokens: false).tokenizer()
        XCTAssertEqual(withUnknown.encode("té", addSpecial: false), [withUnknown.id(of: "t")!, 3, 3])
        let withoutUnknown = try SyntheticVocabulary(withByteTokens: false).tokenizer(unknown: nil)
        XCTAssertEqual(withoutUnknown.encode("té", addSpecial: false), [withoutUnknown.id(of: "t")!])
    }

    func testSplitOutTokensLongestFirstNotLeftmost() throws {
        var vocabulary = SyntheticVocabulary()
        vocabulary.add("ab", type: .userDefined)
        vocabulary.add("bcd", type: .userDefined)
        let tokenizer = try vocabulary.tokenizer()
        // llama.cpp cuts out every "bcd" before looking for "ab".
        XCTAssertEqual(pieces("abcd", tokenizer), ["a", "bcd"])
        XCTAssertEqual(pieces("xabx", tokenizer), ["x", "ab", "x"])
        XCTAssertEqual(pieces("ababcdab", tokenizer), ["ab", "a", "bcd", "ab"])
        XCTAssertEqual(pieces("abab", tokenizer, parseSpecial: true), ["ab", "ab"])
    }

    func testControlAndUnknownTokensOnlyWithSpecialParsing() throws {
        var vocabulary = SyntheticVocabulary()
        vocabulary.add("<end_of_turn>", type: .normal)  // mistyped: endOfTurn makes it control
        let endOfTurn = vocabulary.pieces.count - 1
        let tokenizer = try vocabulary.tokenizer(endOfTurn: endOfTurn)
        XCTAssertEqual(tokenizer.type(of: endOfTurn), .control)
        XCTAssertEqual(tokenizer.encode("<bos>s<unk><end_of_turn>", addSpecial: false, parseSpecial: true),
                       [2, tokenizer.id(of: "s")!, 3, endOfTurn])
        let plain = pieces("<bos>", tokenizer)
        XCTAssertEqual(plain, ["<0x3C>", "b", "o", "s", "<0x3E>"])
        XCTAssertEqual(tokenizer.encode("<bos>", addSpecial: true, parseSpecial: true), [2, 2])
        XCTAssertEqual(tokenizer.decode([2, 3, endOfTurn]), "")
        XCTAssertEqual(tokenizer.decode([2, 3, endOfTurn], renderSpecial: true), "<bos><unk><end_of_turn>")
    }

    func testBOSAndEOSFollowTheFlags() throws {
        let both = try SyntheticVocabulary().tokenizer(addBOS: true, addEOS: true)
        XCTAssertEqual(both.encode(""), [2, 1])
        XCTAssertEqual(both.encode("", addSpecial: false), [])
        XCTAssertEqual(both.encode("a"), [2, both.id(of: "a")!, 1])
        let neither = try SyntheticVocabulary().tokenizer(addBOS: false)
        XCTAssertEqual(neither.encode("a"), [neither.id(of: "a")!])
    }

    func testSpacePrefixIsAddedAtStartAndAfterSpecialTokensAndStrippedOnce() throws {
        var vocabulary = SyntheticVocabulary()
        vocabulary.add("▁a", score: -1)
        let tokenizer = try vocabulary.tokenizer(addSpacePrefix: true)
        let spaceA = tokenizer.id(of: "▁a")!
        XCTAssertEqual(tokenizer.encode("a<eos>a", addSpecial: false, parseSpecial: true), [spaceA, 1, spaceA])
        XCTAssertEqual(tokenizer.decode([spaceA, spaceA]), "a a")
        // As in llama_detokenize, only the very first token loses its space, even a BOS.
        XCTAssertEqual(tokenizer.decode([2, spaceA]), " a")
    }

    func testInconsistentVocabulariesThrow() {
        let good = SyntheticVocabulary()
        func make(_ change: (inout SyntheticVocabulary) -> Void, addBOS: Bool = true,
                  special: SpecialTokens = SpecialTokens(bos: 2, eos: 1)) -> TokenizerError? {
            var vocabulary = good
            change(&vocabulary)
            do {
                _ = try Tokenizer(pieces: vocabulary.pieces, scores: vocabulary.scores, types: vocabulary.types,
                                  special: special, addBOS: addBOS, addEOS: false, addSpacePrefix: false)
                return nil
            } catch {
                return error as? TokenizerError
            }
        }
        XCTAssertNil(make { _ in })
        XCTAssertEqual(make { $0.scores.removeLast() },
                       .lengthMismatch(pieces: good.pieces.count, scores: good.pieces.count - 1, types: good.pieces.count))
        XCTAssertEqual(make { $0.pieces = []; $0.scores = []; $0.types = [] }, .emptyVocabulary)
        XCTAssertEqual(make({ _ in }, special: SpecialTokens(bos: 2, eos: 1, unknown: -1)),
                       .specialTokenOutOfRange(name: "unknown", id: -1, vocabularySize: good.pieces.count))
        XCTAssertEqual(make({ _ in }, special: SpecialTokens(bos: 2, eos: 1, endOfTurn: 1 << 40)),
                       .specialTokenOutOfRange(name: "endOfTurn", id: 1 << 40, vocabularySize: good.pieces.count))
        XCTAssertEqual(make({ _ in }, special: SpecialTokens(eos: 1)), .missingSpecialToken(name: "bos"))
        XCTAssertNil(make({ _ in }, addBOS: false, special: SpecialTokens(eos: 1)))
        XCTAssertEqual(make { $0.add("ab"); $0.add("ab") },
                       .duplicatePiece(piece: "ab", firstID: good.pieces.count, secondID: good.pieces.count + 1))
        XCTAssertEqual(make { $0.add("<0xZZ>", type: .byte) },
                       .malformedByteToken(id: good.pieces.count, piece: "<0xZZ>"))
        XCTAssertFalse(String(describing: TokenizerError.missingSpecialToken(name: "bos")).isEmpty)
    }

    func testEmptyPiecesAreRenamedAsInLlamaCpp() throws {
        var vocabulary = SyntheticVocabulary()
        vocabulary.add("")
        let tokenizer = try vocabulary.tokenizer()
        let id = vocabulary.pieces.count - 1
        XCTAssertEqual(tokenizer.piece(id), "[EMPTY_\(id)]")
        XCTAssertEqual(tokenizer.id(of: "[EMPTY_\(id)]"), id)
    }
}
