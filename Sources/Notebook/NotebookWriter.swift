// Writing a notebook as .gnb text, and the line rules reading and writing share
// (docs/notebook-format.md, "Canonical form" and "Escaping").

/// Line handling shared by the parser and the writer. Lines are split at LF scalars: in Swift a
/// CR LF pair is one Character, so splitting a String by Character would miss it.
enum NotebookText {
    static let marker = "#%%"

    static func lines(of text: String) -> [String] {
        text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
    }

    /// Lines in `text` ("" has none).
    static func lineCount(_ text: String) -> Int {
        text.isEmpty ? 0 : text.unicodeScalars.reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
    }

    /// Only spaces, tabs and carriage returns.
    static func isBlank(_ line: some StringProtocol) -> Bool {
        line.unicodeScalars.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" }
    }

    /// The content of a cell from its lines: carriage returns ending a line dropped, trailing
    /// blank lines dropped, joined by LF without a final one.
    static func joinedContent(_ lines: [String]) -> String {
        var kept = lines.map { line -> String in
            var scalars = line.unicodeScalars
            while scalars.last == "\r" { scalars.removeLast() }
            return String(scalars)
        }
        while let last = kept.last, isBlank(last) { kept.removeLast() }
        return kept.joined(separator: "\n")
    }

    /// Whether the line starts with `#%%` (compared by bytes, so a combining mark after it does
    /// not hide a marker).
    static func isMarker(_ line: String) -> Bool {
        line.utf8.starts(with: marker.utf8)
    }

    /// Backslashes that open the line, and whether `#%%` follows them.
    private static func escapeDepth(_ line: String) -> (backslashes: Int, beforeMarker: Bool) {
        let bytes = Array(line.utf8.prefix(while: { $0 == UInt8(ascii: "\\") }))
        let rest = line.utf8.dropFirst(bytes.count)
        return (bytes.count, rest.starts(with: marker.utf8))
    }

    /// A content line as written: one more `\` before `\`*`#%%` (like mboxrd's `>From `), so
    /// that no content line can be read as a marker. Other lines are untouched.
    static func escaped(_ line: String) -> String {
        escapeDepth(line).beforeMarker ? "\\" + line : line
    }

    /// The inverse of `escaped`: one `\` fewer before `\`+`#%%`.
    static func unescaped(_ line: String) -> String {
        let (count, beforeMarker) = escapeDepth(line)
        return count > 0 && beforeMarker ? String(line.dropFirst()) : line
    }

    /// A cell id as written: characters outside letters, digits, `_`, `-`, `.` become `_`.
    static func validName(_ name: String) -> String {
        let mapped = String(name.map { isNameCharacter($0) ? $0 : "_" })
        return mapped.isEmpty ? "_" : mapped
    }

    static func isNameCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_" || character == "-" || character == "."
    }
}

extension Notebook {
    /// The notebook as canonical .gnb text: each cell is its marker line and its content lines,
    /// one blank line between cells, one line break at the end. Parsing a canonical file and
    /// serializing it gives back the same bytes.
    public func serialized() -> String {
        var lines: [String] = []
        for cell in cells {
            if !lines.isEmpty { lines.append("") }
            lines.append(Notebook.marker(for: cell))
            appendContent(cell.source, to: &lines)
            if cell.isCode, let output = cell.output {
                lines.append("")
                lines.append(NotebookText.marker + " output" + (output.isError ? " error" : ""))
                appendContent(output.text, to: &lines)
            }
        }
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }

    private func appendContent(_ text: String, to lines: inout [String]) {
        let content = CellOutput.storedForm(text)
        if content.isEmpty { return }
        lines += NotebookText.lines(of: content).map(NotebookText.escaped)
    }

    /// `#%% code id=name raises nocheck`: the kind, then the attributes in this order.
    static func marker(for cell: NotebookCell) -> String {
        var words = [NotebookText.marker, cell.kind.rawValue]
        if let name = cell.name { words.append("id=" + NotebookText.validName(name)) }
        if cell.isCode && cell.expectsError { words.append("raises") }
        if cell.isCode && !cell.checksOutput { words.append("nocheck") }
        return words.joined(separator: " ")
    }
}
