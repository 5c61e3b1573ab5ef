// Functions written in Swift and the arguments they receive (docs/language.md, "Host objects").

/// A function implemented in Swift: a builtin, a bound method, or a host module's function.
///
/// The signature documents the function and is also checked at every call: named arguments
/// must be parameter names of the signature, and without a trailing `...` parameter there may
/// be no more positional arguments than parameters.
public final class NativeFunction {
    public let name: String
    /// e.g. `generate(prompt, max: 40, temp: 0)` or `print(values...)`.
    public let signature: String
    public let help: String
    /// The implementation; throw `GemmaLangError` for errors (the call site is added).
    public let body: (Arguments, Interpreter) throws -> Value
    let parsed: Signature

    /// - Parameter name: defaults to the part of `signature` before "(".
    public init(name: String? = nil, signature: String, help: String,
                body: @escaping (Arguments, Interpreter) throws -> Value) {
        self.parsed = Signature(signature, name: name)
        self.name = parsed.name
        self.signature = signature
        self.help = help
        self.body = body
    }

    /// Parameter names read from the signature.
    public var parameterNames: [String] { parsed.parameterNames }
    /// True when the last parameter is written `name...` (any number of positional arguments).
    public var isVariadic: Bool { parsed.isVariadic }
}

/// A signature such as `generate(prompt, max: 40, temp: 0)` read into parameter names, so that
/// calls can be checked against it.
struct Signature: Sendable {
    let text: String
    let name: String
    let parameterNames: [String]
    let isVariadic: Bool

    init(_ text: String, name: String? = nil) {
        self.text = text
        let open = text.firstIndex(of: "(")
        self.name = name ?? open.map { String(text[..<$0]) } ?? text
        var names: [String] = []
        var variadic = false
        if let open, let close = text.lastIndex(of: ")"), open < close {
            for piece in splitTopLevel(text[text.index(after: open)..<close]) {
                var parameter = piece.trimmed()
                if parameter.hasSuffix("...") {
                    variadic = true
                    parameter = String(parameter.dropLast(3))
                }
                let name = parameter.prefix { $0 == "_" || $0.isLetter || $0.isNumber }
                if !name.isEmpty { names.append(String(name)) }
            }
        }
        self.parameterNames = names
        self.isVariadic = variadic
    }

    /// Rejects unknown named arguments and surplus positional ones, naming what is accepted.
    func validate(_ arguments: Arguments) throws {
        let fixed = isVariadic ? Array(parameterNames.dropLast()) : parameterNames
        for key in arguments.named.keys.sorted() where !fixed.contains(key) {
            throw GemmaLangError.unknownArgument(function: name, argument: key, accepted: fixed)
        }
        if !isVariadic && arguments.positional.count > parameterNames.count {
            throw GemmaLangError.tooManyArguments(function: name, accepted: parameterNames.count,
                                                  given: arguments.positional.count)
        }
    }
}

/// Splits `a, b: [1, 2], c` at the commas that are not inside brackets or quotes.
private func splitTopLevel(_ text: Substring) -> [Substring] {
    var pieces: [Substring] = []
    var depth = 0
    var quote: Character?
    var start = text.startIndex
    for index in text.indices {
        let c = text[index]
        if let q = quote {
            if c == q { quote = nil }
        } else if c == "\"" || c == "'" {
            quote = c
        } else if "([{".contains(c) {
            depth += 1
        } else if ")]}".contains(c) {
            depth -= 1
        } else if c == "," && depth == 0 {
            pieces.append(text[start..<index])
            start = text.index(after: index)
        }
    }
    pieces.append(text[start...])
    return pieces
}

extension StringProtocol {
    func trimmed() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}

/// The arguments of one call: positional ones in order, named ones by name.
///
/// The typed readers take an argument by position or by name, so `f(1, 2)` and `f(1, max: 2)`
/// read alike, and produce errors such as
/// `generate(): argument 'max' must be a number, got string`.
public struct Arguments {
    /// The function name used in error messages.
    public var function: String
    public var positional: [Value]
    public var named: [String: Value]

    public init(function: String = "", positional: [Value] = [], named: [String: Value] = [:]) {
        self.function = function
        self.positional = positional
        self.named = named
    }

    /// The argument at `index` or named `name`, or nil if it was not given.
    public func optional(_ index: Int, name: String) throws -> Value? {
        let byName = named[name]
        if index < positional.count {
            if byName != nil { throw GemmaLangError.duplicateArgument(function: function, argument: name) }
            return positional[index]
        }
        return byName
    }

    /// The argument, its default, or a "missing argument" error.
    public func value(_ index: Int, name: String, default fallback: Value? = nil) throws -> Value {
        if let value = try optional(index, name: name) { return value }
        if let fallback { return fallback }
        throw GemmaLangError.missingArgument(function: function, argument: name)
    }

    private func typed<T>(_ index: Int, _ name: String, _ fallback: T?, _ expected: String,
                          _ convert: (Value) -> T?) throws -> T {
        let given = try optional(index, name: name)
        guard let given, !(given.isNull && fallback != nil) else {
            if let fallback { return fallback }
            throw GemmaLangError.missingArgument(function: function, argument: name)
        }
        if let result = convert(given) { return result }
        let got = if case .number(let n) = given { formatNumber(n) } else { given.typeName }
        throw GemmaLangError.wrongArgumentType(function: function, argument: name,
                                               expected: expected, got: got)
    }

    /// A number argument.
    public func number(_ index: Int, name: String, default fallback: Double? = nil) throws -> Double {
        try typed(index, name, fallback, "a number") { $0.numberValue }
    }

    /// A whole number (2, not 2.5).
    public func int(_ index: Int, name: String, default fallback: Int? = nil) throws -> Int {
        try typed(index, name, fallback, "a whole number") { $0.numberValue.flatMap(wholeNumber) }
    }

    /// A string argument.
    public func string(_ index: Int, name: String, default fallback: String? = nil) throws -> String {
        try typed(index, name, fallback, "a string") { $0.stringValue }
    }

    /// A boolean argument.
    public func bool(_ index: Int, name: String, default fallback: Bool? = nil) throws -> Bool {
        try typed(index, name, fallback, "true or false") { $0.boolValue }
    }

    /// A list argument (the shared storage: changes are visible to the script).
    public func list(_ index: Int, name: String) throws -> ListBox {
        try typed(index, name, nil, "a list") { if case .list(let box) = $0 { box } else { nil } }
    }

    /// A GNB function or a native function, ready for `Interpreter.call`.
    public func callable(_ index: Int, name: String) throws -> Value {
        try typed(index, name, nil, "a function") {
            switch $0 {
            case .function, .native: $0
            default: nil
            }
        }
    }

    /// A host object of a given Swift type.
    public func object<T>(_ index: Int, name: String, as type: T.Type, typeName: String) throws -> T {
        try typed(index, name, nil, "a \(typeName)") { $0.objectValue as? T }
    }

    /// Positional arguments from `index` on (for `name...` parameters).
    public func rest(from index: Int) -> [Value] {
        index < positional.count ? Array(positional[index...]) : []
    }
}

extension Value {
    var isNull: Bool { if case .null = self { true } else { false } }
}
