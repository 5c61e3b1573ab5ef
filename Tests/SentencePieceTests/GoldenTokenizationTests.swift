// The Gemma 3 tokenizer against llama.cpp's own output (Tests/Fixtures/reference/
// tokenization_gemma3.jsonl, reference README section 5): ids both ways, pieces, detokenization.
import SentencePiece
import XCTest

final class GoldenTokenizationTests: XCTestCase {
    private var tokenizer: Tokenizer!
    private var cases: [GoldenCase] = []

    override func setUpWithError() throws {
        tokenizer = try GemmaVocabulary.sharedTokenizer()
        cases = try GoldenCase.loadAll()
        XCTAssertEqual(cases.count, 40, "the golden file holds 40 cases")
    }

    func testVocabularyShape() {
        XCTAssertEqual(tokenizer.vocabularySize, 262_144)
        XCTAssertEqual(tokenizer.specialTokens.bos, 2)
        XCTAssertEqual(tokenizer.specialTokens.eos, 1)
        XCTAssertEqual(tokenizer.specialTokens.endOfTurn, 106)
        XCTAssertTrue(tokenizer.addBOS)
        XCTAssertFalse(tokenizer.addSpacePrefix)
    }

    func testPlainIDsMatchLlamaCpp() {
        for golden in cases {
            let ids = tokenizer.encode(golden.text, addSpecial: false, parseSpecial: false)
            XCTAssertEqual(ids, golden.idsPlain, "case \(golden.id) \(golden.text.debugDescription)")
            XCTAssertEqual(ids.map(tokenizer.piece), golden.piecesPlain, "pieces of case \(golden.id)")
        }
    }

    func testBOSAndSpecialIDsMatchLlamaCpp() {
        for golden in cases {
            let ids = tokenizer.encode(golden.text, addSpecial: true, parseSpecial: true)
            XCTAssertEqual(ids, golden.idsBOSSpecial, "case \(golden.id) \(golden.text.debugDescription)")
        }
    }

    func testDefaultArgumentsAreAddSpecialWithoutParsing() {
        for golden in cases {
            let ids = tokenizer.encode(golden.text)
            XCTAssertEqual(ids, [2] + golden.idsPlain, "case \(golden.id)")
        }
    }

    func testDetokenizationMatchesLlamaCpp() {
        for golden in cases {
            XCTAssertEqual(tokenizer.decode(golden.idsPlain), golden.detok, "case \(golden.id)")
            XCTAssertEqual(tokenizer.decode(golden.idsBOSSpecial, renderSpecial: true),
                           golden.detokBOSSpecial, "case \(golden.id)")
            XCTAssertEqual(golden.detok, golden.text, "llama.cpp round trip of case \(golden.id)")
        }
    }

    /// The split-out pass takes equal-length tokens left to right, llama.cpp in the order of an
    /// unstable sort; that only matters if two of them can overlap (a proper suffix of one is a
    /// prefix of the other). Gemma 3 has no such pair among its control and user-defined tokens.
    func testNoTwoEqualLengthSpecialTokensOverlap() {
        var byLength: [Int: [[UInt8]]] = [:]
        for id in 0 ..< tokenizer.vocabularySize
        where [.control, .userDefined, .unknown].contains(tokenizer.type(of: id)) {
            let bytes = Array(tokenizer.piece(id).utf8)
            byLength[bytes.count, default: []].append(bytes)
        }
        XCTAssertEqual(byLength.values.map(\.count).reduce(0, +), 6_414)
        for (length, tokens) in byLength where length > 1 {
            var prefixOwners: [ArraySlice<UInt8>: Set<[UInt8]>] = [:]
            for token in tokens {
                for end in 1 ..< length { prefixOwners[token[..<end], default: []].insert(token) }
            }
            for token in tokens {
                for start in 1 ..< length {
                    let owners = prefixOwners[token[start...]] ?? []
                    XCTAssertTrue(owners.subtracting([token]).isEmpty,
                                  "\(String(decoding: token, as: UTF8.self)) overlaps \(owners)")
                }
            }
        }
    }

    func testQuirksOfReadmeSection7Item11() {
        // A literal <bos> with parse_special plus add_bos gives two BOS tokens.
        XCTAssertEqual(tokenizer.encode("<bos>hi", addSpecial: true, parseSpecial: true).prefix(2), [2, 2])
        // Without special parsing <bos> is ordinary text, and decodes back to itself.
        let plain = tokenizer.encode("<bos>", addSpecial: false, parseSpecial: false)
        XCTAssertFalse(plain.contains(2))
        XCTAssertEqual(tokenizer.decode(plain), "<bos>")
        // User-defined tokens are split out even without special parsing.
        XCTAssertEqual(tokenizer.encode("a\nb", addSpecial: false), [tokenizer.id(of: "a")!, 107, tokenizer.id(of: "b")!])
        XCTAssertEqual(tokenizer.encode("<b>", addSpecial: false), [tokenizer.id(of: "<b>")!])
        // Control tokens render only when asked.
        XCTAssertEqual(tokenizer.decode([2, 106]), "")
        XCTAssertEqual(tokenizer.decode([2, 106], renderSpecial: true), "<bos><end_of_turn>")
        // \r and NBSP fall back to bytes; digits are single tokens.
        XCTAssertEqual(tokenizer.encode("\r", addSpecial: false).map(tokenizer.piece), ["<0x0D>"])
        XCTAssertEqual(tokenizer.encode("2025", addSpecial: false).map(tokenizer.piece), ["2", "0", "2", "5"])
    }
}
