// Tokens and source positions produced by the scanner (docs/language.md, "Lexical structure").

/// One source text (a REPL input, a notebook cell, a script) kept for diagnostics.
public final class SourceFile: Sendable {
    /// The name shown in diagnostics, e.g. `<input>` or `cell 3`.
    public let name: String
    /// The lines of the text, without their line terminators.
    public let lines: [String]
    /// The line number of the first line (notebook cells may start past line 1).
    public let firstLine: Int

    public init(name: String, text: String, firstLine: Int = 1) {
        self.name = name
        self.lines = text.split(omittingEmptySubsequences: false,
                                whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)
        self.firstLine = firstLine
    }

    /// The text of a line by its (offset) line number, or "" when out of range.
    public func line(_ number: Int) -> String {
        let index = number - firstLine
        return lines.indices.contains(index) ? lines[index] : ""
    }
}

/// A span of source: 1-based line and column (counted in Characters); the end is exclusive.
public struct SourceRange: Sendable {
    public let file: SourceFile
    public var line: Int
    public var column: Int
    public var endLine: Int
    public var endColumn: Int

    public init(file: SourceFile, line: Int, column: Int, endLine: Int, endColumn: Int) {
        self.file = file
        self.line = line
        self.column = column
        self.endLine = endLine
        self.endColumn = endColumn
    }

    /// The range from the start of `self` to the end of `other`.
    func through(_ other: SourceRange) -> SourceRange {
        SourceRange(file: file, line: line, column: column,
                    endLine: other.endLine, endColumn: other.endColumn)
    }

    /// `file:line:column`, as used in tracebacks.
    var position: String { "\(file.name):\(line):\(column)" }
}

/// The kinds of token; keywords are listed after the punctuation.
enum TokenKind: Equatable, Sendable {
    case leftParen, rightParen, leftBracket, rightBracket, leftBrace, rightBrace
    case comma, dot, colon, semicolon, newline, fatArrow
    case plus, minus, star, slash, percent, starStar
    case equal, plusEqual, minusEqual, starEqual, slashEqual
    case equalEqual, bangEqual, less, lessEqual, greater, greaterEqual
    case halfOpenRange, closedRange
    case bang, ampersandAmpersand, pipePipe
    case number, string, interpolation, identifier
    case keywordAnd, keywordOr, keywordNot, keywordLet, keywordFn, keywordIf, keywordElse
    case keywordWhile, keywordFor, keywordIn, keywordBreak, keywordContinue, keywordReturn
    case keywordTrue, keywordFalse, keywordNil
    /// A character or literal the scanner rejected (already reported).
    case invalid
    case endOfInput

    /// Tokens after which a line break does not end the statement.
    var continuesLine: Bool {
        switch self {
        case .plus, .minus, .star, .slash, .percent, .starStar,
             .equal, .plusEqual, .minusEqual, .starEqual, .slashEqual,
             .equalEqual, .bangEqual, .less, .lessEqual, .greater, .greaterEqual,
             .halfOpenRange, .closedRange, .ampersandAmpersand, .pipePipe,
             .keywordAnd, .keywordOr, .keywordNot, .bang, .comma, .dot, .fatArrow:
            return true
        default:
            return false
        }
    }
}

/// The reserved words of GNB.
let keywords: [String: TokenKind] = [
    "and": .keywordAnd, "or": .keywordOr, "not": .keywordNot, "let": .keywordLet,
    "fn": .keywordFn, "if": .keywordIf, "else": .keywordElse, "while": .keywordWhile,
    "for": .keywordFor, "in": .keywordIn, "break": .keywordBreak,
    "continue": .keywordContinue, "return": .keywordReturn, "true": .keywordTrue,
    "false": .keywordFalse, "nil": .keywordNil,
]

/// A piece of an interpolated string: literal text or the tokens of an embedded expression.
enum StringPart: Sendable {
    case text(String)
    case code([Token])
}

/// The value a literal token carries.
enum TokenPayload: Sendable {
    case none
    case number(Double)
    case string(String)
    case parts([StringPart])
}

/// One token: its kind, its text as written, where it is, and a literal's value.
struct Token: Sendable {
    let kind: TokenKind
    let lexeme: String
    let range: SourceRange
    var payload: TokenPayload = .none

    /// How the token reads in an error message: `'x'`, `newline`, `end of input`.
    var described: String {
        switch kind {
        case .newline: return "newline"
        case .endOfInput: return lexeme.isEmpty ? "end of input" : "'\(lexeme)'"
        case .string, .interpolation: return "string"
        default: return "'\(lexeme)'"
        }
    }
}
