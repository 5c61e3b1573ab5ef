// Time bounds that catch quadratic behaviour: 1 MB texts without spaces (one long merge),
// a megabyte of whitespace runs (the split-out pass), and building the 262,144-token tokenizer.
// Bounds are generous for a debug build on a shared machine; a quadratic merge or split would
// take hours on these inputs (10^12 steps), so the tests still catch it.
import Foundation
import SeededRandom
import SentencePiece
import XCTest

final class PerformanceTests: XCTestCase {
    private static let megabyte = 1 << 20

    private func seconds(_ work: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        work()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Repeats `unit` until the text has at least `bytes` UTF-8 bytes.
    private func repeated(_ unit: String, toBytes bytes: Int) -> String {
        String(repeating: unit, count: bytes / unit.utf8.count + 1)
    }

    private func assertFastRoundTrip(_ text: String, bound: Double, _ label: String) throws {
        let tokenizer = try GemmaVocabulary.sharedTokenizer()
        var ids: [Int] = []
        let elapsed = seconds { ids = tokenizer.encode(text, addSpecial: false) }
        print("\(label): \(text.utf8.count) bytes -> \(ids.count) tokens in \(String(format: "%.2f", elapsed)) s")
        XCTAssertLessThan(elapsed, bound, label)
        XCTAssertEqual(tokenizer.decode(ids), text, label)
    }

    func testOneMegabyteOfEnglishWithoutSpaces() throws {
        let prose = try GoldenCase.loadAll().map(\.text).joined().filter { $0 != " " && !$0.isWhitespace }
        XCTAssertGreaterThan(prose.utf8.count, 1000)
        let text = repeated(prose, toBytes: Self.megabyte)
        XCTAssertFalse(text.contains(" "))
        try assertFastRoundTrip(text, bound: 30, "1 MB of text without spaces")
    }

    func testOneMegabyteOfRandomLetters() throws {
        // Nearly every pair of letters occurs inside some piece: long runs for the merge.
        var generator = SplitMix64(seed: 20_241_129)
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        let text = String((0 ..< Self.megabyte).map { _ in letters[Int(generator.next() % UInt64(letters.count))] })
        try assertFastRoundTrip(text, bound: 30, "1 MB of random letters")
    }

    func testOneMegabyteOfOneLetter() throws {
        // Every pair is the same bigram: all ties, resolved leftmost first.
        try assertFastRoundTrip(repeated("a", toBytes: Self.megabyte), bound: 30, "1 MB of 'a'")
    }

    func testOneMegabyteOfCharactersWithoutPieces() throws {
        // Plane-16 private use characters are not pieces: no merges, all byte fallback.
        try assertFastRoundTrip(repeated("\u{10FFFD}", toBytes: Self.megabyte), bound: 30, "1 MB of byte fallback")
    }

    func testOneMegabyteOfWhitespaceRuns() throws {
        // Runs of spaces, tabs and newlines are user-defined tokens of every length 1...31.
        let unit = String(repeating: " ", count: 45) + "\t\t\t" + String(repeating: "\n", count: 40) + "x "
        try assertFastRoundTrip(repeated(unit, toBytes: Self.megabyte), bound: 30, "1 MB of whitespace runs")
        let tokenizer = try GemmaVocabulary.sharedTokenizer()
        let text = repeated("<start_of_turn>user\n<end_of_turn>\n", toBytes: Self.megabyte / 4)
        var ids: [Int] = []
        let elapsed = seconds { ids = tokenizer.encode(text, addSpecial: false, parseSpecial: true) }
        XCTAssertLessThan(elapsed, 30)
        XCTAssertEqual(tokenizer.decode(ids, renderSpecial: true), text)
    }

    func testBuildingTheFullVocabulary() throws {
        let vocabulary = try GemmaVocabulary.sharedVocabulary()
        var tokenizer: Tokenizer?
        let elapsed = seconds { tokenizer = try? vocabulary.makeTokenizer() }
        print("building a \(vocabulary.pieces.count)-token tokenizer: \(String(format: "%.3f", elapsed)) s")
        XCTAssertNotNil(tokenizer)
        XCTAssertLessThan(elapsed, 10)
    }
}
