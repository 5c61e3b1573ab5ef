// Syntax highlighting from the scanner's own tokens (docs/language.md, "Lexical structure"):
// source text split into spans of keywords, strings, numbers, comments and the rest.

/// What a span of source is, for colouring.
public enum SyntaxRole: String, Sendable, Equatable {
    case keyword, string, number, comment, identifier, punctuation, plain
}

/// A run of source text with one role.
public struct SyntaxSpan: Sendable, Equatable {
    public var role: SyntaxRole
    public var text: String
    public init(role: SyntaxRole, text: String) { self.role = role; self.text = text }
}

extension Interpreter {
    /// `source` as consecutive spans whose texts join back to exactly `source`. Tokens come from
    /// the scanner; the text between tokens is blanks and `#` comments. An interpolated string
    /// is one string span; text the scanner rejected is plain.
    public static func highlight(_ source: String) -> [SyntaxSpan] {
        let characters = Array(source)
        let file = SourceFile(name: "<highlight>", text: source)
        var scanner = Scanner(file: file, text: source, maxNesting: Limits.default.maxNesting)
        let tokens = scanner.scanTokens()
        // Character offset of the start of each line, to turn (line, column) into an offset.
        var lineStarts = [0]
        for (offset, character) in characters.enumerated() where character == "\n" || character == "\r\n" {
            lineStarts.append(offset + 1)
        }
        func offset(line: Int, column: Int) -> Int {
            let index = line - file.firstLine
            guard index >= 0, index < lineStarts.count else { return characters.count }
            return min(max(lineStarts[index] + column - 1, 0), characters.count)
        }

        var spans: [SyntaxSpan] = []
        func append(_ role: SyntaxRole, _ range: Range<Int>) {
            guard !range.isEmpty else { return }
            let text = String(characters[range])
            if let last = spans.last, last.role == role {
                spans[spans.count - 1].text += text
            } else {
                spans.append(SyntaxSpan(role: role, text: text))
            }
        }
        /// Blanks, line breaks and comments between two tokens.
        func appendGap(_ range: Range<Int>) {
            var index = range.lowerBound
            while index < range.upperBound {
                if characters[index] == "#" {
                    var end = index
                    while end < range.upperBound, characters[end] != "\n", characters[end] != "\r\n" { end += 1 }
                    append(.comment, index..<end)
                    index = end
                } else {
                    var end = index
                    while end < range.upperBound, characters[end] != "#" { end += 1 }
                    append(.plain, index..<end)
                    index = end
                }
            }
        }

        var position = 0
        for token in tokens where token.kind != .endOfInput && token.kind != .newline {
            let start = offset(line: token.range.line, column: token.range.column)
            let end = offset(line: token.range.endLine, column: token.range.endColumn)
            guard start >= position, end > start else { continue }
            appendGap(position..<start)
            append(role(of: token.kind), start..<end)
            position = end
        }
        appendGap(position..<characters.count)
        return spans
    }

    private static func role(of kind: TokenKind) -> SyntaxRole {
        switch kind {
        case .number: return .number
        case .string, .interpolation: return .string
        case .identifier: return .identifier
        case .invalid: return .plain
        case .keywordAnd, .keywordOr, .keywordNot, .keywordLet, .keywordFn, .keywordIf, .keywordElse,
             .keywordWhile, .keywordFor, .keywordIn, .keywordBreak, .keywordContinue, .keywordReturn,
             .keywordTrue, .keywordFalse, .keywordNil:
            return .keyword
        default: return .punctuation
        }
    }
}
