// A .gnb notebook in memory: its cells, their stored outputs, and building one from a REPL
// session (docs/notebook-format.md).

/// A notebook: markdown and code cells in order, each code cell with its stored output.
///
/// Output cells of the file are not cells here: they are attached to the code or parameters
/// cell before them (`NotebookCell.output`), which is the only place the format allows them.
public struct Notebook: Equatable, Sendable {
    /// Files larger than this (64 MiB) are refused before reading.
    public static let maxFileSize = 64 << 20

    public var cells: [NotebookCell]
    /// The path or name the notebook was read from; parse errors name it.
    public var file: String

    public init(cells: [NotebookCell] = [], file: String = "<notebook>") {
        self.cells = cells
        self.file = file
    }

    /// The last path component of `file`: the name diagnostics inside cell outputs use, so that
    /// stored outputs do not depend on the directory the notebook was run from.
    public var displayName: String {
        file.split(separator: "/").last.map(String.init) ?? file
    }

    /// The parameters cell, if any (at most one).
    public var parametersCellIndex: Int? { cells.firstIndex { $0.kind == .parameters } }

    /// A copy whose cells carry the line numbers they have in `serialized()` (cells built in code
    /// have line 0 until then).
    public func renumbered() -> Notebook {
        var copy = self
        var line = 1
        for index in copy.cells.indices {
            if index > 0 { line += 1 }  // the blank line between cells
            copy.cells[index].line = line
            line += 1 + lineCount(copy.cells[index].source)
            if copy.cells[index].isCode, copy.cells[index].output != nil {
                line += 1
                copy.cells[index].output?.line = line
                line += 1 + lineCount(copy.cells[index].output?.text ?? "")
            }
        }
        return copy
    }

    private func lineCount(_ text: String) -> Int {
        NotebookText.lineCount(CellOutput.storedForm(text))
    }
}

/// One markdown, code or parameters cell.
public struct NotebookCell: Equatable, Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case markdown, code, parameters
    }

    public var kind: Kind
    /// The text of the cell: lines joined by "\n", no trailing line break, no trailing blank lines.
    public var source: String
    /// The optional `id=` of the marker, used in messages.
    public var name: String?
    /// `raises`: the cell is expected to end in an error; the run goes on after it.
    public var expectsError: Bool
    /// False for `nocheck`: `check` does not compare the output (timings, random samples).
    public var checksOutput: Bool
    /// The stored output (code and parameters cells only).
    public var output: CellOutput?
    /// The 1-based line of the cell's marker in the file (0 for a cell not read from a file).
    public var line: Int

    public init(kind: Kind, source: String, name: String? = nil, expectsError: Bool = false,
                checksOutput: Bool = true, output: CellOutput? = nil, line: Int = 0) {
        self.kind = kind
        self.source = source
        self.name = name
        self.expectsError = expectsError
        self.checksOutput = checksOutput
        self.output = output
        self.line = line
    }

    /// Whether the cell runs (code or parameters).
    public var isCode: Bool { kind != .markdown }

    /// The line of the first source line in the file (the line after the marker).
    public var firstSourceLine: Int { line + 1 }

    /// The line of the last source line (the marker's line for an empty cell).
    public var lastSourceLine: Int {
        line + NotebookText.lineCount(source)
    }

    /// The attributes each kind of marker accepts, in the order they are written.
    static func attributes(of kind: String) -> [String] {
        switch kind {
        case "markdown": return ["id=NAME"]
        case "code", "parameters": return ["id=NAME", "raises", "nocheck"]
        case "output": return ["error"]
        default: return []
        }
    }
}

/// The stored output of a code cell, as written in its `#%% output` cell.
public struct CellOutput: Equatable, Sendable {
    /// Lines joined by "\n", no trailing line break (see `CellOutput.storedForm`).
    public var text: String
    /// `#%% output error`: the cell ended in an error, shown at the end of the text.
    public var isError: Bool
    /// The 1-based line of the `#%% output` marker (0 when not read from a file).
    public var line: Int

    public init(text: String, isError: Bool = false, line: Int = 0) {
        self.text = CellOutput.storedForm(text)
        self.isError = isError
        self.line = line
    }

    /// Text as a notebook file keeps it: carriage returns at line ends are dropped, NUL becomes
    /// U+2400 (files hold no NUL), trailing blank lines and the final line break are dropped.
    /// Comparing stored forms makes `check` agree with what `update` writes.
    public static func storedForm(_ text: String) -> String {
        let text = text.contains("\0") ? text.replacingOccurrences(of: "\0", with: "\u{2400}") : text
        return NotebookText.joinedContent(NotebookText.lines(of: text))
    }
}

/// One REPL input and what it printed, for `Notebook.session(from:)`.
public struct SessionEntry: Equatable, Sendable {
    public var code: String
    public var output: String
    /// The input ended in an error (its output ends with the diagnostic).
    public var isError: Bool

    public init(code: String, output: String, isError: Bool = false) {
        self.code = code
        self.output = output
        self.isError = isError
    }
}

extension Notebook {
    /// A notebook of a REPL session (`:save FILE.gnb`): one code cell per input with its output.
    /// Blank inputs are skipped; inputs that failed become `raises` cells with an error output,
    /// so that loading the notebook runs past them as the session did.
    public static func session(from entries: [SessionEntry], file: String = "session.gnb") -> Notebook {
        var cells: [NotebookCell] = []
        for entry in entries {
            let source = CellOutput.storedForm(entry.code)
            if source.allSatisfy({ $0.isWhitespace }) { continue }
            let output = CellOutput(text: entry.output, isError: entry.isError)
            cells.append(NotebookCell(kind: .code, source: source, expectsError: entry.isError,
                                      output: output.text.isEmpty && !entry.isError ? nil : output))
        }
        return Notebook(cells: cells, file: file).renumbered()
    }

    /// `session(from:)` for plain (code, output) pairs.
    public static func session(from pairs: [(code: String, output: String)], file: String = "session.gnb") -> Notebook {
        session(from: pairs.map { SessionEntry(code: $0.code, output: $0.output) }, file: file)
    }
}
