// Terminal charts and text: sparklines, bars, histograms, tables (with wide characters), label
// sanitising and display width, and terminal capability detection.
import XCTest
@testable import Figures

final class TerminalChartsTests: XCTestCase {
    func testSparkline() {
        XCTAssertEqual(TerminalRenderer.sparkline([0, 1, 2, 3, 4, 5, 6, 7]), "▁▂▃▄▅▆▇█")
        XCTAssertEqual(TerminalRenderer.sparkline([1, .nan, 3, .infinity, 2]), "▁ █ ▅")
        XCTAssertEqual(TerminalRenderer.sparkline([4, 4, 4]), "▅▅▅")
        XCTAssertEqual(TerminalRenderer.sparkline([]), "")
        XCTAssertEqual(TerminalRenderer.sparkline([.nan]), " ")
    }

    func bar(_ blocks: String, pad: Int) -> String { blocks + String(repeating: " ", count: pad) }

    func testBarsPlain() {
        // Probabilities scale to 1: bar width = 31 - 4 (label) - 5 (value) - 2 = 20 columns,
        // so 0.5 is 10 blocks and 0.0625 is 1¼ blocks ("█▎").
        let text = TerminalRenderer.bars([(" the", 0.5), ("cat", 0.25), ("猫", 0.0625)], mode: .plain, width: 31)
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines, [
            " the " + bar(String(repeating: "█", count: 10), pad: 10) + " 0.500",
            "cat  " + bar(String(repeating: "█", count: 5), pad: 15) + " 0.250",
            "猫   " + bar("█▎", pad: 18) + " 0.062",
        ])
        XCTAssertTrue(lines.allSatisfy { Text.width($0) == 31 })
    }

    func testBarsScaleToLargestAndFormat() {
        // Not probabilities: scaled to |10|; bar width = 20 - 1 - 4 - 2 = 13.
        let text = TerminalRenderer.bars([("a", 10), ("b", -5), ("c", .nan)], mode: .plain, width: 20, format: "%.1f")
        XCTAssertEqual(text.split(separator: "\n").map(String.init), [
            "a " + bar(String(repeating: "█", count: 13), pad: 0) + " 10.0",
            "b " + bar(String(repeating: "░", count: 7), pad: 6) + " -5.0",
            "c " + bar("", pad: 13) + "  nan",
        ])
        // A format that does not take one double falls back to %.3f instead of reading garbage.
        let fallback = TerminalRenderer.bars([("a", 0.5)], mode: .plain, width: 20, format: "%s %d")
        XCTAssertTrue(fallback.hasSuffix("0.500"), fallback)
        XCTAssertEqual(TerminalRenderer.bars([], mode: .plain, width: 20), "")
    }

    func testBarsColour() {
        let text = TerminalRenderer.bars([("a", 1)], mode: .trueColor, width: 20)
        XCTAssertTrue(text.contains("\u{1B}[38;2;70;130;180m█"), text)
        XCTAssertTrue(text.contains("\u{1B}[0m"))
    }

    func testHistogram() {
        // Bins [0,1) [1,2) [2,3]: counts 1, 2, 7 (the top bin includes 3); bar width 30 - 9 = 21.
        let text = TerminalRenderer.histogram([0, 1, 1, 2, 2, 2, 3, 3, 3, 3, .nan], bins: 3, mode: .plain, width: 30)
        XCTAssertEqual(text.split(separator: "\n").map(String.init), [
            "0 … 1 │" + bar("███", pad: 18) + " 1",
            "1 … 2 │" + bar("██████", pad: 15) + " 2",
            "2 … 3 │" + bar(String(repeating: "█", count: 21), pad: 0) + " 7",
            "n = 10, 1 non-finite skipped",
        ])
    }

    func testHistogramOddInput() {
        XCTAssertEqual(TerminalRenderer.histogram([], bins: 5, mode: .plain, width: 40), "(no finite values)\nn = 0")
        let constant = TerminalRenderer.histogram([7, 7, 7], bins: 0, mode: .ansi256, width: 3)
        XCTAssertTrue(constant.contains("6.5 … 7.5"), constant)
        XCTAssertTrue(constant.hasSuffix("n = 3"))
    }

    func testTable() {
        let text = TerminalRenderer.table(header: ["token", "p"], rows: [["cat", "0.5"], ["猫", "0.25"], ["x"]],
                                          alignRight: [1])
        XCTAssertEqual(text, """
            ┌───────┬──────┐
            │ token │    p │
            ├───────┼──────┤
            │ cat   │  0.5 │
            │ 猫    │ 0.25 │
            │ x     │      │
            └───────┴──────┘
            """)
        XCTAssertEqual(TerminalRenderer.table(header: [], rows: []), "")
        let hostile = TerminalRenderer.table(header: ["a\nb"], rows: [["\u{1B}[2J"]])
        XCTAssertFalse(hostile.contains("\u{1B}"))
        XCTAssertTrue(hostile.contains("a␊b"))
    }

    func testDisplayWidth() {
        XCTAssertEqual(Text.width("abc"), 3)
        XCTAssertEqual(Text.width("漢字"), 4)
        XCTAssertEqual(Text.width("👍"), 2)
        XCTAssertEqual(Text.width("👩‍👩‍👧"), 2)
        XCTAssertEqual(Text.width("e\u{301}"), 1)
        XCTAssertEqual(Text.width("\u{1B}[38;5;12mab\u{1B}[0m"), 2)
        XCTAssertEqual(Text.truncate("漢字テキスト", to: 5), "漢字…")
        XCTAssertEqual(Text.truncate("abcdef", to: 1), "…")
        XCTAssertEqual(Text.sanitize("a\u{0}\u{7F}\u{202E}b"), "a␀␡\u{FFFD}b")
    }

    func testCapabilities() {
        typealias Caps = TerminalCapabilities
        XCTAssertEqual(Caps.detect(environment: ["COLORTERM": "truecolor", "TERM": "xterm-256color"], isTTY: true).mode, .trueColor)
        XCTAssertEqual(Caps.detect(environment: ["COLORTERM": "24bit"], isTTY: true).mode, .trueColor)
        XCTAssertEqual(Caps.detect(environment: ["TERM": "screen-256color"], isTTY: true).mode, .ansi256)
        XCTAssertEqual(Caps.detect(environment: ["TERM": "xterm-256color", "NO_COLOR": "1"], isTTY: true).mode, .plain)
        XCTAssertEqual(Caps.detect(environment: ["COLORTERM": "truecolor", "TERM": "dumb"], isTTY: true).mode, .plain)
        XCTAssertEqual(Caps.detect(environment: ["COLORTERM": "truecolor"], isTTY: false).mode, .plain)
        XCTAssertEqual(Caps.detect(environment: ["COLUMNS": "132"], isTTY: false).width, 132)
        XCTAssertEqual(Caps.detect(environment: ["COLUMNS": "junk"], isTTY: false).width, 80)
        XCTAssertEqual(Caps.detect(environment: [:], isTTY: false).width, 80)
    }
}
