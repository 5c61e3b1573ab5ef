// A notebook report as GitHub-flavoured Markdown: markdown cells as written, code in fenced
// blocks, outputs as text, tables as GFM tables, pictures as SVG files referenced as images.
import Figures
import Foundation

extension NotebookReport {
    /// The Markdown text and the figure files it references as `FOLDER/cell-NN-K-kind.svg`.
    public func markdown(figureFolder: String) -> (text: String, files: [(name: String, contents: [UInt8])]) {
        var parts: [String] = ["<!-- exported by gemma-repl from \(Self.escapeComment(file)) -->"]
        var files: [(name: String, contents: [UInt8])] = []
        for block in blocks {
            switch block {
            case .markdown(let text):
                parts.append(text)
            case .code(let code):
                let label = code.isParameters ? "parameters" : "cell \(code.number)"
                parts.append(Self.fenced(code.source, info: "gnb") + (code.name.map { "\n<sub>\(label) id=\(Self.escapeText($0))</sub>" } ?? ""))
                guard let output = code.output else { continue }
                if !code.ran { parts.append("*not run: the output stored in the notebook*") }
                if code.figures.isEmpty || output.isError {
                    parts.append(Self.fenced(output.text, info: output.isError ? "text error" : "text"))
                    continue
                }
                let printed = CellOutput.storedForm(code.printed)
                if !printed.isEmpty { parts.append(Self.fenced(printed, info: "text")) }
                for (offset, figure) in code.figures.enumerated() {
                    var lines: [String] = []
                    if case .table(let table) = figure.content {
                        lines.append(Self.table(table))
                    } else if let svg = figure.svg() {
                        let name = Self.figureFileName(cell: code.number, index: offset + 1, figure: figure)
                        files.append((name, Array(svg.utf8)))
                        lines.append("![\(Self.escapeText(figure.title))](\(Self.urlPath(figureFolder + "/" + name)))")
                    }
                    if let caption = figure.caption, !caption.isEmpty { lines.append("*" + Self.escapeText(caption) + "*") }
                    parts.append(lines.joined(separator: "\n\n"))
                }
                parts.append("<details><summary>as text</summary>\n\n" + Self.fenced(output.text, info: "text") + "\n\n</details>")
            }
        }
        return (parts.joined(separator: "\n\n") + "\n", files)
    }

    /// `text` in a fenced code block whose fence is longer than any run of backticks inside.
    static func fenced(_ text: String, info: String) -> String {
        var longest = 0, run = 0
        for character in text {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return fence + info + "\n" + text + (text.isEmpty ? "" : "\n") + fence
    }

    /// A GFM table; cells escaped so that pieces like `<bos>` or `|` read as written.
    static func table(_ table: Table) -> String {
        let columns = max(table.header.count, table.rows.map(\.count).max() ?? 0)
        guard columns > 0 else { return "" }
        func row(_ cells: [String]) -> String {
            "| " + (0..<columns).map { $0 < cells.count ? escapeText(cells[$0]) : "" }.joined(separator: " | ") + " |"
        }
        let rule = "|" + (0..<columns).map { table.alignRight.contains($0) ? " ---: " : " --- " }.joined(separator: "|") + "|"
        return ([row(table.header), rule] + table.rows.map(row)).joined(separator: "\n")
    }

    /// Text in Markdown prose or a table cell: ASCII punctuation that Markdown or HTML would
    /// read is backslash-escaped, `&` becomes `&amp;`, line breaks become spaces.
    static func escapeText(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "\n", "\r", "\r\n": result += " "
            case "\\", "`", "*", "_", "[", "]", "<", ">", "|", "#", "!", "{", "}", "(", ")", "~":
                result += "\\" + String(character)
            default: result.append(character)
            }
        }
        return result
    }

    /// Text inside an HTML comment: no `--`.
    static func escapeComment(_ text: String) -> String {
        text.replacingOccurrences(of: "--", with: "- -")
    }

    /// A relative path as a URL path (spaces and other characters percent-encoded).
    static func urlPath(_ path: String) -> String {
        path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "()"))) ?? path
    }
}
