// Support for the REPL: detecting incomplete input (as Lua's lua.c does) and tab completion.

extension Interpreter {
    /// True when `source` cannot be complete yet: a string, bracket or block is still open, or
    /// the last line ends with an operator, `,`, `.` or `=`. The REPL then reads another line.
    /// Unbalanced closers (`)` with no `(`) count as complete, so that the parser reports them.
    public static func isIncomplete(_ source: String) -> Bool {
        let file = SourceFile(name: "<input>", text: source)
        var scanner = Scanner(file: file, text: source, maxNesting: Limits.default.maxNesting)
        let tokens = scanner.scanTokens()
        if scanner.endedInsideString { return true }
        var open: [TokenKind] = []
        for token in tokens {
            switch token.kind {
            case .leftParen, .leftBracket, .leftBrace:
                open.append(token.kind)
            case .rightParen, .rightBracket, .rightBrace:
                let expected: TokenKind = switch token.kind {
                case .rightParen: .leftParen
                case .rightBracket: .leftBracket
                default: .leftBrace
                }
                guard open.last == expected else { return false }
                open.removeLast()
            default:
                break
            }
        }
        if !open.isEmpty { return true }
        let last = tokens.last { $0.kind != .newline && $0.kind != .endOfInput }
        return last?.kind.continuesLine ?? false
    }

    /// Words that complete the identifier before `cursor` (a Character offset into `line`):
    /// after `a.b.` the members of that value, otherwise globals and keywords. The value of
    /// `a.b` is found by looking up names and members only; nothing is ever called.
    public func completions(for line: String, cursor: Int) -> [String] {
        let characters = Array(line.prefix(max(cursor, 0)))
        var start = characters.count
        while start > 0 && isIdentifierCharacter(characters[start - 1]) { start -= 1 }
        let word = String(characters[start...])
        if let first = word.first, first.isNumber { return [] }

        let candidates: [String]
        if start > 0 && characters[start - 1] == "." {
            guard let value = chainValue(characters, dotAt: start - 1) else { return [] }
            candidates = memberNames(of: value)
        } else {
            candidates = globalNames() + keywords.keys
        }
        return Set(candidates.filter { $0.hasPrefix(word) }).sorted()
    }

    private func isIdentifierCharacter(_ c: Character) -> Bool {
        c == "_" || c.isLetter || c.isNumber
    }

    /// The value of the `name.member.member` chain that ends just before the `.` at `dotAt`.
    private func chainValue(_ characters: [Character], dotAt: Int) -> Value? {
        if dotAt > 0 && (characters[dotAt - 1] == "\"" || characters[dotAt - 1] == "'") {
            return .string("")
        }
        var start = dotAt
        while start > 0 && (isIdentifierCharacter(characters[start - 1]) || characters[start - 1] == ".") {
            start -= 1
        }
        // `f().x.` or `xs[0].` would need evaluation with possible side effects: no completion.
        if start > 0 && ")]}\"'".contains(characters[start - 1]) { return nil }
        let names = String(characters[start..<dotAt]).split(separator: ".", omittingEmptySubsequences: false)
        guard let first = names.first, !first.isEmpty, !(first.first?.isNumber ?? true),
              var value = lookup(String(first)) else { return nil }
        for name in names.dropFirst() {
            guard !name.isEmpty, let next = propertyValue(value, String(name)) else { return nil }
            value = next
        }
        return value
    }

    /// A member that can be read without calling anything: a map entry or a host member.
    private func propertyValue(_ value: Value, _ name: String) -> Value? {
        switch value {
        case .map(let box): return box[name]
        case .object(let object): return (try? object.member(name, interpreter: self)) ?? nil
        default: return nil
        }
    }

    /// What may follow `value.`: methods, host members, and identifier-like map keys.
    func memberNames(of value: Value) -> [String] {
        var names = Methods.table(for: value).map { Array($0.keys) } ?? []
        switch value {
        case .object(let object):
            names += object.memberNames
        case .map(let box):
            for case .string(let key) in box.keys
            where key.first.map({ $0 == "_" || $0.isLetter }) == true && key.allSatisfy(isIdentifierCharacter) {
                names.append(key)
            }
        default:
            break
        }
        return names
    }
}
