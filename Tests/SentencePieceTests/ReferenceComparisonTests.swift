// The fast tokenizer against a deliberately naive re-statement of llama.cpp's algorithm
// (quadratic, no heap, no trie, no run splitting) on thousands of random texts made from real
// Gemma 3 pieces, special-token texts, whitespace runs and odd characters.
import SeededRandom
import SentencePiece
import XCTest

/// llama.cpp's llama_tokenize for SPM vocabularies, written as plainly as possible.
private struct NaiveTokenizer {
    let pieceIDs: [[UInt8]: Int]
    let pieces: [[UInt8]]
    let scores: [Float]
    let types: [TokenType]
    /// Split-out tokens, longest first (ties: lower id first), and which of them are control.
    let splitOrder: [Int]

    init(_ vocabulary: GemmaVocabulary) {
        let pieces = vocabulary.pieces.map { Array($0.utf8) }
        var ids: [[UInt8]: Int] = [:]
        for (id, piece) in pieces.enumerated() { ids[piece] = id }
        self.pieces = pieces
        pieceIDs = ids
        scores = vocabulary.scores
        types = vocabulary.types
        splitOrder = (0 ..< pieces.count)
            .filter { [.control, .userDefined, .unknown].contains(vocabulary.types[$0]) }
            .sorted { (pieces[$0].count, -$0) > (pieces[$1].count, -$1) }
    }

    enum Fragment {
        case text([UInt8])
        case token(Int)
    }

    func encode(_ text: [UInt8], parseSpecial: Bool) -> [Int] {
        // For each split-out token in turn, cut every leftmost occurrence out of the raw text.
        var fragments: [Fragment] = text.isEmpty ? [] : [.text(text)]
        for id in splitOrder where parseSpecial || types[id] == .userDefined {
            let needle = pieces[id]
            fragments = fragments.flatMap { fragment -> [Fragment] in
                guard case .text(var rest) = fragment else { return [fragment] }
                var result: [Fragment] = []
                while let start = firstIndex(of: needle, in: rest) {
                    if start > 0 { result.append(.text(Array(rest[..<start]))) }
                    result.append(.token(id))
                    rest = Array(rest[(start + needle.count)...])
                }
                if !rest.isEmpty { result.append(.text(rest)) }
                return result
            }
        }
        var output: [Int] = []
        for fragment in fragments {
            switch fragment {
            case .token(let id): output.append(id)
            case .text(let raw): output += merge(raw.flatMap { $0 == 0x20 ? [0xE2, 0x96, 0x81] : [$0] })
            }
        }
        return output
    }

    private func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        for start in 0 ... haystack.count - needle.count
        where haystack[start] == needle[0] && Array(haystack[start ..< start + needle.count]) == needle {
            return start
        }
        return nil
    }

    /// Repeatedly merge the best adjacent pair (highest score, then leftmost).
    private func merge(_ text: [UInt8]) -> [Int] {
        var symbols: [[UInt8]] = []
        var offset = 0
        while offset < text.count {
            let lead = text[offset]
            let length = min(lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1, text.count - offset)
            symbols.append(Array(text[offset ..< offset + length]))
            offset += length
        }
        while true {
            var best: (index: Int, score: Float)?
            for index in 0 ..< max(symbols.count - 1, 0) {
                guard let id = pieceIDs[symbols[index] + symbols[index + 1]] else { continue }
                if best == nil || scores[id] > best!.score { best = (index, scores[id]) }
            }
            guard let (index, _) = best else { break }
            symbols[index] += symbols[index + 1]
            symbols.remove(at: index + 1)
        }
        return symbols.flatMap { symbol -> [Int] in
            if let id = pieceIDs[symbol] { return [id] }
            return symbol.map { pieceIDs[Array("<0x\(String(format: "%02X", $0))>".utf8)]! }
        }
    }
}

final class ReferenceComparisonTests: XCTestCase {
    func testRandomTextsAgreeWithNaiveLlamaCppAlgorithm() throws {
        let vocabulary = try GemmaVocabulary.sharedVocabulary()
        let tokenizer = try GemmaVocabulary.sharedTokenizer()
        let naive = NaiveTokenizer(vocabulary)
        var generator = SplitMix64(seed: 7)
        func pick<T>(_ values: [T]) -> T { values[Int(generator.next() % UInt64(values.count))] }

        let normal = (0 ..< vocabulary.pieces.count).filter { vocabulary.types[$0] == .normal }
        let special = (0 ..< vocabulary.pieces.count).filter { [.control, .userDefined].contains(vocabulary.types[$0]) }
        let odd = ["\r", "\u{A0}", "😀", "東", "e\u{301}", "\u{10FFFD}", " ", "  ", "\t", "\n", "<", ">", "<b", "x>"]
        func randomText() -> String {
            var text = ""
            for _ in 0 ..< Int(generator.next() % 24) {
                switch generator.next() % 10 {
                case 0 ..< 6: text += vocabulary.pieces[pick(normal)].replacingOccurrences(of: "▁", with: " ")
                case 6: text += vocabulary.pieces[pick(special)]
                default: text += pick(odd)
                }
            }
            return text
        }

        var compared = 0
        for round in 0 ..< 1500 {
            let text = randomText()
            let parseSpecial = round % 5 == 0
            let expected = naive.encode(Array(text.utf8), parseSpecial: parseSpecial)
            let actual = tokenizer.encode(text, addSpecial: false, parseSpecial: parseSpecial)
            XCTAssertEqual(actual, expected, "\(text.debugDescription) parseSpecial: \(parseSpecial)")
            compared += expected.count
        }
        XCTAssertGreaterThan(compared, 10_000)
    }
}
