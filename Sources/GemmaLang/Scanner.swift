// The scanner: source text to tokens, and which line breaks end statements (docs/language.md,
// "Lexical structure"). Number and string literals are scanned in Scanner+Literals.swift.

/// Turns one source text into tokens. Errors are collected; scanning always reaches the end.
struct Scanner {
    let file: SourceFile
    let characters: [Character]
    let maxNesting: Int
    var index = 0
    private(set) var line: Int
    private var lineStart = 0
    var interpolationDepth = 0
    /// Set when nesting went past the limit: the rest of the input is skipped silently.
    var abandoned = false
    var diagnostics: [Diagnostic] = []
    /// True when the input ended inside a string (the REPL then asks for another line).
    var endedInsideString = false

    init(file: SourceFile, text: String, maxNesting: Int) {
        self.file = file
        self.characters = Array(text)
        self.maxNesting = maxNesting
        self.line = file.firstLine
    }

    /// All tokens, ending with `.endOfInput`. A line break becomes a `.newline` token unless the
    /// line so far is empty or ends with a token that continues the statement (`+`, `,`, `=`...).
    mutating func scanTokens() -> [Token] {
        var tokens: [Token] = []
        while true {
            let token = nextToken()
            if token.kind == .newline {
                guard let last = tokens.last, last.kind != .newline, last.kind != .semicolon,
                      !last.kind.continuesLine else { continue }
            }
            if token.kind == .endOfInput {
                // An unterminated string has been reported: keep the parser from adding
                // "expected ..." errors about the end of input it swallowed.
                if endedInsideString { tokens.append(Token(kind: .invalid, lexeme: "", range: token.range)) }
                // "Expected ... at end of input" points just after the last token, not after
                // trailing comments and blank lines.
                let range = tokens.last { $0.kind != .newline }.map {
                    SourceRange(file: file, line: $0.range.endLine, column: $0.range.endColumn,
                                endLine: $0.range.endLine, endColumn: $0.range.endColumn + 1)
                } ?? token.range
                tokens.append(Token(kind: .endOfInput, lexeme: "", range: range))
                return tokens
            }
            tokens.append(token)
        }
    }

    // MARK: characters

    var isAtEnd: Bool { index >= characters.count }
    var peek: Character { index < characters.count ? characters[index] : "\0" }
    var peekNext: Character { index + 1 < characters.count ? characters[index + 1] : "\0" }
    var column: Int { index - lineStart + 1 }

    mutating func advance() -> Character {
        let character = characters[index]
        index += 1
        if character == "\n" || character == "\r\n" {
            line += 1
            lineStart = index
        }
        return character
    }

    mutating func match(_ expected: Character) -> Bool {
        guard !isAtEnd, characters[index] == expected else { return false }
        index += 1
        return true
    }

    /// `then` if the next character is `next` (consuming it), otherwise `otherwise`.
    /// (Computed before calling `make`, which must see the advanced position.)
    private mutating func kindAfter(_ next: Character, then: TokenKind, else otherwise: TokenKind) -> TokenKind {
        match(next) ? then : otherwise
    }

    static func isDigit(_ c: Character) -> Bool { c >= "0" && c <= "9" }
    static func isIdentifierStart(_ c: Character) -> Bool { c == "_" || c.isLetter }
    static func isIdentifierPart(_ c: Character) -> Bool {
        c == "_" || c.isLetter || isDigit(c)
    }

    // MARK: tokens

    struct Start { let index: Int, line: Int, column: Int }

    func range(from start: Start) -> SourceRange {
        SourceRange(file: file, line: start.line, column: start.column, endLine: line, endColumn: column)
    }

    func make(_ kind: TokenKind, _ start: Start, _ payload: TokenPayload = .none) -> Token {
        Token(kind: kind, lexeme: String(characters[start.index..<index]),
              range: range(from: start), payload: payload)
    }

    mutating func error(_ message: String, _ start: Start) {
        guard !abandoned else { return }
        diagnostics.append(Diagnostic(kind: .syntax, range: range(from: start), message: message))
    }

    /// The next token, skipping blanks and comments.
    mutating func nextToken() -> Token {
        skipBlanksAndComments()
        let start = Start(index: index, line: line, column: column)
        if isAtEnd || abandoned {
            index = characters.count
            return make(.endOfInput, start)
        }
        let c = advance()
        switch c {
        case "\n", "\r\n": return make(.newline, start)
        case "(": return make(.leftParen, start)
        case ")": return make(.rightParen, start)
        case "[": return make(.leftBracket, start)
        case "]": return make(.rightBracket, start)
        case "{": return make(.leftBrace, start)
        case "}": return make(.rightBrace, start)
        case ",": return make(.comma, start)
        case ":": return make(.colon, start)
        case ";": return make(.semicolon, start)
        case "%": return make(.percent, start)
        case "+":
            let kind = kindAfter("=", then: .plusEqual, else: .plus)
            return make(kind, start)
        case "-":
            let kind = kindAfter("=", then: .minusEqual, else: .minus)
            return make(kind, start)
        case "/":
            let kind = kindAfter("=", then: .slashEqual, else: .slash)
            return make(kind, start)
        case "*":
            if match("*") { return make(.starStar, start) }
            let kind = kindAfter("=", then: .starEqual, else: .star)
            return make(kind, start)
        case "=":
            if match("=") { return make(.equalEqual, start) }
            let kind = kindAfter(">", then: .fatArrow, else: .equal)
            return make(kind, start)
        case "!":
            let kind = kindAfter("=", then: .bangEqual, else: .bang)
            return make(kind, start)
        case "<":
            let kind = kindAfter("=", then: .lessEqual, else: .less)
            return make(kind, start)
        case ">":
            let kind = kindAfter("=", then: .greaterEqual, else: .greater)
            return make(kind, start)
        case "&", "|":
            if match(c) {
                let kind: TokenKind = c == "&" ? .ampersandAmpersand : .pipePipe
                return make(kind, start)
            }
            error("unexpected '\(c)'; did you mean '\(c)\(c)' or '\(c == "&" ? "and" : "or")'?", start)
            return make(.invalid, start)
        case ".":
            if peek == "." && peekNext == "<" {
                index += 2
                return make(.halfOpenRange, start)
            }
            if peek == "." && peekNext == "." {
                index += 2
                return make(.closedRange, start)
            }
            if match(".") {
                error("'..' is not an operator; use '..<' for a half-open range or '...' for a closed one", start)
                return make(.invalid, start)
            }
            return make(.dot, start)
        case "\"", "'":
            return string(quote: c, start)
        default:
            if Self.isDigit(c) { return number(first: c, start) }
            if Self.isIdentifierStart(c) { return identifier(start) }
            error("unexpected character '\(c)'", start)
            return make(.invalid, start)
        }
    }

    private mutating func skipBlanksAndComments() {
        while !isAtEnd {
            switch peek {
            case " ", "\t", "\r":
                index += 1
            case "#":
                while !isAtEnd && peek != "\n" && peek != "\r\n" { index += 1 }
            default:
                return
            }
        }
    }

    private mutating func identifier(_ start: Start) -> Token {
        while Self.isIdentifierPart(peek) { index += 1 }
        let text = String(characters[start.index..<index])
        return make(keywords[text] ?? .identifier, start)
    }
}
