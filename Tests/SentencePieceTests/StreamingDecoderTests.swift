// Decoding token by token: characters split across byte tokens are held back until complete.
import SentencePiece
import XCTest

final class StreamingDecoderTests: XCTestCase {
    private var tokenizer: Tokenizer!

    override func setUpWithError() throws {
        tokenizer = try GemmaVocabulary.sharedTokenizer()
    }

    private func byteToken(_ byte: UInt8) -> Int {
        tokenizer.id(of: "<0x" + String(format: "%02X", byte) + ">")!
    }

    func testHoldsBackAFourByteEmojiSplitAcrossByteTokens() {
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        let hello = tokenizer.id(of: "Hello")!
        let world = tokenizer.id(of: "▁world")!
        let emoji = Array("😀".utf8).map(byteToken)  // F0 9F 98 80
        XCTAssertEqual(emoji.count, 4)
        var outputs = [decoder.append(hello)]
        outputs += emoji.map { decoder.append($0) }
        outputs.append(decoder.append(world))
        outputs.append(decoder.flush())
        XCTAssertEqual(outputs, ["Hello", "", "", "", "😀", " world", ""])
    }

    func testFlushReleasesAnUnfinishedCharacter() {
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        XCTAssertEqual(decoder.append(byteToken(0xF0)), "")
        XCTAssertEqual(decoder.append(byteToken(0x9F)), "")
        XCTAssertEqual(decoder.flush(), "\u{FFFD}")
        XCTAssertEqual(decoder.append(tokenizer.id(of: "a")!), "a")
    }

    func testInvalidBytesAreNotHeldBack() {
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        XCTAssertEqual(decoder.append(byteToken(0xFF)), "\u{FFFD}")
        XCTAssertEqual(decoder.append(byteToken(0x80)), "\u{FFFD}")
        XCTAssertEqual(decoder.append(byteToken(0xE2)), "")
        XCTAssertEqual(decoder.append(tokenizer.id(of: "a")!), "\u{FFFD}a")
    }

    /// Whatever the token sequence, the pieces put together equal `decode` of the whole.
    func testConcatenationEqualsDecode() throws {
        var sequences = try GoldenCase.loadAll().map(\.idsBOSSpecial)
        var generator = SystemRandomNumberGenerator()
        for _ in 0 ..< 200 {
            let bytes = (0 ..< Int.random(in: 1 ... 12, using: &generator)).map { _ in
                [0xF0, 0x9F, 0x98, 0x80, 0xE2, 0x82, 0xAC, 0xC3, 0xA9, 0x41, 0xFF][Int.random(in: 0 ..< 11, using: &generator)]
            }
            sequences.append(bytes.map { byteToken(UInt8($0)) } + [106, 2, 9259])
        }
        for ids in sequences {
            for renderSpecial in [false, true] {
                var decoder = StreamingDecoder(tokenizer: tokenizer, renderSpecial: renderSpecial)
                var text = ""
                for id in ids { text += decoder.append(id) }
                text += decoder.flush()
                XCTAssertEqual(text, tokenizer.decode(ids, renderSpecial: renderSpecial), "\(ids)")
            }
        }
    }
}
