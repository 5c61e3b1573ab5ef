// The builtin functions every interpreter starts with (docs/language.md, "Builtins").
import Foundation

extension Interpreter {
    func installBuiltins() {
        define("pi", .number(Double.pi))
        define("inf", .number(Double.infinity))
        installCoreBuiltins()
        installMathBuiltins()
        installCollectionBuiltins()
    }

    private func builtin(_ signature: String, _ help: String,
                         _ body: @escaping (Arguments, Interpreter) throws -> Value) {
        register(NativeFunction(signature: signature, help: help, body: body))
    }

    private func installCoreBuiltins() {
        builtin("print(values...)", "Writes the values separated by spaces, then a line break. Returns nil.") { arguments, interpreter in
            let values = arguments.positional
            let text: String
            if values.count == 1, case .object(let object) = values[0] {
                text = object.display(width: interpreter.displayWidth)
            } else {
                text = values.map(\.description).joined(separator: " ")
            }
            interpreter.output(text + "\n")
            return .null
        }
        builtin("len(x)", "The number of items in a list, map, range or host object, or of characters in a string.") { arguments, _ in
            let value = try arguments.value(0, name: "x")
            switch value {
            case .string(let text): return .number(Double(text.count))
            case .list(let box): return .number(Double(box.items.count))
            case .map(let box): return .number(Double(box.count))
            case .range(let range): return .number(Double(range.count))
            case .object(let object):
                if let count = object.count { return .number(Double(count)) }
            default: break
            }
            throw GemmaLangError.message("len() is not defined for \(value.kindDescription)")
        }
        builtin("type(x)", "The type name of x: \"number\", \"string\", \"list\", \"map\", \"range\", \"function\", \"bool\", \"nil\", or a host type.") { arguments, _ in
            .string(try arguments.value(0, name: "x").typeName)
        }
        builtin("str(x)", "x as text (strings unchanged).") { arguments, _ in
            .string(try arguments.value(0, name: "x").description)
        }
        builtin("repr(x)", "x as it would be written in source: strings quoted.") { arguments, _ in
            .string(try arguments.value(0, name: "x").repr)
        }
        builtin("num(x)", "A number from a string such as \"2.5\", \"1e-3\" or \"0x1F\" (numbers pass through).") { arguments, _ in
            .number(try parseNumber(try arguments.value(0, name: "x"), function: "num"))
        }
        builtin("int(x)", "x as a whole number, cutting off the fraction (toward zero).") { arguments, _ in
            let number = try parseNumber(try arguments.value(0, name: "x"), function: "int")
            guard number.isFinite else { throw GemmaLangError.message("int(): cannot make \(formatNumber(number)) a whole number") }
            return .number(number.rounded(.towardZero))
        }
        builtin("help(value)", "Shows what a function, object or type offers; help() lists the builtins.") { arguments, interpreter in
            let text: String
            if let value = try arguments.optional(0, name: "value") {
                if case .string(let name) = value, let named = interpreter.help(for: name) {
                    text = named
                } else {
                    text = interpreter.helpText(for: value)
                }
            } else {
                text = interpreter.overview()
            }
            interpreter.output(text + "\n")
            return .null
        }
        builtin("assert(condition, message: \"\")", "Stops with an error if condition is false or nil.") { arguments, _ in
            if try !arguments.value(0, name: "condition").isTruthy {
                throw GemmaLangError.assertionFailed(try arguments.value(1, name: "message", default: "").description)
            }
            return .null
        }
        builtin("error(message)", "Stops the script with an error showing message.") { arguments, _ in
            throw GemmaLangError.message(try arguments.value(0, name: "message").description)
        }
        builtin("time()", "Seconds on a steady clock, for timing: let t = time(); ...; print(time() - t).") { _, _ in
            .number(Double(DispatchTime.now().uptimeNanoseconds) / 1e9)
        }
    }

    private func installMathBuiltins() {
        let functions: [(String, String, @Sendable (Double) -> Double)] = [
            ("abs(x)", "The absolute value.", { Swift.abs($0) }),
            ("sqrt(x)", "The square root (nan for negative x).", { $0.squareRoot() }),
            ("exp(x)", "e to the power x.", { Foundation.exp($0) }),
            ("tanh(x)", "The hyperbolic tangent.", { Foundation.tanh($0) }),
            ("sin(x)", "The sine (x in radians).", { Foundation.sin($0) }),
            ("cos(x)", "The cosine (x in radians).", { Foundation.cos($0) }),
            ("floor(x)", "The largest whole number not above x.", { $0.rounded(.down) }),
            ("ceil(x)", "The smallest whole number not below x.", { $0.rounded(.up) }),
        ]
        for (signature, help, function) in functions {
            builtin(signature, help) { arguments, _ in .number(function(try arguments.number(0, name: "x"))) }
        }
        builtin("log(x, base: nil)", "The natural logarithm, or the logarithm in base.") { arguments, _ in
            let x = try arguments.number(0, name: "x")
            guard let base = try arguments.optional(1, name: "base"), !base.isNull else { return .number(Foundation.log(x)) }
            return .number(Foundation.log(x) / Foundation.log(try arguments.number(1, name: "base")))
        }
        builtin("round(x, digits: 0)", "x rounded to digits decimals (halves away from zero).") { arguments, _ in
            let x = try arguments.number(0, name: "x"), digits = try arguments.int(1, name: "digits", default: 0)
            guard digits != 0 else { return .number(x.rounded()) }
            let scale = Foundation.pow(10, Double(digits))
            return .number((x * scale).rounded() / scale)
        }
    }

    private func installCollectionBuiltins() {
        builtin("min(values...)", "The smallest argument, or the smallest item of one list.") { arguments, interpreter in
            try interpreter.extreme(try interpreter.spread(arguments), largest: false, function: "min")
        }
        builtin("max(values...)", "The largest argument, or the largest item of one list.") { arguments, interpreter in
            try interpreter.extreme(try interpreter.spread(arguments), largest: true, function: "max")
        }
        builtin("sum(items, start: 0)", "The sum of the numbers in a list or range.") { arguments, interpreter in
            try interpreter.sum(try interpreter.iterationItems(try arguments.value(0, name: "items")),
                                start: try arguments.number(1, name: "start", default: 0))
        }
        builtin("range(start, stop, step: 1)", "The numbers from start up to (not including) stop; range(n) is 0..<n.") { arguments, _ in
            let first = try arguments.number(0, name: "start")
            guard let stop = try arguments.optional(1, name: "stop"), !stop.isNull else {
                return .range(try RangeValue(start: 0, end: first))
            }
            return .range(try RangeValue(start: first, end: try arguments.number(1, name: "stop"),
                                         step: try arguments.number(2, name: "step", default: 1)))
        }
        builtin("enumerate(items, start: 0)", "[index, item] pairs: for (i, x) in enumerate(xs) { }.") { arguments, interpreter in
            let items = try interpreter.iterationItems(try arguments.value(0, name: "items"))
            let start = try arguments.number(1, name: "start", default: 0)
            return .list(ListBox(items.enumerated().map { .list(ListBox([.number(start + Double($0.offset)), $0.element])) }))
        }
        builtin("zip(lists...)", "Lists of the i-th items of each argument, as long as the shortest.") { arguments, interpreter in
            let lists = try arguments.positional.map { try interpreter.iterationItems($0) }
            let count = lists.map(\.count).min() ?? 0
            return .list(ListBox((0..<count).map { index in .list(ListBox(lists.map { $0[index] })) }))
        }
        builtin("sorted(items, key: nil, reverse: false)", "A sorted list of the items (stable); key(item) gives the value to sort by.") { arguments, interpreter in
            .list(ListBox(try interpreter.sortValues(
                try interpreter.iterationItems(try arguments.value(0, name: "items")),
                key: try arguments.optional(1, name: "key"),
                reverse: try arguments.bool(2, name: "reverse", default: false))))
        }
        builtin("list(items)", "A new list of the items of a list, range, string (characters) or map (keys).") { arguments, interpreter in
            .list(ListBox(try interpreter.iterationItems(try arguments.value(0, name: "items"))))
        }
    }

    /// `min(3, 1, 2)` and `min([3, 1, 2])` alike.
    private func spread(_ arguments: Arguments) throws -> [Value] {
        if arguments.positional.count == 1 { return try iterationItems(arguments.positional[0]) }
        return arguments.positional
    }
}

/// A number from a number or a string (`"2.5"`, `" 1e-3 "`, `"0x1F"`, `"1_000"`).
private func parseNumber(_ value: Value, function: String) throws -> Double {
    switch value {
    case .number(let number):
        return number
    case .string(let text):
        let cleaned = text.trimmingCharacters(in: .whitespaces).filter { $0 != "_" }
        let negative = cleaned.hasPrefix("-")
        let body = negative || cleaned.hasPrefix("+") ? String(cleaned.dropFirst()) : cleaned
        if body.lowercased().hasPrefix("0x"), let hex = UInt64(body.dropFirst(2), radix: 16) {
            return negative ? -Double(hex) : Double(hex)
        }
        if let number = Double(cleaned), !cleaned.isEmpty { return number }
        throw GemmaLangError.message("\(function)(): cannot read \(quoted(text)) as a number")
    default:
        throw GemmaLangError.message("\(function)(): cannot make a number from \(value.kindDescription)")
    }
}
