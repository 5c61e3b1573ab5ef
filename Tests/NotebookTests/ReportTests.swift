// Notebook reports: the runner keeps figures beside unchanged text; HTML escapes code, outputs
// and markdown, stays standalone and marks each figure; Markdown writes and references its files.
import Figures
import Foundation
import GemmaLang
import XCTest
@testable import Notebook

/// A value that draws as a heatmap, bars and a table, shown in text as "<drawing>".
private final class Drawing: HostObject, FigureConvertible {
    var typeName: String { "Drawing" }
    var memberNames: [String] { [] }
    var shortDescription: String { "<drawing> & co" }
    func member(_ name: String, interpreter: Interpreter) throws -> Value? { nil }
    var figures: [Figure] {
        let map = Heatmap(values: [1, 0, 0.5, 0.5], rows: 2, columns: 2, rowLabels: ["<bos>", "a&b"],
                          columnLabels: ["<bos>", "a&b"], title: "map <1>", masked: [false, true, false, false])
        return [Figure(kind: .attention, title: map.title, content: .heatmap(map)),
                Figure(kind: .topTokens, title: "top", content: .bars([Bar(label: "<eos>", value: 0.5)])),
                Figure(kind: .table, title: "tokens", content: .table(Table(header: ["piece"], rows: [["<bos>"], ["a|b"]])),
                       caption: "2 tokens & more")]
    }
}

final class ReportTests: XCTestCase {
    let source = """
        #%% markdown
        # Report <test> & more

        Plain text a < b & c, a [relative link](other.gnb), a [remote one](https://example.com/x)
        and ![a picture](http://example.com/p.png).

        <script>alert("raw")</script>

        Inline `<bos>` and a block:
        ```
        if a<b { c }
        ```

        #%% code id=draw
        let label = "<b>&amp;</b>"   # a comment with <tags>
        print(label, 42)
        drawing()

        #%% code
        print("plain <i>text</i>")

        """

    func run(_ text: String) throws -> NotebookRunResult {
        let interpreter = Interpreter()
        interpreter.register(NativeFunction(signature: "drawing()", help: "a drawing") { _, _ in .object(Drawing()) })
        return try NotebookRunner(interpreter: interpreter).run(try Notebook.parse(text, file: "report.gnb"))
    }

    func testTheRunKeepsFiguresBesideTheUnchangedText() throws {
        let result = try run(source)
        XCTAssertEqual(result.outcome, .succeeded)
        let drawn = try XCTUnwrap(result.cells.first)
        XCTAssertEqual(drawn.output.text, "<b>&amp;</b> 42\n<drawing> & co", "text as before: prints, then the display")
        XCTAssertEqual(drawn.printed, "<b>&amp;</b> 42\n")
        XCTAssertEqual(drawn.figures.map(\.kind), [.attention, .topTokens, .table])
        XCTAssertEqual(result.cells.last?.figures.count, 0)
    }

    func testHTMLEscapesCodeOutputsAndMarkdown() throws {
        let html = NotebookReport(result: try run(source)).html()
        XCTAssertFalse(html.contains("<script"), "no script: raw HTML in markdown is shown as text")
        XCTAssertTrue(html.contains("&lt;script&gt;alert("), "raw HTML is text")
        XCTAssertTrue(html.contains("<h1>Report &lt;test&gt; &amp; more</h1>"), "a tag-like word in a heading is text")
        XCTAssertTrue(html.contains("<title>Report &lt;test&gt; &amp; more</title>"))
        XCTAssertTrue(html.contains("a &lt; b &amp; c"))
        XCTAssertTrue(html.contains("<code>&lt;bos&gt;</code>") && html.contains("if a&lt;b { c }"), "code in markdown")
        XCTAssertFalse(html.contains("&amp;lt;"), "nothing is escaped twice")
        XCTAssertTrue(html.contains("<span class=\"s\">&quot;&lt;b&gt;&amp;amp;&lt;/b&gt;&quot;</span>"), "a string in code")
        XCTAssertTrue(html.contains("<span class=\"c\"># a comment with &lt;tags&gt;</span>"), "a comment in code")
        XCTAssertTrue(html.contains("<span class=\"k\">let</span>") && html.contains("<span class=\"n\">42</span>"))
        XCTAssertTrue(html.contains("&lt;b&gt;&amp;amp;&lt;/b&gt; 42"), "printed output")
        XCTAssertTrue(html.contains("plain &lt;i&gt;text&lt;/i&gt;"))
        XCTAssertFalse(html.contains("<i>text") || html.contains("<b>&amp;"), "nothing from outputs is markup")
        XCTAssertTrue(html.contains("<td>&lt;bos&gt;</td>") && html.contains("<figcaption>2 tokens &amp; more</figcaption>"))
        XCTAssertTrue(html.contains("&lt;bos&gt; → a&amp;b: masked"), "hover text inside the inline SVG is escaped")
    }

    func testHTMLIsStandaloneAndMarksEveryFigure() throws {
        let html = NotebookReport(result: try run(source)).html()
        for attribute in ["src", "href"] {
            for value in attributeValues(attribute, in: html) {
                XCTAssertFalse(value.lowercased().hasPrefix("http") || value.hasPrefix("//"), "\(attribute)=\(value)")
            }
        }
        XCTAssertEqual(attributeValues("href", in: html), ["other.gnb"], "the relative link stays a link")
        XCTAssertTrue(html.contains("<span class=\"url\">(https://example.com/x)</span>"), "a remote link is named, not linked")
        XCTAssertTrue(html.contains("[image: a picture — http://example.com/p.png]"))
        XCTAssertFalse(html.contains("<link") || html.contains("@import") || html.contains("url(http"))
        XCTAssertEqual(attributeValues("data-kind", in: html), ["attention", "top-k", "table"])
        XCTAssertEqual(html.components(separatedBy: "<svg class=\"figure-svg\"").count - 1, 2)
        XCTAssertFalse(html.contains("<?xml"), "inline SVG has no XML declaration")
        XCTAssertTrue(html.contains("<details class=\"as-text\"><summary>as text</summary>"))
    }

    func testMarkdownWritesFigureFilesAndReferencesThem() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("out.md").path
        let stale = folder.appendingPathComponent("out_files/cell-09-1-attention.svg")
        try FileManager.default.createDirectory(at: stale.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("old".utf8).write(to: stale)

        let written = try NotebookReport(result: try run(source)).writeMarkdown(to: path)
        let markdown = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertEqual(written.count, 2, "the heatmap and the bars; the table is Markdown")
        for file in written {
            let name = URL(fileURLWithPath: file).lastPathComponent
            XCTAssertTrue(markdown.contains("](out_files/\(name))"), "\(name) is referenced")
            XCTAssertTrue(try String(contentsOfFile: file, encoding: .utf8).contains("<svg"))
        }
        XCTAssertTrue(written.contains { $0.hasSuffix("cell-02-1-attention.svg") }, "\(written)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale.path), "figures of an earlier export are removed")
        XCTAssertTrue(markdown.contains("![map \\<1\\>](out_files/cell-02-1-attention.svg)"), markdown)
        XCTAssertTrue(markdown.contains("| \\<bos\\> |") && markdown.contains("| a\\|b |"), "table cells are escaped")
        XCTAssertTrue(markdown.contains("```gnb\nlet label = \"<b>&amp;</b>\""), "code is fenced as written")
        XCTAssertTrue(markdown.contains("```text\nplain <i>text</i>\n```"))
        XCTAssertTrue(markdown.contains("# Report <test> & more"), "markdown cells stay as written")
    }

    func testAFailedRunShowsTheErrorAndTheStoredOutputsOfCellsNotRun() throws {
        let result = try run("#%% code\nlet x = 1 +\n\n#%% code\nprint(2)\n\n#%% output\nstored <2>\n")
        XCTAssertEqual(result.outcome, .failed)
        let report = NotebookReport(result: result)
        let html = report.html()
        XCTAssertTrue(html.contains("<div class=\"output error\">"))
        XCTAssertTrue(html.contains("not run: the output stored in the notebook"))
        XCTAssertTrue(html.contains("stored &lt;2&gt;"))
        XCTAssertTrue(report.summary.contains("stopped by an error"), report.summary)
        let markdown = report.markdown(figureFolder: "f").text
        XCTAssertTrue(markdown.contains("```text error\n"), markdown)
    }

    func testFencesOutgrowBackticksInside() {
        XCTAssertEqual(NotebookReport.fenced("a ``` b", info: "text"), "````text\na ``` b\n````")
        XCTAssertEqual(NotebookReport.fenced("", info: "text"), "```text\n```")
    }

    /// The values of `name="..."` attributes in `html`, in order.
    func attributeValues(_ name: String, in html: String) -> [String] {
        html.components(separatedBy: " \(name)=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }
}
