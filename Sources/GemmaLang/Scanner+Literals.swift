// Literal tokens of the scanner: numbers (12, 2.5, 1e-3, 1_000, 0x1F, 0b101) and strings with
// escapes and \(interpolation) (docs/language.md, "Lexical structure").

extension Scanner {
    // MARK: number literals: 12, 2.5, 1e-3, 1_000, 0x1F, 0b101

    mutating func number(first: Character, _ start: Start) -> Token {
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

    mutating func string(quote: Character, _ start: Start) -> Token {
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
    mutating func unicodeEscape(_ start: Start) -> Unicode.Scalar {
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
    mutating func interpolation(_ stringStart: Start) -> [Token]? {
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
