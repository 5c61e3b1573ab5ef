// Tab completion at the REPL: meta commands, file paths, hook names inside strings, builtins,
// variables and members of a value. libedit hands over the text before the cursor and the
// word it will replace; each kind of completion finds the whole token it completes.
import Foundation
import Gemma
import GemmaLang

extension REPLSession {
    static let metaCommands = [":help", ":vars", ":model", ":verbose", ":load", ":save", ":save!", ":reset", ":quit", ":hooks"]

    /// The words that may replace `word`, the end of `line` (the text before the cursor).
    func complete(line: String, word: String) -> [String] {
        // libedit takes `\(` as an escaped `(` and hands over the word unescaped, and it would
        // put a backslash before any quote in a match: nothing sensible can replace such a word.
        guard line.hasSuffix(word), !line.dropLast(word.count).hasSuffix("\\"),
              !word.contains(where: { "\"'\\".contains($0) }) else { return [] }
        if line.hasPrefix(":") && !line.contains(" ") {
            return Self.relative(Self.metaCommands.filter { $0.hasPrefix(line) }, token: line, word: word)
        }
        if line.hasPrefix(":load ") || line.hasPrefix(":save ") || line.hasPrefix(":save! ") || line.hasPrefix(":model ") {
            let argument = String(line.drop { $0 != " " }.drop { $0 == " " })
            return Self.relative(paths(argument), token: argument, word: word)
        }
        if let inside = Self.openString(in: line) {
            var candidates: [String] = []
            if inside.hasPrefix("b") || inside.hasPrefix("h") || inside.hasPrefix("l") {
                let layers = workspace.loadedModel?.config.layerCount ?? 0
                candidates = HookPoint.all(layers: layers).map(\.name).filter { $0.hasPrefix(inside) }
            }
            if candidates.isEmpty { candidates = paths(inside) }
            return Self.relative(candidates, token: inside, word: word)
        }
        let identifier = String(line.reversed().prefix { $0 == "_" || $0.isLetter || $0.isNumber }.reversed())
        return Self.relative(interpreter.completions(for: line, cursor: line.count), token: identifier, word: word)
    }

    /// Candidates for `token` (the end of the line) rewritten as replacements for `word` (also
    /// the end of the line): the part of the token before the word is dropped, or the part of
    /// the word before the token is kept.
    static func relative(_ candidates: [String], token: String, word: String) -> [String] {
        if token.count >= word.count {
            let before = String(token.dropLast(word.count))
            return candidates.filter { $0.hasPrefix(before) }.map { String($0.dropFirst(before.count)) }
        }
        let kept = String(word.dropLast(token.count))
        return candidates.map { kept + $0 }
    }

    /// The text after the opening quote when `line` ends inside a string literal (and not
    /// inside a `\(…)` interpolation in it), else nil.
    static func openString(in line: String) -> String? {
        enum Context { case code(parens: Int), string(quote: Character, start: String.Index) }
        var stack: [Context] = [.code(parens: 0)]
        var index = line.startIndex
        while index < line.endIndex, let context = stack.last {
            let character = line[index]
            let next = line.index(after: index)
            switch context {
            case .string(let quote, _):
                if character == "\\" && next < line.endIndex {
                    if line[next] == "(" { stack.append(.code(parens: 0)) }
                    index = line.index(after: next)
                    continue
                }
                if character == quote { stack.removeLast() }
            case .code(let parens):
                if character == "#" { return nil }  // a comment runs to the end of the line
                if character == "\"" || character == "'" {
                    stack.append(.string(quote: character, start: next))
                } else if character == "(" {
                    stack[stack.count - 1] = .code(parens: parens + 1)
                } else if character == ")" {
                    // The `)` that closes an interpolation returns to its string.
                    if parens == 0 && stack.count > 1 { stack.removeLast() } else { stack[stack.count - 1] = .code(parens: max(parens - 1, 0)) }
                }
            }
            index = next
        }
        if case .string(_, let start)? = stack.last { return String(line[start...]) }
        return nil
    }

    /// Files and folders whose path starts with `prefix`; folders end in `/`.
    func paths(_ prefix: String) -> [String] {
        let expanded = (prefix as NSString).expandingTildeInPath
        let directory = prefix.hasSuffix("/") ? expanded : (expanded as NSString).deletingLastPathComponent
        let namePrefix = prefix.hasSuffix("/") ? "" : (expanded as NSString).lastPathComponent
        let shownDirectory = prefix.hasSuffix("/") ? prefix : (prefix as NSString).deletingLastPathComponent
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory) else { return [] }
        return entries.filter { $0.hasPrefix(namePrefix) && !$0.hasPrefix(".") }.sorted().map { name in
            var isDirectory: ObjCBool = false
            let full = ((directory.isEmpty ? "." : directory) as NSString).appendingPathComponent(name)
            _ = FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
            let shown = shownDirectory.isEmpty ? name : (shownDirectory.hasSuffix("/") ? shownDirectory + name : shownDirectory + "/" + name)
            return shown + (isDirectory.boolValue ? "/" : "")
        }
    }
}
