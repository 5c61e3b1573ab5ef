// Error reports in the style of a compiler: `file:line:column: error: message`, the line, a caret.

/// One syntax or runtime error, located in the source, ready to show to a learner.
public struct Diagnostic: Sendable, CustomStringConvertible {
    /// Whether the error was found before running (scanner, parser, resolver) or while running.
    public enum Kind: Sendable { case syntax, runtime }

    public var kind: Kind
    /// The source name (`<input>`, `cell 3`, a script path).
    public var file: String
    /// 1-based line and column (column counted in Characters).
    public var line: Int
    public var column: Int
    /// The exclusive end column on `line` of the offending token or expression (for `~~~`).
    public var endColumn: Int
    public var message: String
    /// The text of the line, shown under the message.
    public var sourceLine: String
    /// For runtime errors inside functions: "in fn f at cell:3:5", innermost first.
    public var traceback: [String]

    public init(kind: Kind, file: String, line: Int, column: Int, endColumn: Int,
                message: String, sourceLine: String, traceback: [String] = []) {
        self.kind = kind
        self.file = file
        self.line = line
        self.column = column
        self.endColumn = max(endColumn, column + 1)
        self.message = message
        self.sourceLine = sourceLine
        self.traceback = traceback
    }

    init(kind: Kind, range: SourceRange, message: String, traceback: [String] = []) {
        let sourceLine = range.file.line(range.line)
        let end = range.endLine == range.line ? range.endColumn : sourceLine.count + 1
        self.init(kind: kind, file: range.file.name, line: range.line, column: range.column,
                  endColumn: end, message: message, sourceLine: sourceLine, traceback: traceback)
    }

    /// `line:column: message`, the form test scripts expect.
    public var shortForm: String { "\(line):\(column): \(message)" }

    public var description: String { rendered(color: false) }

    /// The full report: header, source line, caret with `~` under the rest of the range, traceback.
    public func rendered(color: Bool) -> String {
        let bold = color ? "\u{1B}[1m" : "", red = color ? "\u{1B}[1;31m" : ""
        let green = color ? "\u{1B}[1;32m" : "", reset = color ? "\u{1B}[0m" : ""
        var text = "\(bold)\(file):\(line):\(column):\(reset) \(red)error:\(reset) \(bold)\(message)\(reset)"
        if !sourceLine.isEmpty || column > 1 {
            text += "\n" + sourceLine
            // Keep tabs from the source so that the caret lines up under the right character.
            let prefix: [Character] = sourceLine.prefix(max(column - 1, 0)).map { $0 == "\t" ? "\t" : " " }
            let padding = String(prefix) + String(repeating: " ", count: max(column - 1 - prefix.count, 0))
            let width = max(min(endColumn, sourceLine.count + 1) - column, 1)
            text += "\n" + padding + green + "^" + String(repeating: "~", count: width - 1) + reset
        }
        for entry in traceback {
            text += "\n  " + entry
        }
        return text
    }
}
