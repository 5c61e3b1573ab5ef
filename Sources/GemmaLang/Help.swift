// The text `help()` and `help(x)` show: builtins, methods of each type, keywords, host objects.

extension Interpreter {
    /// Help for a global name (`"len"`), a method (`"list.map"`, `"string.split"`), a type
    /// (`"list"`), or a keyword (`"for"`); nil when there is nothing by that name.
    public func help(for name: String) -> String? {
        if let table = Methods.tablesByType[name] { return methodsHelp(name, table) }
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        if parts.count == 2, let method = Methods.tablesByType[parts[0]]?[parts[1]] {
            return "\(parts[0]).\(method.signature.text)\n  \(method.help)"
        }
        if let text = keywordHelp[name] { return text }
        return lookup(name).map { helpText(for: $0) }
    }

    /// Help for a value: a function's signature and description, a type's methods, an object's help.
    func helpText(for value: Value) -> String {
        switch value {
        case .native(let native):
            return "\(native.signature)\n  \(native.help)"
        case .function(let closure):
            return "fn \(closure.signature)" + (closure.docstring.map { "\n  \($0)" } ?? "")
        case .object(let object):
            return object.help
        case .list, .string, .map, .range:
            return methodsHelp(value.typeName, Methods.table(for: value) ?? [:])
        default:
            return "\(value.repr) is \(value.kindDescription)"
        }
    }

    private func methodsHelp(_ type: String, _ table: [String: Method]) -> String {
        let lines = table.values.sorted { $0.signature.name < $1.signature.name }
            .map { "  .\($0.signature.text.padded(to: 34)) \($0.help)" }
        return "\(type) methods:\n" + lines.joined(separator: "\n")
    }

    /// `help()`: every global function with its first line of help, then how to learn more.
    func overview() -> String {
        var functions: [NativeFunction] = []
        var constants: [String] = []
        for name in globalNames() {
            switch lookup(name) {
            case .native(let native)?: functions.append(native)
            case .number?: constants.append(name)
            default: break
            }
        }
        let lines = functions.map { "  \($0.signature.padded(to: 34)) \($0.help.prefix { $0 != "\n" })" }
        return """
            Builtin functions:
            \(lines.joined(separator: "\n"))
            Constants: \(constants.joined(separator: ", "))
            Methods: help("list"), help("string"), help("map"), help("range"), or help("list.map").
            Keywords: help("fn"), help("for"), help("if"), help("let") ...
            """
    }
}

private let keywordHelp: [String: String] = [
    "let": "let name = value        declares a variable in the current block\nlet (a, b) = [1, 2]     takes a list apart",
    "fn": "fn name(a, b = 2) { ... return a + b }   declares a function\nfn (x) => x * 2                          a function value (short form)\nf(1, b: 3)                               call with a named argument",
    "if": "if condition { ... } else if other { ... } else { ... }\nOnly nil and false count as false.",
    "else": "if condition { ... } else { ... }",
    "while": "while condition { ... }   repeats while condition is true; see break, continue",
    "for": "for x in xs { ... }   over a list, range (0..<n), map (keys), string (characters)\nfor (i, x) in enumerate(xs) { ... }",
    "in": "for x in xs { ... }",
    "break": "break   leaves the innermost loop",
    "continue": "continue   goes on with the next iteration of the innermost loop",
    "return": "return value   leaves the function with value (nil without one)",
    "and": "a and b   (also &&): a if a is false or nil, otherwise b",
    "or": "a or b   (also ||): a if a is neither false nor nil, otherwise b",
    "not": "not a   (also !): true if a is false or nil",
    "true": "the boolean true", "false": "the boolean false",
    "nil": "nil, the absence of a value",
]

extension String {
    func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
