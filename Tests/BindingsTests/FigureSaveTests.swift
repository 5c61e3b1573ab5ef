// save() of every figure a script can make, as .svg and .png (decoded back), and the figures
// values hand to notebook reports: attention maps with the window, lens grid, soft-caps, top-k.
import Bindings
import Figures
import Foundation
import GemmaLang
import XCTest

final class FigureSaveTests: XCTestCase {
    let prompt = "\" the man was in the water\""

    func png(_ path: String) throws -> PNGImage {
        try PNGImage(decoding: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    func testEveryFigureSavesAsSVGAndPNG() throws {
        let s = ScriptSession()
        let folder = try scratchFolder(self)
        s.run("let t = run(\(prompt))")
        let figures: [(name: String, expression: String, svgText: String)] = [
            ("layer", "t.layer(0).attn", "layer 0 head 3"),
            ("head", "t.layer(0).attn.head(1)", "layer 0 head 1"),
            ("lens", "lens(\(prompt))", "logit lens: top token"),
            ("caps", "softcaps(\(prompt))", "tanh(x/"),
            ("top", "t.top(5)", "next token after the prompt: top 5"),
            ("histogram", "t[\"blocks.1.hook_resid_post\"].histogram(bins: 12)", "histogram of blocks.1.hook_resid_post"),
        ]
        for figure in figures {
            for format in ["svg", "png"] {
                let path = "\(folder)/\(figure.name).\(format)"
                XCTAssertEqual(s.string("save(\(figure.expression), \"\(path)\")"), path, figure.name)
            }
            let svg = try String(contentsOfFile: "\(folder)/\(figure.name).svg", encoding: .utf8)
            XCTAssertTrue(svg.contains(figure.svgText), "\(figure.name).svg lacks \(figure.svgText)")
            let image = try png("\(folder)/\(figure.name).png")
            XCTAssertGreaterThan(image.distinctColors(), 2, "\(figure.name).png shows something")
        }
        // The layer's attention saves every head side by side: four panels, each with a colour bar.
        let layer = try png("\(folder)/layer.png"), head = try png("\(folder)/head.png")
        XCTAssertEqual(layer.width, 4 * head.width)
        s.expectError("save(t.layer(0).attn, \"\(folder)/layer.jpg\")", "use a .svg or .png file name")
        s.expectError("t.top(3).save(\"\(folder)/top.gif\")", "use a .svg or .png file name")
    }

    func testLocalLayersMarkTheirWindowAndGlobalOnesDoNot() throws {
        let s = ScriptSession()
        let folder = try scratchFolder(self)
        s.run("let t = run(\(prompt), hooks: \"blocks.*.attn.hook_pattern\")")
        XCTAssertEqual(s.string("t.layer(0).kind"), "local(4)")
        XCTAssertEqual(s.string("t.layer(1).kind"), "global")
        s.run("save(t.layer(0).attn.head(0), \"\(folder)/local.svg\")\nsave(t.layer(1).attn.head(0), \"\(folder)/global.svg\")")
        let local = try String(contentsOfFile: "\(folder)/local.svg", encoding: .utf8)
        let global = try String(contentsOfFile: "\(folder)/global.svg", encoding: .utf8)
        XCTAssertTrue(local.contains("class=\"sliding-window\""), "7 tokens through a window of 4")
        XCTAssertTrue(local.contains("6:▁water → 1:▁the: masked: outside the sliding window"))
        XCTAssertFalse(global.contains("sliding-window"))
        XCTAssertTrue(global.contains("0:&lt;bos&gt; → 1:▁the: masked"))
    }

    func testValuesHandTheirFiguresToReports() throws {
        let s = ScriptSession()
        s.run("let t = run(\(prompt))")
        func figures(_ expression: String) -> [Figure] {
            (s.run(expression)?.objectValue as? FigureConvertible)?.figures ?? []
        }
        XCTAssertEqual(figures("t.layer(0).attn").map(\.kind), [.attention])
        XCTAssertEqual(figures("t.top(3)").map(\.kind), [.topTokens])
        XCTAssertEqual(figures("lens(\(prompt))").map(\.kind), [.logitLens])
        XCTAssertEqual(figures("softcaps(\(prompt))").map(\.kind), [.softCap, .table])
        XCTAssertEqual(figures("tokenize(\(prompt))").map(\.kind), [.table])
        XCTAssertEqual(figures("model()").map(\.kind), [.table])
        guard case .bars(let bars) = figures("t.top(3)").first?.content else { return XCTFail("top-k draws bars") }
        XCTAssertEqual(bars.count, 3)
        XCTAssertTrue(bars.allSatisfy { $0.value > 0 && $0.value <= 1 }, "probabilities")
        XCTAssertTrue(zip(bars, bars.dropFirst()).allSatisfy { $0.value >= $1.value }, "in order")
        // The soft-cap points are values the run saw: each lies on its cap's curve.
        guard case .lines(let chart) = figures("softcaps(\(prompt))").first?.content else { return XCTFail("a line chart") }
        XCTAssertFalse(chart.points.isEmpty)
        XCTAssertTrue(chart.points.contains { abs($0.x) > 1 }, "some values were large enough to bend")
        XCTAssertGreaterThanOrEqual(chart.series.count, 3, "two caps (attention, logits) and the identity")
        guard case .table(let tokens) = figures("tokenize(\(prompt))").first?.content else { return XCTFail("a table") }
        XCTAssertEqual(tokens.rows.map { $0[2] }, ["<bos>", "▁the", "▁man", "▁was", "▁in", "▁the", "▁water"])
    }
}
