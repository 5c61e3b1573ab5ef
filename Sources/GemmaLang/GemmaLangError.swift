// The module's error type: what natives and host objects throw; the interpreter adds the location.

/// A runtime error raised by the interpreter, a builtin, or a host object.
///
/// Natives throw these without a location; the interpreter attaches the source range of the
/// call or expression that failed and turns it into a `Diagnostic`.
public enum GemmaLangError: Error, CustomStringConvertible, Sendable {
    /// Any error with a ready message (`error("...")` in scripts, host-object failures).
    case message(String)
    /// `generate(): argument 'max' must be a number, got string`
    case wrongArgumentType(function: String, argument: String, expected: String, got: String)
    /// `f(): missing argument 'b'`
    case missingArgument(function: String, argument: String)
    /// `f() takes 2 arguments but 3 were given`
    case tooManyArguments(function: String, accepted: Int, given: Int)
    /// `f(): unknown argument 'x' (accepted: a, b)`
    case unknownArgument(function: String, argument: String, accepted: [String])
    /// `f(): argument 'a' given twice`
    case duplicateArgument(function: String, argument: String)
    /// `undefined variable 'x'`, with an optional " (did you mean 'y'?)".
    case undefinedVariable(String, suggestion: String = "")
    /// A value bigger than a `Limits` field allows, refused before allocating.
    case tooLarge(what: String, size: Double, unit: String, limit: Int, setting: String)
    case recursionLimit(Int)
    case assertionFailed(String)
    /// The host's `isInterrupted` returned true (Ctrl-C at the REPL).
    case interrupted

    public var description: String {
        switch self {
        case .message(let text):
            return text
        case let .wrongArgumentType(function, argument, expected, got):
            return "\(function)(): argument '\(argument)' must be \(expected), got \(got)"
        case let .missingArgument(function, argument):
            return "\(function)(): missing argument '\(argument)'"
        case let .tooManyArguments(function, accepted, given):
            let noun = accepted == 1 ? "argument" : "arguments"
            return "\(function)() takes \(accepted) \(noun) but \(given) \(given == 1 ? "was" : "were") given"
        case let .unknownArgument(function, argument, accepted):
            let list = accepted.isEmpty ? "none" : accepted.joined(separator: ", ")
            return "\(function)(): unknown argument '\(argument)' (accepted: \(list))"
        case let .duplicateArgument(function, argument):
            return "\(function)(): argument '\(argument)' given twice"
        case let .undefinedVariable(name, suggestion):
            return "undefined variable '\(name)'\(suggestion)"
        case let .tooLarge(what, size, unit, limit, setting):
            return "\(what) of \(formatNumber(size)) \(unit) exceeds the limit of \(limit) \(unit) (Limits.\(setting))"
        case .recursionLimit(let depth):
            return "recursion depth limit (\(depth)) exceeded"
        case .assertionFailed(let message):
            return message.isEmpty ? "assertion failed" : "assertion failed: \(message)"
        case .interrupted:
            return "interrupted"
        }
    }
}

/// A runtime error on its way out of the interpreter: the error, where it happened, and the
/// functions it passed through (innermost first).
struct RuntimeError: Error {
    var error: GemmaLangError
    var range: SourceRange
    var traceback: [String] = []
    /// Where the error currently is in the function being unwound (starts at `range`).
    var site: SourceRange

    init(_ error: GemmaLangError, at range: SourceRange) {
        self.error = error
        self.range = range
        self.site = range
    }

    var diagnostic: Diagnostic {
        var entries = compressed(traceback)
        if !entries.isEmpty { entries.append("at top level \(site.position)") }
        return Diagnostic(kind: .runtime, range: range, message: error.description, traceback: entries)
    }
}

/// Collapses repeated traceback lines ("... repeated 998 more times") and keeps at most
/// the first 10 and last 5 of what remains.
private func compressed(_ lines: [String]) -> [String] {
    var result: [String] = []
    var index = 0
    while index < lines.count {
        var end = index + 1
        while end < lines.count && lines[end] == lines[index] { end += 1 }
        result.append(lines[index])
        if end - index > 1 { result.append("… repeated \(end - index - 1) more times") }
        index = end
    }
    guard result.count > 15 else { return result }
    return Array(result.prefix(10)) + ["… \(result.count - 15) more lines …"] + Array(result.suffix(5))
}

/// Runs `body`, attaching `range` to a bare `GemmaLangError` it throws.
@inline(__always)
func located<T>(_ range: SourceRange, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as GemmaLangError {
        throw RuntimeError(error, at: range)
    }
}
