// The scanner: source text to tokens, line breaks that end statements, string interpolation
// (docs/language.md, "Lexical structure").

/// Turns one source text into tokens. Errors are collected; scanning always reaches the end.
struct Scanner {
    private let file: SourceFile
    private let characters: [Character]
    private let maxNesting: Int
    private var index = 0
    private var line: Int
    private var lineStart = 0
    private var interpolationDepth = 0
    /// Set when nesting went past the limit: the rest of the input is skipped silently.
    private var abandoned = false
    private(set) var diagnostics: [Diagnostic] = []
    /// True when the input ended inside a string (the REPL then asks for another line).
    private(set) var endedInsideString = false

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

    private var isAtEnd: Bool { index >= characters.count }
    private var peek: Character { index < characters.count ? characters[index] : "\0" }
    private var peekNext: Character { index + 1 < characters.count ? characters[index + 1] : "\0" }
    private var column: Int { index - lineStart + 1 }

    private mutating func advance() -> Character {
        let character = characters[index]
        index += 1
        if character == "\n" || character == "\r\n" {
            line += 1
            lineStart = index
        }
        return character
    }

    private mutating func match(_ expected: Character) -> Bool {
        guard !isAtEnd, characters[index] == expected else { return false }
        index += 1
        return true
    }

    /// `then` if the next character is `next` (consuming it), otherwise `otherwise`.
    /// (Computed before calling `make`, which must see the advanced position.)
    private mutating func kindAfter(_ next: Character, then: TokenKind, else otherwise: TokenKind) -> TokenKind {
        match(next) ? then : otherwise
    }

    private static func isDigit(_ c: Character) -> Bool { c >= "0" && c <= "9" }
    private static func isIdentifierStart(_ c: Character) -> Bool { c == "_" || c.isLetter }
    private static func isIdentifierPart(_ c: Character) -> Bool {
        c == "_" || c.isLetter || isDigit(c)
    }

    // MARK: tokens

    private struct Start { let index: Int, line: Int, column: Int }

    private func range(from start: Start) -> SourceRange {
        SourceRange(file: file, line: start.line, column: start.column, endLine: line, endColumn: column)
    }

    private func make(_ kind: TokenKind, _ start: Start, _ payload: TokenPayload = .none) -> Token {
        Token(kind: kind, lexeme: String(characters[start.index..<index]),
              range: range(from: start), payload: payload)
    }

    private mutating func error(_ message: String, _ start: Start) {
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

    // MARK: number literals: 12, 2.5, 1e-3, 1_000, 0x1F, 0b101

    private mutating func number(first: Character, _ start: Start) -> Token {
        var value: Double?
        if first == "0" && (peek == "x" || peek == "X" || peek == "b" || peek == "B") {
            let radix = (peek == "x" || peek == "X") ? 16 : 2
            index += 1
            var digits = ""
            while peek.isHexDigit || peek == "_" {
                if peek != "_" { digits.append(peek) }
                index += 1
            }
            value = digits.isEmpty ? nil : UInt64(digits, radix: radix).map { Double($0) }
        } else {
            while Self.isDigit(peek) || peek == "_" { index += 1 }
            if peek == "." && Self.isDigit(peekNext) {
                index += 1
                while Self.isDigit(peek) || peek == "_" { index += 1 }
            }
            if peek == "e" || peek == "E" {
                let sign = peekNext == "+" || peekNext == "-"
                let digitAt = index + (sign ? 2 : 1)
                if digitAt < characters.count && Self.isDigit(characters[digitAt]) {
                    index = digitAt
                    while Self.isDigit(peek) { index += 1 }
                }
            }
            let text = String(characters[start.index..<index]).filter { $0 != "_" }
            value = Double(text)
        }
        if Self.isIdentifierPart(peek) {
            while Self.isIdentifierPart(peek) { index += 1 }
            value = nil
        }
        guard let number = value, number.isFinite else {
            error("invalid number literal '\(String(characters[start.index..<index]))'", start)
            return make(.invalid, start)
        }
        return make(.number, start, .number(number))
    }

    // MARK: string literals with escapes and \(interpolation)

    private mutating func string(quote: Character, _ start: Start) -> Token {
        var parts: [StringPart] = []
        var text = ""
        var hasCode = false
        while true {
            if isAtEnd {
                endedInsideString = true
                error("unterminated string", start)
                break
            }
            let c = advance()
            if c == quote { break }
            guard c == "\\" else {
                text.append(c)
                continue
            }
            let escapeStart = Start(index: index - 1, line: line, column: column - 1)
            if isAtEnd { continue }
            let e = advance()
            switch e {
            case "n": text.append("\n")
            case "t": text.append("\t")
            case "r": text.append("\r")
            case "0": text.append("\0")
            case "\\", "\"", "'": text.append(e)
            case "u": text.unicodeScalars.append(unicodeEscape(escapeStart))
            case "(":
                parts.append(.text(text))
                text = ""
                hasCode = true
                guard let tokens = interpolation(start) else {
                    endedInsideString = true
                    return make(.string, start, .string(""))
                }
                parts.append(.code(tokens))
            default:
                error("invalid escape sequence '\\\(e)'", escapeStart)
                text.append(e)
            }
        }
        if !hasCode { return make(.string, start, .string(text)) }
        parts.append(.text(text))
        return make(.interpolation, start, .parts(parts))
    }

    /// `\u{1F600}`: one to eight hex digits naming a Unicode scalar.
    private mutating func unicodeEscape(_ start: Start) -> Unicode.Scalar {
        var digits = ""
        if match("{") {
            while peek.isHexDigit && digits.count < 8 { digits.append(advance()) }
            if match("}"), let code = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(code) {
                return scalar
            }
        }
        error("invalid unicode escape; write it as \\u{1F600}", start)
        return "\u{FFFD}"
    }

    /// The tokens of `\( ... )` up to the matching `)`, or nil if the input ends first.
    private mutating func interpolation(_ stringStart: Start) -> [Token]? {
        interpolationDepth += 1
        defer { interpolationDepth -= 1 }
        if interpolationDepth > maxNesting {
            error("string interpolation nested too deeply (limit \(maxNesting))", stringStart)
            abandoned = true
            return nil
        }
        var tokens: [Token] = []
        var depth = 0
        let reported = diagnostics.count
        while true {
            let token = nextToken()
            switch token.kind {
            case .endOfInput:
                if !abandoned {
                    // Whatever was scanned after the missing ")" is noise; report the string only.
                    diagnostics.removeSubrange(min(reported, diagnostics.count)...)
                    error("unterminated string", stringStart)
                }
                return nil
            case .newline:
                continue
            case .leftParen:
                depth += 1
            case .rightParen:
                if depth == 0 {
                    tokens.append(Token(kind: .endOfInput, lexeme: ")", range: token.range))
                    return tokens
                }
                depth -= 1
            default:
                break
            }
            tokens.append(token)
        }
    }
}
