// The figure model: SVG and PNG of every kind of content, files by extension, the sliding
// window's edge on attention maps, the labelled (logit-lens) grid, and PNG decoding.
import Foundation
import XCTest
@testable import Figures

final class FigureTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("figures-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// A 6 x 6 attention pattern of a local layer with a window of 2: each query sees itself and
    /// the token before.
    func localAttention(window: Int?) -> Heatmap {
        let n = 6
        var values: [Float] = [], masked: [Bool] = []
        for q in 0..<n {
            for k in 0..<n {
                let visible = k <= q && (window.map { q - k < $0 } ?? true)
                masked.append(!visible)
                values.append(visible ? 1 / Float(min(q + 1, window ?? n)) : 0)
            }
        }
        return Heatmap(values: values, rows: n, columns: n, title: "local", range: 0...1, masked: masked,
                       rowAxis: "queries", columnAxis: "keys", slidingWindow: window)
    }

    var everyContent: [Figure] {
        [Figure(kind: .attention, title: "one", content: .heatmap(localAttention(window: 2))),
         Figure(kind: .attention, title: "grid", content: .heatmapGrid([localAttention(window: 2), localAttention(window: nil)], columns: 2)),
         Figure(kind: .logitLens, title: "lens", content: .labeledGrid(LabeledGrid(heatmap: localAttention(window: nil),
                                                                                  cellTexts: Array(repeating: "tok", count: 36)))),
         Figure(kind: .topTokens, title: "top", content: .bars([Bar(label: "a", value: 0.7), Bar(label: "b", value: 0.2)])),
         Figure(kind: .histogram, title: "hist", content: .histogram(values: (0..<200).map { Float($0 % 17) }, bins: 10)),
         Figure(kind: .softCap, title: "caps", content: .lines(LineChart(
            series: [Series(name: "cap", xs: [-2, 0, 2], ys: [-1, 0, 1]), Series(name: "identity", xs: [-2, 2], ys: [-2, 2], dashed: true)],
            points: [Point(x: 1.5, y: 0.9, label: "head", series: 0)], xLabel: "x", yLabel: "y")))]
    }

    func testEveryPictureWritesAsSVGAndAsANonBlankPNG() throws {
        for (index, figure) in everyContent.enumerated() {
            let svgPath = folder.appendingPathComponent("\(index).svg").path
            let pngPath = folder.appendingPathComponent("\(index).png").path
            try figure.write(to: svgPath)
            try figure.write(to: pngPath)
            let svg = try String(contentsOfFile: svgPath, encoding: .utf8)
            XCTAssertTrue(svg.contains("<svg") && svg.hasSuffix("</svg>\n"), figure.title)
            let image = try PNGImage(decoding: [UInt8](try Data(contentsOf: URL(fileURLWithPath: pngPath))))
            XCTAssertGreaterThan(image.width, 20, figure.title)
            XCTAssertGreaterThan(image.distinctColors(), 2, "\(figure.title): the PNG shows something")
            XCTAssertGreaterThan(image.nonBackgroundFraction, 0.005, figure.title)
        }
    }

    func testATableIsNoPictureAndUnknownExtensionsAreRefused() throws {
        let table = Figure(kind: .table, title: "t", content: .table(Table(header: ["a"], rows: [["1"]])))
        XCTAssertFalse(table.isPicture)
        XCTAssertNil(table.svg())
        XCTAssertThrowsError(try table.write(to: folder.appendingPathComponent("t.svg").path))
        let bars = everyContent[3]
        XCTAssertThrowsError(try bars.write(to: folder.appendingPathComponent("t.txt").path)) { error in
            XCTAssertTrue("\(error)".contains("use a .svg or .png file name"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("t.txt").path))
    }

    func testTheSlidingWindowEdgeIsDrawnOnlyWhereTokensFallOutsideIt() throws {
        let local = SVGRenderer.render(localAttention(window: 2))
        XCTAssertTrue(local.contains("class=\"sliding-window\""), "a window of 2 over 6 tokens leaves keys outside")
        XCTAssertTrue(local.contains("sliding window edge"))
        XCTAssertTrue(local.contains("queries 2 → keys 0: masked: outside the sliding window")
                        || local.contains("2 → 0: masked: outside the sliding window"), "hover names why a cell is masked")
        XCTAssertTrue(local.contains("→ 5: masked: a later token") || local.contains("0 → 1: masked: a later token"))
        // The staircase: query 2 starts at key 1, query 5 at key 4 (one step per row).
        let polyline = try XCTUnwrap(local.components(separatedBy: "class=\"sliding-window\" points=\"").dropFirst().first?
            .prefix { $0 != "\"" })
        XCTAssertEqual(polyline.split(separator: " ").count, 2 * 4, "rows 2...5 each add two points: \(polyline)")
        let global = SVGRenderer.render(localAttention(window: nil))
        XCTAssertFalse(global.contains("sliding-window"))
        let wide = SVGRenderer.render(localAttention(window: 6))
        XCTAssertFalse(wide.contains("sliding-window"), "a window wider than the text cuts nothing")
    }

    func testLabeledGridShowsTheLastColumnsWithEscapedTexts() {
        var heatmap = localAttention(window: nil)
        heatmap.title = "lens <grid>"
        let texts = (0..<36).map { "t\($0)&<" }
        let svg = SVGRenderer.render(LabeledGrid(heatmap: heatmap, cellTexts: texts, maxColumns: 4))
        XCTAssertTrue(svg.contains("lens &lt;grid&gt;"))
        XCTAssertTrue(svg.contains(">t5&amp;&lt;</text>"), "the last column of row 0 is drawn")
        XCTAssertFalse(svg.contains(">t0&amp;&lt;</text>"), "the first columns are left out")
        XCTAssertTrue(svg.contains("showing the last 4 of 6 keys"))
        XCTAssertFalse(svg.contains("<grid>"))
    }

    func testPointsTakeTheirSeriesColour() {
        let chart = SVGRenderer.lines([Series(name: "a", xs: [0, 1], ys: [0, 1]), Series(name: "b", xs: [0, 1], ys: [1, 0])],
                                      title: "", xLabel: "x", yLabel: "y",
                                      points: [Point(x: 0.5, y: 0.5, series: 1), Point(x: 0.2, y: 0.2)])
        XCTAssertTrue(chart.contains("r=\"3\" fill=\"\(SVGRenderer.palette[1])\""))
        XCTAssertTrue(chart.contains("r=\"3\" fill=\"#000000\" fill-opacity=\"0.55\"><title>"))
    }

    func testPNGImageDecodesWhatTheRendererDrew() throws {
        let map = Heatmap(values: [0, 1], rows: 1, columns: 2, range: 0...1)
        let image = try PNGImage(decoding: try PNGRenderer.render(map, cellSize: 8))
        let margin = 8
        let low = image.pixel(margin + 2, margin + 2), high = image.pixel(margin + 10, margin + 2)
        XCTAssertEqual([low.r, low.g, low.b, low.a], [0x44, 0x01, 0x54, 255], "viridis at 0")
        XCTAssertEqual([high.r, high.g, high.b], [0xfd, 0xe7, 0x25], "viridis at 1")
        XCTAssertThrowsError(try PNGImage(decoding: Array("not a png".utf8)))
        let blank = try PNGImage(decoding: try PNGRenderer.encode(rgb: [UInt8](repeating: 255, count: 4 * 4 * 3), width: 4, height: 4))
        XCTAssertEqual(blank.nonBackgroundFraction, 0)
        XCTAssertEqual(blank.distinctColors(), 1)
    }
}
