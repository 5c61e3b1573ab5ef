// SVG output: well-formed XML (parsed by FoundationXML), one <rect> with a <title> per cell,
// complete escaping of hostile labels, and the charts on odd input.
import XCTest
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Figures

final class SVGTests: XCTestCase {
    func parse(_ svg: String, file: StaticString = #filePath, line: UInt = #line) throws -> XMLDocument {
        do {
            return try XMLDocument(xmlString: svg, options: [])
        } catch {
            XCTFail("not well-formed XML: \(error)\n\(svg.prefix(2000))", file: file, line: line)
            throw error
        }
    }

    func nodes(_ document: XMLDocument, _ path: String) throws -> [XMLNode] {
        try document.nodes(forXPath: path)
    }

    /// An attribute's value (looked up by name: `attribute(forName:)` misses them on Linux).
    func attribute(_ node: XMLNode, _ name: String) -> String? {
        (node as? XMLElement)?.attributes?.first { $0.name == name }?.stringValue
    }

    /// Cell rectangles: the <rect>s that carry a <title>.
    let cellPath = "//*[local-name()='rect'][*[local-name()='title']]"

    func testOneRectWithTitlePerCell() throws {
        let map = Heatmap(values: [1, 0, 0.25, 0.75, 0.5, 0], rows: 2, columns: 3,
                          rowLabels: ["q0", "q1"], columnLabels: ["k0", "k1", "k2"], title: "pattern",
                          masked: [false, true, false, false, false, false])
        let svg = SVGRenderer.render(map)
        let document = try parse(svg)
        let cells = try nodes(document, cellPath)
        XCTAssertEqual(cells.count, 6)
        let titles = cells.compactMap { $0.children?.first?.stringValue }
        guard titles.count == 6 else { return XCTFail("\(titles)") }
        XCTAssertEqual(titles.first, "q0 → k0: 1")
        XCTAssertEqual(titles[1], "q0 → k1: masked")
        XCTAssertEqual(titles[2], "q0 → k2: 0.25")
        // Colours: 1 is the top of viridis, 0 the bottom; masked cells use the hatch pattern.
        let fills = cells.compactMap { attribute($0, "fill") }
        guard fills.count == 6 else { return XCTFail("fills: \(fills)") }
        XCTAssertEqual(fills[0], "#fde725")
        XCTAssertEqual(fills[5], "#440154")
        XCTAssertTrue(fills[1].hasPrefix("url(#") && fills[1].hasSuffix("-masked)"), fills[1])
        let patterns = try nodes(document, "//*[local-name()='pattern']")
        XCTAssertEqual(patterns.count, 1)
        XCTAssertEqual(try nodes(document, "//*[local-name()='linearGradient']").count, 1)
    }

    func testHostileLabelsAreEscaped() throws {
        let hostile = "<script>alert('x')</script> & \"q\" \u{1}\u{1B}[31m"
        let map = Heatmap(values: [0.5], rows: 1, columns: 1, rowLabels: [hostile], columnLabels: ["]]><!--"],
                          title: "t&<>\"'", windowNote: "note <b>")
        let svg = SVGRenderer.render(map)
        XCTAssertFalse(svg.contains("<script"))
        XCTAssertFalse(svg.contains("\u{1}"))
        XCTAssertFalse(svg.contains("\u{1B}"))
        let document = try parse(svg)
        XCTAssertEqual(try nodes(document, "//*[local-name()='script']").count, 0)
        let texts = try nodes(document, "//*[local-name()='text']").compactMap(\.stringValue)
        XCTAssertTrue(texts.contains("t&<>\"'"), "\(texts)")
        XCTAssertTrue(texts.contains("note <b>"))
        XCTAssertTrue(texts.contains("]]><!--"))
        // The row label is cut to 24 columns, its control characters shown as symbols.
        XCTAssertTrue(texts.contains("<script>alert('x')</scr…"), "\(texts)")
        let title = try nodes(document, cellPath).first?.children?.first?.stringValue
        XCTAssertEqual(title, "<script>alert('x')</script> & \"q\" ␁␛[31m → ]]><!--: 0.5")
    }

    func testOddHeatmaps() throws {
        let maps = [
            Heatmap(values: [], rows: 0, columns: 0, title: "empty"),
            Heatmap(values: [3, 3, 3, 3], rows: 2, columns: 2),
            Heatmap(values: [.nan, .infinity, -.infinity, 1], rows: 2, columns: 2, colormap: .diverging),
            Heatmap(values: [1], rows: 2, columns: 2, rowLabels: ["👩‍👩‍👧", "漢字"]),
        ]
        for map in maps {
            let document = try parse(SVGRenderer.render(map))
            XCTAssertEqual(try nodes(document, cellPath).count, max(map.rows, 0) * max(map.columns, 0))
        }
        let nonFinite = try parse(SVGRenderer.render(maps[2]))
        let titles = try nodes(nonFinite, cellPath).compactMap { $0.children?.first?.stringValue }
        XCTAssertEqual(titles, ["0 → 0: nan", "0 → 1: inf", "1 → 0: -inf", "1 → 1: 1"])
    }

    func testLargeMapIsPooled() throws {
        let map = Heatmap(values: (0..<(400 * 10)).map(Float.init), rows: 10, columns: 400, columnAxis: "keys")
        let svg = SVGRenderer.render(map)
        let document = try parse(svg)
        XCTAssertEqual(try nodes(document, cellPath).count, 10 * 134)
        XCTAssertTrue(svg.contains("pooled 400 keys into 134 columns (3 per column, 1 in the last)"))
        XCTAssertTrue(svg.contains("rows 0 → keys 0–2: mean 1") || svg.contains("0 → keys 0–2: mean 1"), "tooltip names the block")
    }

    func testGrid() throws {
        let heads = (0..<3).map { Heatmap(values: [Float($0), 1, 2, 3], rows: 2, columns: 2, title: "head \($0)") }
        let document = try parse(SVGRenderer.render(grid: heads, columns: 2))
        XCTAssertEqual(try nodes(document, cellPath).count, 12)
        XCTAssertEqual(try nodes(document, "//*[local-name()='g'][@transform]").count, 3)
        _ = try parse(SVGRenderer.render(grid: [], columns: 0))
    }

    func testCharts() throws {
        let bars = try parse(SVGRenderer.bars([("<a>", 0.7), ("b&", 0.2), ("nan", .nan)], title: "top-k"))
        XCTAssertEqual(try nodes(bars, cellPath).count, 2)
        _ = try parse(SVGRenderer.bars([], title: ""))
        _ = try parse(SVGRenderer.bars([("neg", -2), ("pos", 3)], title: "logits"))

        let histogram = try parse(SVGRenderer.histogram([1, 2, 2, 3, 3, 3, .nan], bins: 3, title: "h"))
        let binTitles = try nodes(histogram, cellPath).compactMap { $0.children?.first?.stringValue }
        XCTAssertEqual(binTitles, ["[1, 1.667): 1", "[1.667, 2.333): 2", "[2.333, 3): 3"])
        _ = try parse(SVGRenderer.histogram([], bins: 10, title: "none"))
        _ = try parse(SVGRenderer.histogram([5, 5], bins: -1, title: "constant"))

        let xs = stride(from: Float(-100), through: 100, by: 5).map { $0 }
        let cap: Float = 30
        let curve = Series(name: "30·tanh(x/30)", xs: xs, ys: xs.map { cap * tanh($0 / cap) })
        let identity = Series(name: "identity", xs: xs, ys: xs, dashed: true)
        let svg = SVGRenderer.lines([curve, identity], title: "soft-cap", xLabel: "score", yLabel: "capped",
                                    points: [Point(x: 40, y: cap * tanh(40 / cap), label: "head 3"), Point(x: .nan, y: 1)])
        let document = try parse(svg)
        XCTAssertEqual(try nodes(document, "//*[local-name()='polyline']").count, 2)
        XCTAssertEqual(try nodes(document, "//*[local-name()='polyline'][@stroke-dasharray]").count, 1)
        XCTAssertEqual(try nodes(document, "//*[local-name()='circle'][*[local-name()='title']]").count, 1)
        // A NaN in a series breaks its line in two.
        let broken = Series(name: "b", xs: [0, 1, 2, 3, 4], ys: [0, 1, .nan, 3, 4])
        XCTAssertEqual(try nodes(try parse(SVGRenderer.lines([broken], title: "", xLabel: "x", yLabel: "y")),
                                 "//*[local-name()='polyline']").count, 2)
        _ = try parse(SVGRenderer.lines([], title: "", xLabel: "", yLabel: ""))
        _ = try parse(SVGRenderer.lines([Series(name: "huge", xs: [-3e38, 3e38], ys: [3e38, -3e38])],
                                        title: "", xLabel: "", yLabel: ""))
    }

    func testEscapeIsComplete() {
        XCTAssertEqual(XML.escape("<&>\"'"), "&lt;&amp;&gt;&quot;&apos;")
        XCTAssertEqual(XML.escape("a\u{0}b\u{FFFE}"), "a␀b\u{FFFD}")
    }
}
