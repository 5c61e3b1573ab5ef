// Attention maps: the causal mask and sliding window, labels, and the SVG / PNG / terminal
// renderings.
import Figures
import Foundation
import Gemma
import Inspect
import XCTest
#if canImport(FoundationXML)
import FoundationXML
#endif

final class AttentionMapTests: XCTestCase {
    func makeTrace() throws -> Trace {
        try Tracer.run(try Fixtures.tiny(), tokens: Fixtures.seq7, capture: HookSelector(["blocks.*.attn.hook_pattern"]))
    }

    func testMaskedCellsAreOutsideTheWindowOnLocalLayersOnly() throws {
        let trace = try makeTrace()
        for layer in 0..<4 {
            let map = try AttentionMap(trace: trace, layer: layer)
            XCTAssertEqual(map.heads, 4)
            XCTAssertEqual(map.kind, layer % 2 == 0 ? .local(window: 4) : .global)
            XCTAssertEqual(map.labels, ["0:<bos>", "1:▁the", "2:▁man", "3:▁was", "4:▁in", "5:▁the", "6:▁water"])
            for head in [0, 3] {
                let heatmap = try map.heatmap(head: head)
                let masked = try XCTUnwrap(heatmap.masked)
                XCTAssertEqual(heatmap.rows, 7)
                XCTAssertEqual(heatmap.columns, 7)
                for q in 0..<7 {
                    for k in 0..<7 {
                        let visible = k <= q && (layer % 2 == 1 || q - k < 4)
                        XCTAssertEqual(masked[q * 7 + k], !visible, "layer \(layer) query \(q) key \(k)")
                        XCTAssertEqual(map.visible(query: q, key: k), visible)
                        let value = heatmap.values[q * 7 + k]
                        XCTAssertEqual(value, map.pattern.data[(head * 7 + q) * 7 + k])
                        if !visible { XCTAssertEqual(value, 0, "masked cells hold no attention") }
                    }
                }
            }
            // The mean over heads.
            let mean = try map.heatmap(head: nil)
            for i in 0..<49 {
                let expected = (0..<4).map { map.pattern.data[$0 * 49 + i] }.reduce(0, +) / 4
                XCTAssertEqual(mean.values[i], expected, accuracy: 1e-6)
            }
            XCTAssertEqual(try map.grid().count, 4)
        }
        // Query 6 on a local layer sees keys 3...6 only.
        let local = try AttentionMap(trace: trace, layer: 0)
        XCTAssertEqual((0..<7).filter { local.visible(query: 6, key: $0) }, [3, 4, 5, 6])
        XCTAssertThrowsError(try local.heatmap(head: 4))
        XCTAssertThrowsError(try AttentionMap(trace: trace, layer: 4))
        let other = try Tracer.run(try Fixtures.tiny(), tokens: Fixtures.seq7, capture: HookSelector(["hook_embed"]))
        XCTAssertThrowsError(try AttentionMap(trace: other, layer: 0)) { error in
            XCTAssertEqual(error as? InspectError, .notCaptured("blocks.0.attn.hook_pattern"))
        }
    }

    func testSVGParsesAsXML() throws {
        let map = try AttentionMap(trace: try makeTrace(), layer: 2)
        for head in [0, nil] as [Int?] {
            let svg = try map.svg(head: head)
            XCTAssertTrue(svg.contains("<svg"), String(svg.prefix(100)))
            let parser = XMLParser(data: Data(svg.utf8))
            let delegate = ElementCounter()
            parser.delegate = delegate
            XCTAssertTrue(parser.parse(), "SVG does not parse: \(parser.parserError.map { "\($0)" } ?? "")")
            XCTAssertEqual(delegate.root, "svg")
            XCTAssertGreaterThanOrEqual(delegate.count["rect", default: 0], 49, "a rectangle per cell at least")
            XCTAssertTrue(svg.contains("▁water"), "token labels appear")
        }
    }

    func testPNGIsWrittenWithItsSignature() throws {
        let map = try AttentionMap(trace: try makeTrace(), layer: 1)
        let folder = try scratchFolder(self)
        let path = folder + "/map.png"
        try map.png(head: 1, to: path)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(Array(bytes.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        XCTAssertGreaterThan(bytes.count, 100)
    }

    func testTerminalRenderingShowsTitleAndLabels() throws {
        let map = try AttentionMap(trace: try makeTrace(), layer: 0)
        let text = try map.terminal(head: 2, mode: .plain, width: 100)
        XCTAssertTrue(text.contains("layer 0 head 2"), text)
        XCTAssertTrue(text.contains("▁water"), text)
        XCTAssertTrue(text.contains("sliding window of 4"), text)
        XCTAssertFalse(text.contains("\u{1B}["), "plain mode has no escape codes")
        XCTAssertFalse(try map.terminalGrid(mode: .plain, width: 100).isEmpty)
    }
}

/// Counts the elements of a parsed document.
final class ElementCounter: NSObject, XMLParserDelegate {
    var root: String?
    var count: [String: Int] = [:]
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if root == nil { root = name }
        count[name, default: 0] += 1
    }
}
