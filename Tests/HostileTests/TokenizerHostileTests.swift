// The tokenizer on what the SentencePiece tests do not cover: every Unicode scalar (not samples
// of each class), and unusual text through the command line.
import FuzzHarness
import Foundation
import SentencePiece
import XCTest

final class TokenizerHostileTests: XCTestCase {
    /// All 1 112 064 scalars, in runs of 4096, through encode and decode with the Gemma 3
    /// vocabulary (every character has pieces or byte tokens, so text comes back exactly).
    func testEveryUnicodeScalarRoundTrips() throws {
        let tokenizer = try FuzzVocabulary.gemma3()
        var text = String.UnicodeScalarView()
        var checked = 0
        func check() {
            let chunk = String(text)
            let back = tokenizer.decode(tokenizer.encode(chunk, addSpecial: false, parseSpecial: false))
            // "▁" stands for a space inside pieces; typed in text it comes back as a space.
            let expected = chunk.replacingOccurrences(of: "\u{2581}", with: " ")
            if back != expected {
                let first = zip(back.unicodeScalars, expected.unicodeScalars).first { $0 != $1 }
                XCTFail("run starting U+\(String(text.first!.value, radix: 16)): first difference \(String(describing: first))")
            }
            checked += text.count
            text = String.UnicodeScalarView()
        }
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            text.append(scalar)
            if text.count == 4096 { check() }
        }
        check()
        XCTAssertEqual(checked, 1_112_064)
    }

    /// `gemma-repl tokenize` on unusual text (arguments cannot hold NUL; the tiny vocabulary has
    /// no byte tokens, so unknown characters become <unk>): ids, no crash, a normal exit.
    func testTokenizeCommandOnUnusualText() throws {
        for text in [String(repeating: "x", count: 100_000), "\u{FEFF}\u{202E}right-to-left \u{10FFFF} e\u{301}\u{302}",
                     "<start_of_turn><end_of_turn><bos><unk>", " "] {
            let result = try GemmaREPL.run(["tokenize", "--model", Paths.tinyModel, "--json", "--special", text])
            XCTAssertEqual(result.status, 0, result.err)
            let parsed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
            let ids = try XCTUnwrap(parsed["ids"] as? [Int])
            XCTAssertEqual(ids.first, 2)
            XCTAssertTrue(ids.allSatisfy { (0..<512).contains($0) })
        }
    }
}
