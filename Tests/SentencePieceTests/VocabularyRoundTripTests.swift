// Every Gemma 3 vocabulary id through decode -> encode: which ids come back as themselves, and
// why the few that do not are legitimate.
import SentencePiece
import XCTest

final class VocabularyRoundTripTests: XCTestCase {
    private var tokenizer: Tokenizer!

    override func setUpWithError() throws {
        tokenizer = try GemmaVocabulary.sharedTokenizer()
    }

    private func ids(of type: TokenType) -> [Int] {
        (0 ..< tokenizer.vocabularySize).filter { tokenizer.type(of: $0) == type }
    }

    func testTypeCountsOfGemma3() {
        XCTAssertEqual(ids(of: .normal).count, 255_474)
        XCTAssertEqual(ids(of: .control).count, 6_249)
        XCTAssertEqual(ids(of: .userDefined).count, 165)
        XCTAssertEqual(ids(of: .byte).count, 256)
        XCTAssertEqual(ids(of: .unknown).count + ids(of: .unused).count, 0)
    }

    /// Normal pieces: decode then encode (no BOS, no special parsing) gives the id back, except
    /// for pieces the merge cannot reach. SentencePiece BPE merges the best-scoring pair first,
    /// so a piece is produced only if the chain of best merges leads to it. "▁yyyy" never
    /// forms: "▁y" (score -76) merges first, then "yy" (-13334) beats "▁yy" (-63696) and takes
    /// the next two y's, leaving "▁y" "yy" "y", which no piece joins ("▁yyy" and "yyy" do not
    /// exist). The list below was found by this test and is checked both ways.
    func testNormalPiecesComeBackExceptUnreachableOnes() {
        let unreachable: Set<String> = ["▁YYYY", "▁yyyy", "▁diffformul", "▁::::::::"]
        var failures: [String: [Int]] = [:]
        for id in ids(of: .normal) {
            let text = tokenizer.decode([id])
            let again = tokenizer.encode(text, addSpecial: false, parseSpecial: false)
            if again != [id] {
                failures[tokenizer.piece(id)] = again
                // Still a faithful tokenization of the same text.
                XCTAssertEqual(tokenizer.decode(again), text, "piece \(tokenizer.piece(id))")
                XCTAssertGreaterThan(again.count, 1)
            }
        }
        XCTAssertEqual(Set(failures.keys), unreachable, "\(failures)")
    }

    /// Control tokens (`<bos>`, `<start_of_turn>`, `<unused0>`, ...): nothing without
    /// rendering; rendered and parsed as special they come back, as plain text they do not.
    func testControlTokensComeBackOnlyWithSpecialParsing() {
        for id in ids(of: .control) {
            XCTAssertEqual(tokenizer.decode([id]), "", "control \(id) renders only when asked")
            let text = tokenizer.decode([id], renderSpecial: true)
            XCTAssertEqual(text, tokenizer.piece(id))
            XCTAssertEqual(tokenizer.encode(text, addSpecial: false, parseSpecial: true), [id])
            let plain = tokenizer.encode(text, addSpecial: false, parseSpecial: false)
            XCTAssertFalse(plain.contains(id), "control \(id) must not come from plain text")
        }
    }

    /// User-defined tokens (newline runs, space runs, tab runs, HTML tags) are always split
    /// out, so they come back with and without special parsing.
    func testUserDefinedTokensAlwaysComeBack() {
        for id in ids(of: .userDefined) {
            let text = tokenizer.decode([id])
            XCTAssertEqual(text, tokenizer.piece(id))
            XCTAssertEqual(tokenizer.encode(text, addSpecial: false, parseSpecial: false), [id])
            XCTAssertEqual(tokenizer.encode(text, addSpecial: false, parseSpecial: true), [id])
        }
    }

    /// Byte tokens decode to one raw byte. Encoding that byte gives the byte token back unless
    /// the byte is an ASCII character that has a piece of its own ("a", "▁" for a space, "\n"):
    /// then that piece wins. Bytes 0x80...0xFF are never pieces alone.
    func testByteTokensComeBackUnlessTheByteIsAPiece() {
        var byteTokenCount = 0
        for id in ids(of: .byte) {
            let bytes = tokenizer.decodeBytes([id])
            XCTAssertEqual(bytes.count, 1)
            guard let byte = bytes.first else { continue }
            XCTAssertEqual(tokenizer.piece(id), "<0x" + String(format: "%02X", byte) + ">")
            var expected = [id]
            if byte < 0x80 {
                let character = byte == 0x20 ? "▁" : String(UnicodeScalar(byte))
                if let piece = tokenizer.id(of: character) { expected = [piece] }
            }
            let again = tokenizer.encode(bytes: bytes, addSpecial: false, parseSpecial: false)
            XCTAssertEqual(again, expected, "byte 0x\(String(byte, radix: 16))")
            if again == [id] { byteTokenCount += 1 }
        }
        // All 128 high bytes, plus the ASCII characters without a piece (e.g. \r).
        XCTAssertGreaterThan(byteTokenCount, 128)
        XCTAssertEqual(tokenizer.encode("\r", addSpecial: false), [tokenizer.id(of: "<0x0D>")!])
    }

    func testLookupsAgreeWithPieces() {
        for id in stride(from: 0, to: tokenizer.vocabularySize, by: 97) {
            XCTAssertEqual(tokenizer.id(of: tokenizer.piece(id)), id)
        }
        XCTAssertNil(tokenizer.id(of: "definitely not a piece"))
        XCTAssertEqual(tokenizer.pieces.count, tokenizer.vocabularySize)
        XCTAssertEqual(tokenizer.piece(-1), "\u{FFFD}")
        XCTAssertEqual(tokenizer.piece(tokenizer.vocabularySize), "\u{FFFD}")
        XCTAssertEqual(tokenizer.type(of: 1 << 40), .unknown)
        XCTAssertEqual(tokenizer.decode([9259, -5, 1 << 40, 1902]), "Hello\u{FFFD}\u{FFFD} world")
    }
}
