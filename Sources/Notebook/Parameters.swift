// Papermill-style parameters: the names a parameters cell declares, and turning a value given
// on the command line into GNB source (docs/notebook-format.md, "Parameters").
import GemmaLang

enum Parameters {
    /// The names declared by the `let` statements that start a line at the top level of
    /// `source` (`let x = ...` and `let (a, b) = ...`), in order, without repeats. Statement
    /// starts are found with `Interpreter.isIncomplete`, so lines inside a block, a bracket or a
    /// multi-line string are never taken for one.
    static func names(in source: String) -> [String] {
        var names: [String] = []
        var statement = ""
        for line in NotebookText.lines(of: source) {
            if statement.isEmpty {
                for name in declaredNames(line) where !names.contains(name) { names.append(name) }
            }
            statement += line + "\n"
            if !Interpreter.isIncomplete(statement) { statement = "" }
        }
        return names
    }

    /// The names of `let name =` or `let (a, b) =` at the start of `line`; none otherwise.
    static func declaredNames(_ line: String) -> [String] {
        var scanner = CharacterScanner(Array(line))
        scanner.skipSpaces()
        guard scanner.take("let"), let next = scanner.peek, next == " " || next == "\t" || next == "(" else { return [] }
        scanner.skipSpaces()
        var names: [String] = []
        if scanner.take("(") {
            repeat {
                scanner.skipSpaces()
                guard let name = scanner.identifier() else { return [] }
                names.append(name)
                scanner.skipSpaces()
            } while scanner.take(",")
            guard scanner.take(")") else { return [] }
        } else {
            guard let name = scanner.identifier() else { return [] }
            names.append(name)
        }
        scanner.skipSpaces()
        guard scanner.take("="), !scanner.take("=") else { return [] }
        return names
    }

    /// GNB source for a parameter value: the value itself when it is a literal (a number, a
    /// quoted string without interpolation, true, false, nil, or a list of literals) that runs
    /// without error; otherwise the value as a plain string, quoted.
    static func source(for value: String, limits: Limits) -> String {
        var scanner = CharacterScanner(Array(value))
        if scanner.literal(depth: 0) {
            scanner.skipSpaces(newlines: true)
            if scanner.isAtEnd {
                let scratch = Interpreter(limits: limits)
                scratch.output = { _ in }
                if scratch.run(value, file: "parameter").succeeded { return value }
            }
        }
        return quoted(value)
    }
}

/// A cursor over the characters of one line or value.
private struct CharacterScanner {
    let characters: [Character]
    var position = 0

    init(_ characters: [Character]) { self.characters = characters }

    var isAtEnd: Bool { position >= characters.count }
    var peek: Character? { isAtEnd ? nil : characters[position] }

    mutating func take(_ word: String) -> Bool {
        let word = Array(word)
        guard characters.count - position >= word.count,
              Array(characters[position..<(position + word.count)]) == word else { return false }
        position += word.count
        return true
    }

    mutating func skipSpaces(newlines: Bool = false) {
        while let c = peek, c == " " || c == "\t" || (newlines && (c == "\n" || c == "\r" || c == "\r\n")) {
            position += 1
        }
    }

    /// A letter or `_`, then letters, digits and `_`.
    mutating func identifier() -> String? {
        guard let first = peek, first == "_" || first.isLetter else { return nil }
        let start = position
        while let c = peek, c == "_" || c.isLetter || c.isNumber { position += 1 }
        return String(characters[start..<position])
    }

    /// literal = number | "-" number | string | "true" | "false" | "nil" | "[" [literal {"," literal} [","]] "]"
    mutating func literal(depth: Int) -> Bool {
        skipSpaces(newlines: true)
        guard depth < 100, let first = peek else { return false }
        switch first {
        case "[":
            position += 1
            skipSpaces(newlines: true)
            if take("]") { return true }
            while true {
                guard literal(depth: depth + 1) else { return false }
                skipSpaces(newlines: true)
                if take("]") { return true }
                guard take(",") else { return false }
                skipSpaces(newlines: true)
                if take("]") { return true }
            }
        case "\"", "'":
            return string(quote: first)
        case "-":
            position += 1
            return number()
        case "0"..."9":
            return number()
        default:
            guard let word = identifier() else { return false }
            return ["true", "false", "nil"].contains(word)
        }
    }

    /// Decimal digits with `_`, an optional fraction and exponent; or the 0x / 0b forms.
    /// Whatever sticks to the number (`12abc`) makes the caller's end check fail.
    mutating func number() -> Bool {
        guard let first = peek, first.isASCII, first.isNumber else { return false }
        if take("0x") || take("0X") || take("0b") || take("0B") {
            while let c = peek, c.isHexDigit || c == "_" { position += 1 }
            return true
        }
        digits()
        if peek == ".", position + 1 < characters.count, characters[position + 1].isASCII,
           characters[position + 1].isNumber {
            position += 1
            digits()
        }
        if peek == "e" || peek == "E" {
            position += 1
            if peek == "+" || peek == "-" { position += 1 }
            digits()
        }
        return true
    }

    private mutating func digits() {
        while let c = peek, (c.isASCII && c.isNumber) || c == "_" { position += 1 }
    }

    /// A quoted string up to its closing quote; `\(` (interpolation) makes it no literal.
    mutating func string(quote: Character) -> Bool {
        position += 1
        while let c = peek {
            if c == "\\" {
                if position + 1 < characters.count, characters[position + 1] == "(" { return false }
                position += 2
            } else {
                position += 1
                if c == quote { return true }
            }
        }
        return false
    }
}
