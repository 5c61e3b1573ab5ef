// Terminal heatmaps: the exact plain rendering, escape codes per colour mode, pooling and
// cropping, masked and non-finite cells, and odd input that must never trap.
import XCTest
@testable import Figures

final class TerminalHeatmapTests: XCTestCase {
    /// A causal 3x3 attention pattern: the upper triangle is masked.
    func causal3x3(colormap: Colormap = .viridis) -> Heatmap {
        Heatmap(values: [1, 0, 0, 0.4, 0.6, 0, 0.2, 0.3, 0.5], rows: 3, columns: 3,
                rowLabels: ["<bos>", "The", "cat"], columnLabels: ["<bos>", "The", "cat"],
                title: "layer 0 head 1",
                masked: [false, true, true, false, false, true, false, false, false], colormap: colormap)
    }

    func testPlainGolden() {
        let expected = [
            "layer 0 head 1",
            "<bos>│██· · ",
            "  The│░░▒▒· ",
            "  cat│    ░░",
            "      < T c",
            "      b h a",
            "      o e t",
            "      s",
            "      >",
            "0.2 [ ░▒▓█] 1  · masked",
        ].joined(separator: "\n")
        XCTAssertEqual(TerminalRenderer.render(causal3x3(), mode: .plain, width: 40), expected)
    }

    func testTrueColorEscapes() {
        let map = Heatmap(values: [0, 1], rows: 1, columns: 2, title: "t")
        let text = TerminalRenderer.render(map, mode: .trueColor, width: 40)
        // Viridis ends (matplotlib): (68, 1, 84) and (253, 231, 37).
        XCTAssertTrue(text.contains("\u{1B}[38;2;68;1;84m██"), text)
        XCTAssertTrue(text.contains("\u{1B}[38;2;253;231;37m██"), text)
        XCTAssertTrue(text.contains("\u{1B}[0m"))
        XCTAssertFalse(text.contains("38;5;"))
    }

    func testAnsi256Escapes() {
        let map = Heatmap(values: [0, 1], rows: 1, columns: 2)
        let text = TerminalRenderer.render(map, mode: .ansi256, width: 40)
        // (68,1,84) -> cube (1,0,1) = 16+36+1 = 53; (253,231,37) -> cube (5,4,0) = 16+180+24 = 220.
        XCTAssertTrue(text.contains("\u{1B}[38;5;53m"), text)
        XCTAssertTrue(text.contains("\u{1B}[38;5;220m"), text)
        XCTAssertFalse(text.contains("38;2;"))
    }

    func testPlainHasNoEscapes() {
        let text = TerminalRenderer.render(causal3x3(colormap: .magma), mode: .plain, width: 20)
        XCTAssertFalse(text.contains("\u{1B}"))
    }

    func testPalette256Greys() {
        XCTAssertEqual(ANSI.palette256(RGB(0, 0, 0)), 16)
        XCTAssertEqual(ANSI.palette256(RGB(255, 255, 255)), 231)
        XCTAssertEqual(ANSI.palette256(RGB(128, 128, 128)), 244)  // grey ramp 8 + 10*12 = 128
    }

    func testMaskedDistinctFromZero() {
        // Same values, one cell masked: the masked cell is drawn as a dot, the zero as a shade.
        let values: [Float] = [0, 1, 0, 1]
        let open = Heatmap(values: values, rows: 2, columns: 2)
        var masked = open
        masked.masked = [false, false, true, false]
        let openLines = TerminalRenderer.render(open, mode: .plain, width: 30).split(separator: "\n")
        let maskedLines = TerminalRenderer.render(masked, mode: .plain, width: 30).split(separator: "\n")
        XCTAssertEqual(openLines[1], "1│  ██")
        XCTAssertEqual(maskedLines[1], "1│· ██")
        XCTAssertTrue(maskedLines.last!.contains("· masked"))
        XCTAssertFalse(openLines.last!.contains("masked"))
        // In colour the masked dot is grey, not the colour map's low end.
        let colour = TerminalRenderer.render(masked, mode: .trueColor, width: 30)
        XCTAssertTrue(colour.contains("\u{1B}[38;2;128;128;128m·"), colour)
    }

    func testPoolingNoteAndAverages() {
        // 1 row x 512 columns, value = column index: pooled into blocks whose means are known.
        let map = Heatmap(values: (0..<512).map(Float.init), rows: 1, columns: 512, rowLabels: ["q"],
                          rowAxis: "queries", columnAxis: "keys")
        let text = TerminalRenderer.render(map, mode: .plain, width: 66)
        // 66 - label 1 - bar 1 = 64 columns: 8 keys each.
        XCTAssertTrue(text.contains("pooled 512 keys into 64 columns (8 per column)"), text)
        let grid = CellGrid(map, maxRows: 64, maxColumns: 64, overflow: .pool)
        XCTAssertEqual(grid.columns, 64)
        XCTAssertEqual(grid.columnFactor, 8)
        XCTAssertEqual(grid[0, 0], .value(3.5))     // mean of 0...7
        XCTAssertEqual(grid[0, 63], .value(507.5))  // mean of 504...511
        // Uneven blocks: 10 columns into 4 -> blocks of 3, the last of 1.
        let small = Heatmap(values: (0..<10).map(Float.init), rows: 1, columns: 10)
        let uneven = CellGrid(small, maxRows: 4, maxColumns: 4, overflow: .pool)
        XCTAssertEqual(uneven.cells, [.value(1), .value(4), .value(7), .value(9)])
        XCTAssertEqual(uneven.notes, ["pooled 10 columns into 4 columns (3 per column, 1 in the last)"])
    }

    func testPoolingSkipsMaskedAndKeepsNaN() {
        let map = Heatmap(values: [1, 3, 100, .nan, 5, 7], rows: 1, columns: 6,
                          masked: [false, false, true, false, true, true])
        let grid = CellGrid(map, maxRows: 1, maxColumns: 3, overflow: .pool)
        XCTAssertEqual(grid.cells, [.value(2), .nonFinite, .masked])
    }

    func testCropToLast() {
        let map = Heatmap(values: (0..<100).map(Float.init), rows: 1, columns: 100, columnAxis: "keys")
        let text = TerminalRenderer.render(map, mode: .plain, width: 41, overflow: .cropToLast)
        XCTAssertTrue(text.contains("showing the last 39 of 100 keys"), text)
        let grid = CellGrid(map, maxRows: 1, maxColumns: 20, overflow: .cropToLast)
        XCTAssertEqual(grid.cells.first, .value(80))
        XCTAssertEqual(grid.columnStarts.first, 80)
    }

    func testTallMapPacksTwoRowsPerLine() {
        let rows = 40
        let map = Heatmap(values: (0..<(rows * 4)).map(Float.init), rows: rows, columns: 4)
        let text = TerminalRenderer.render(map, mode: .trueColor, width: 40)
        let cellLines = text.split(separator: "\n").filter { $0.contains("▀") && $0.contains("│") }
        XCTAssertEqual(cellLines.count, 20)
        XCTAssertTrue(text.contains("\u{1B}[48;2;"), "lower rows are backgrounds")
        // Plain mode cannot pack: one line per row.
        let plain = TerminalRenderer.render(map, mode: .plain, width: 40)
        XCTAssertEqual(plain.split(separator: "\n").filter { $0.contains("│") }.count, 40)
    }

    func testHugeMapPoolsRows() {
        let map = Heatmap(values: [Float](repeating: 0.5, count: 300 * 2), rows: 300, columns: 2, rowAxis: "queries")
        let text = TerminalRenderer.render(map, mode: .plain, width: 80)
        XCTAssertTrue(text.contains("pooled 300 queries into 60 rows (5 per row)"), text)
    }

    func testNonFiniteValues() {
        let map = Heatmap(values: [0, .nan, .infinity, 1], rows: 2, columns: 2)
        XCTAssertEqual(map.displayRange, 0...1)
        let text = TerminalRenderer.render(map, mode: .plain, width: 30)
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines[0], "0│  × ")
        XCTAssertEqual(lines[1], "1│× ██")
        XCTAssertTrue(text.contains("× 2 non-finite"), text)
    }

    func testConstantAndEmptyMaps() {
        let constant = Heatmap(values: [2, 2, 2, 2], rows: 2, columns: 2)
        XCTAssertEqual(constant.displayRange, 2...2)
        XCTAssertTrue(TerminalRenderer.render(constant, mode: .plain, width: 20).contains("0│▒▒▒▒"))
        let empty = Heatmap(values: [], rows: 0, columns: 5, title: "nothing")
        XCTAssertEqual(TerminalRenderer.render(empty, mode: .trueColor, width: 40), "nothing\n(empty: 0 x 5)")
        let diverging = Heatmap(values: [-1, 3], rows: 1, columns: 2, colormap: .diverging)
        XCTAssertEqual(diverging.displayRange, -3...3)
    }

    func testOddInputNeverTraps() {
        let hostile = ["<script>&\"'", "a\u{1B}[31mred", "tab\there\nnewline", "👩‍👩‍👧‍👦 family", "漢字テキスト",
                       String(repeating: "long", count: 100), "", "\u{202E}evil", "e\u{301}"]
        let maps = [
            Heatmap(values: (0..<81).map { Float($0) }, rows: 9, columns: 9, rowLabels: hostile, columnLabels: hostile,
                    title: "\u{07}bell", masked: [true], windowNote: "window\u{0}"),
            Heatmap(values: [1, 2], rows: 3, columns: 3),             // too few values
            Heatmap(values: [1, 2, 3], rows: -1, columns: 3),          // negative rows
            Heatmap(values: [.nan, .nan], rows: 1, columns: 2),        // nothing finite
            Heatmap(values: [-.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude], rows: 1, columns: 3,
                    range: -Float.infinity...Float.infinity),
        ]
        for map in maps {
            for mode in ColorMode.allCases {
                for width in [-5, 0, 1, 2, 3, 5, 8, 13, 40, 200] {
                    let text = TerminalRenderer.render(map, mode: mode, width: width)
                    XCTAssertFalse(text.isEmpty)
                    // No escape sequence except the renderer's own colour codes, no raw control characters.
                    let stripped = text.replacingOccurrences(of: "\u{1B}[", with: "")
                    XCTAssertFalse(stripped.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, text)
                    XCTAssertFalse(stripped.contains("\u{202E}"))
                }
            }
        }
    }

    func testHugeShapesWithFewValuesStayCheap() throws {
        // A million by a million cells, two values: everything past them is NaN, found early.
        let sparse = Heatmap(values: [1, 2], rows: 1_000_000, columns: 1_000_000, masked: [false, true, true])
        XCTAssertEqual(sparse.displayRange, 1...1)
        XCTAssertEqual(sparse.nonFiniteCount, 1_000_000 * 1_000_000 - 3)
        let text = TerminalRenderer.render(sparse, mode: .plain, width: 60)
        XCTAssertTrue(text.contains("pooled 1000000 rows into 64 rows (15625 per row)"), String(text.suffix(500)))
        XCTAssertEqual(SVGRenderer.render(sparse).components(separatedBy: "<rect").count - 1, 160 * 160 + 4)
        XCTAssertNoThrow(try PNGRenderer.render(sparse, cellSize: 8))
        // A cell count that overflows Int is empty.
        let overflowing = Heatmap(values: [1], rows: Int.max, columns: 2)
        XCTAssertEqual(TerminalRenderer.render(overflowing, mode: .plain, width: 40),
                       "(empty: \(Int.max) x 2)")
    }

    func testRowLabelsTruncated() {
        let map = Heatmap(values: [1], rows: 1, columns: 1, rowLabels: ["a very long row label"])
        let line = TerminalRenderer.render(map, mode: .plain, width: 80).split(separator: "\n")[0]
        XCTAssertEqual(line, "a very lo…│▒▒")
    }

    func testGridSideBySide() {
        let heads = (0..<4).map { head in
            Heatmap(values: [Float(head), 1, 2, 3], rows: 2, columns: 2, title: "head \(head)")
        }
        let text = TerminalRenderer.render(grid: heads, columns: 2, mode: .plain, width: 40)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertTrue(lines[0].hasPrefix("head 0"))
        XCTAssertTrue(lines[0].contains("head 1"))
        XCTAssertTrue(text.contains("head 2") && text.contains("head 3"))
        XCTAssertTrue(lines.allSatisfy { Text.width(String($0)) <= 40 }, text)
        // Shared range: every legend spans 0...3.
        XCTAssertEqual(text.components(separatedBy: "0 [ ░▒▓█] 3").count - 1, 4, text)
        XCTAssertEqual(TerminalRenderer.render(grid: [], columns: 3, mode: .plain, width: 80), "")
    }
}
