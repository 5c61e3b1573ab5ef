// A notebook report as one standalone HTML5 page: the style inline, figures as inline SVG (values
// on hover), tables as tables, code highlighted; nothing is loaded from a file or the network.
import Figures

extension NotebookReport {
    /// The page. Each figure is a `<figure class="figure" data-kind="...">` holding an inline
    /// `<svg>` or a `<table>`; the text the terminal shows stays one click away under it.
    public func html() -> String {
        var body: [String] = []
        body.append("<header class=\"report-header\"><span class=\"file\">\(HTMLText.escape(file))</span>"
            + " <span class=\"summary\">\(HTMLText.escape(summary))</span></header>")
        for block in blocks {
            switch block {
            case .markdown(let text):
                body.append("<section class=\"cell markdown\">\n" + MarkdownRendering.html(text) + "\n</section>")
            case .code(let code):
                body.append(Self.html(code))
            }
        }
        body.append("<footer class=\"report-footer\">Exported by gemma-repl from \(HTMLText.escape(file)).</footer>")
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="gemma-repl">
            <title>\(HTMLText.escape(title))</title>
            <style>
            \(ReportStyle.css)
            </style>
            </head>
            <body>
            <main>
            \(body.joined(separator: "\n"))
            </main>
            </body>
            </html>

            """
    }

    static func html(_ code: CodeBlock) -> String {
        var label = code.isParameters ? "parameters" : "[\(code.number)]"
        if let name = code.name { label += " id=" + name }
        var parts = ["<section class=\"cell code\(code.isParameters ? " parameters" : "")\" id=\"cell-\(code.number)\">",
                     "<div class=\"cell-label\">\(HTMLText.escape(label))</div>",
                     "<pre class=\"source\"><code>\(HTMLText.highlighted(code.source))</code></pre>"]
        if let output = code.output {
            parts.append(outputHTML(code, output: output))
        }
        parts.append("</section>")
        return parts.joined(separator: "\n")
    }

    /// Printed text, then the figures of the value (with its text under "as text"), or the
    /// whole output text when there are no figures; errors in their own colour.
    static func outputHTML(_ code: CodeBlock, output: CellOutput) -> String {
        var parts = ["<div class=\"output\(output.isError ? " error" : "")\(code.ran ? "" : " stale")\">"]
        if !code.ran { parts.append("<div class=\"note\">not run: the output stored in the notebook</div>") }
        if code.figures.isEmpty || output.isError {
            parts.append("<pre class=\"text\">\(HTMLText.escape(output.text))</pre>")
        } else {
            let printed = CellOutput.storedForm(code.printed)
            if !printed.isEmpty { parts.append("<pre class=\"text\">\(HTMLText.escape(printed))</pre>") }
            parts += code.figures.map(figureHTML)
            parts.append("<details class=\"as-text\"><summary>as text</summary><pre class=\"text\">"
                + HTMLText.escape(output.text) + "</pre></details>")
        }
        parts.append("</div>")
        return parts.joined(separator: "\n")
    }

    static func figureHTML(_ figure: Figure) -> String {
        var inner: String
        if case .table(let table) = figure.content {
            inner = tableHTML(table, title: figure.title)
        } else {
            inner = figure.svg().map(HTMLText.inlineSVG) ?? ""
        }
        if let caption = figure.caption, !caption.isEmpty {
            inner += "\n<figcaption>\(HTMLText.escape(caption))</figcaption>"
        }
        return "<figure class=\"figure\" data-kind=\"\(figure.kind.rawValue)\">\n\(inner)\n</figure>"
    }

    static func tableHTML(_ table: Table, title: String) -> String {
        func cell(_ tag: String, _ text: String, column: Int) -> String {
            let align = table.alignRight.contains(column) ? " class=\"num\"" : ""
            return "<\(tag)\(align)>\(HTMLText.escape(text))</\(tag)>"
        }
        var lines = ["<table class=\"data\">"]
        if !title.isEmpty { lines.append("<caption>\(HTMLText.escape(title))</caption>") }
        if !table.header.isEmpty {
            lines.append("<thead><tr>" + table.header.enumerated().map { cell("th", $0.element, column: $0.offset) }.joined()
                + "</tr></thead>")
        }
        lines.append("<tbody>")
        for row in table.rows {
            lines.append("<tr>" + row.enumerated().map { cell("td", $0.element, column: $0.offset) }.joined() + "</tr>")
        }
        lines.append("</tbody></table>")
        return lines.joined(separator: "\n")
    }
}
