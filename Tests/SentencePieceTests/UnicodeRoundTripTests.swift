// Text -> ids -> text over samples of every kind of Unicode scalar, and raw bytes that are not
// UTF-8, with the Gemma 3 vocabulary.
import SentencePiece
import XCTest

final class UnicodeRoundTripTests: XCTestCase {
    private var tokenizer: Tokenizer!

    override func setUpWithError() throws {
        tokenizer = try GemmaVocabulary.sharedTokenizer()
    }

    /// Scalars from each class: all of ASCII (NUL and controls included) and Latin-1, then
    /// strided samples of Greek, Cyrillic, Arabic, Devanagari, combining marks, CJK, Hangul,
    /// emoji, private use, supplementary planes, noncharacters and the ends of the code space.
    private static let samples: [(name: String, scalars: [UInt32])] = [
        ("ASCII", Array(0x00 ... 0x7F)),
        ("Latin-1", Array(0x80 ... 0xFF)),
        ("Greek and Cyrillic", Array(stride(from: 0x370, through: 0x4FF, by: 3))),
        ("Arabic and Devanagari", Array(stride(from: 0x600, through: 0x97F, by: 5))),
        ("combining marks", Array(0x300 ... 0x36F)),
        ("general punctuation", Array(0x2000 ... 0x206F)),
        ("CJK", Array(stride(from: 0x4E00, through: 0x9FFF, by: 97))),
        ("Hangul", Array(stride(from: 0xAC00, through: 0xD7A3, by: 211))),
        ("specials", [0xFEFF, 0xFFFD, 0xFFFC, 0xFFFE, 0xFFFF, 0xE000, 0xF8FF]),
        ("emoji", Array(0x1F300 ... 0x1F64F) + [0x1FAE8, 0x1F3FB, 0x200D, 0xFE0F]),
        ("supplementary", [0x10000, 0x1D400, 0x1F000, 0x20000, 0x2A6D6, 0xE0001, 0xF0000, 0x10FFFD, 0x10FFFF]),
    ]

    private func assertRoundTrip(_ text: String, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        let plain = tokenizer.encode(text, addSpecial: false, parseSpecial: false)
        XCTAssertEqual(tokenizer.decode(plain), text, label, file: file, line: line)
        let special = tokenizer.encode(text, addSpecial: true, parseSpecial: true)
        XCTAssertEqual(special.first, 2, label, file: file, line: line)
        XCTAssertEqual(tokenizer.decode(special), text, label, file: file, line: line)
    }

    func testEveryScalarClassRoundTrips() {
        for (name, scalars) in Self.samples {
            var all = ""
            for value in scalars {
                guard let scalar = Unicode.Scalar(value) else { continue }
                let text = String(scalar)
                assertRoundTrip(text, "\(name) U+\(String(value, radix: 16, uppercase: true))")
                assertRoundTrip("x" + text + " y", "\(name) in context U+\(String(value, radix: 16))")
                all.unicodeScalars.append(scalar)
            }
            assertRoundTrip(all, "all of \(name)")
        }
    }

    func testMixedScriptsAndSequences() {
        for text in ["\u{0}", "a\u{0}b\u{0}\u{0}", "e\u{301}\u{302}\u{303}", "👩🏽‍💻 and 🏳️‍🌈",
                     "한국어 텍스트", "עִבְרִית", "\u{FEFF}BOM first", "tab\tand\r\nCRLF",
                     "<b>bold</b> <unknown_tag>", String(repeating: " ", count: 100),
                     String(repeating: "\n", count: 70) + String(repeating: "\t", count: 40)] {
            assertRoundTrip(text, text.debugDescription)
        }
    }

    func testNULAndMissingCharactersUseByteTokens() {
        XCTAssertEqual(tokenizer.encode("\u{0}", addSpecial: false).map(tokenizer.piece), ["<0x00>"])
        let plane16 = tokenizer.encode("\u{10FFFD}", addSpecial: false).map(tokenizer.piece)
        XCTAssertEqual(plane16, ["<0xF4>", "<0x8F>", "<0xBF>", "<0xBD>"])
    }

    func testValidBytesEncodeLikeTheString() {
        let text = "naïve café – 東京 😀"
        XCTAssertEqual(tokenizer.encode(bytes: Array(text.utf8), addSpecial: true, parseSpecial: false),
                       tokenizer.encode(text))
    }

    /// Bytes that are not UTF-8 come back byte for byte, and decode shows them as U+FFFD
    /// (as long as no space follows a broken sequence closely, see the next test).
    func testInvalidUTF8RoundTripsAsBytes() {
        let inputs: [[UInt8]] = [
            [0xFF], [0x80], [0xC3], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
            [0xE0, 0x41, 0x42], [0xF0, 0x9F, 0x98], Array("héllo".utf8) + [0xFE, 0xFF] + Array("wörld now".utf8),
            [0x61, 0xC3, 0x62, 0x20, 0x63], Array("<b>".utf8) + [0xE2, 0x96] + Array("\n  ".utf8),
        ]
        for bytes in inputs {
            for parseSpecial in [false, true] {
                let ids = tokenizer.encode(bytes: bytes, addSpecial: false, parseSpecial: parseSpecial)
                XCTAssertEqual(tokenizer.decodeBytes(ids), bytes, "\(bytes)")
                XCTAssertEqual(tokenizer.decode(ids), String(decoding: bytes, as: UTF8.self), "\(bytes)")
            }
        }
        XCTAssertEqual(tokenizer.decode(tokenizer.encode(bytes: [0xFF], addSpecial: false, parseSpecial: false)), "\u{FFFD}")
    }

    /// llama.cpp replaces spaces by "▁" (E2 96 81) before splitting into characters, so a
    /// broken lead byte right before a space claims bytes of the "▁": they come out as byte
    /// tokens and decode as a literal "▁" instead of the space. We keep llama.cpp's ids.
    func testBrokenSequenceBeforeASpaceKeepsLlamaCppIDs() {
        let ids = tokenizer.encode(bytes: [0x61, 0xC3, 0x20, 0x62], addSpecial: false, parseSpecial: false)
        XCTAssertEqual(ids.map(tokenizer.piece), ["a", "<0xC3>", "<0xE2>", "<0x96>", "<0x81>", "b"])
        XCTAssertEqual(tokenizer.decode(ids), "a\u{FFFD}▁b")
    }

    /// llama.cpp splits characters by the lead byte alone, so E0 swallows the next two bytes
    /// even when they are ASCII; the three-byte "character" is no piece and becomes bytes.
    func testLeadByteClaimsFollowingBytesAsLlamaCppDoes() {
        let ids = tokenizer.encode(bytes: [0xE0, 0x41, 0x42, 0x43], addSpecial: false, parseSpecial: false)
        XCTAssertEqual(ids.map(tokenizer.piece), ["<0xE0>", "<0x41>", "<0x42>", "C"])
    }
}
