// What the binary operators do to each kind of value, equality and ordering
// (docs/language.md, "Operators").
import Foundation

extension Interpreter {
    /// Applies a binary operator (the slow path: every type combination and its error message).
    func binaryOperation(_ op: BinaryOperator, _ left: Value, _ right: Value) throws -> Value {
        switch op {
        case .equal: return .bool(try valuesEqual(left, right))
        case .notEqual: return .bool(!(try valuesEqual(left, right)))
        default: break
        }
        if case .object(let host) = left, let result = try host.binary(op, right, reversed: false) {
            return result
        }
        if case .object(let host) = right, let result = try host.binary(op, left, reversed: true) {
            return result
        }
        switch (op, left, right) {
        case let (.add, .number(a), .number(b)): return .number(a + b)
        case let (.subtract, .number(a), .number(b)): return .number(a - b)
        case let (.multiply, .number(a), .number(b)): return .number(a * b)
        case let (.divide, .number(a), .number(b)):
            if b == 0 { throw GemmaLangError.message("division by zero") }
            return .number(a / b)
        case let (.remainder, .number(a), .number(b)):
            if b == 0 { throw GemmaLangError.message("division by zero in '%'") }
            // Floored, as in Python: the result has the sign of the divisor (-7 % 3 == 2).
            var result = a.truncatingRemainder(dividingBy: b)
            if result != 0 && (result < 0) != (b < 0) { result += b }
            return .number(result)
        case let (.power, .number(a), .number(b)): return .number(pow(a, b))

        case let (.add, .string(a), .string(b)):
            try limits.checkString(Double(a.utf8.count + b.utf8.count))
            return .string(a + b)
        case let (.add, .list(a), .list(b)):
            try limits.checkCollection(Double(a.items.count + b.items.count))
            return .list(ListBox(a.items + b.items))
        case (.add, .string, _), (.add, _, .string):
            let other = left.stringValue == nil ? left : right
            throw GemmaLangError.message("cannot add \(left.typeName) and \(right.typeName); to put a \(other.typeName) into text use interpolation, \"total: \\(x)\", or str(x)")

        case let (.multiply, .string(text), .number(n)), let (.multiply, .number(n), .string(text)):
            let times = try repeatCount(n)
            if text.isEmpty { return .string("") }
            try limits.checkString(Double(text.utf8.count) * Double(times))
            return .string(String(repeating: text, count: times))
        case let (.multiply, .list(box), .number(n)), let (.multiply, .number(n), .list(box)):
            let times = try repeatCount(n)
            if box.items.isEmpty { return .list(ListBox()) }
            try limits.checkCollection(Double(box.items.count) * Double(times))
            var items: [Value] = []
            items.reserveCapacity(box.items.count * times)
            for _ in 0..<times { items += box.items }
            return .list(ListBox(items))

        case (.less, _, _), (.lessEqual, _, _), (.greater, _, _), (.greaterEqual, _, _):
            let order = try compare(left, right, op)
            switch op {
            case .less: return .bool(order < 0)
            case .lessEqual: return .bool(order <= 0)
            case .greater: return .bool(order > 0)
            default: return .bool(order >= 0)
            }

        case let (.halfOpenRange, .number(a), .number(b)):
            return .range(try RangeValue(start: a, end: b))
        case let (.closedRange, .number(a), .number(b)):
            return .range(try RangeValue(start: a, end: b, isClosed: true))
        case (.halfOpenRange, _, _), (.closedRange, _, _):
            throw GemmaLangError.message("range bounds must be numbers, got \(left.typeName) and \(right.typeName)")

        default:
            throw GemmaLangError.message("cannot apply '\(op.rawValue)' to \(left.typeName) and \(right.typeName)")
        }
    }

    /// How many times `"ab" * n` or `[0] * n` repeats: a whole number (negative counts as 0).
    private func repeatCount(_ n: Double) throws -> Int {
        guard n.isFinite, n == n.rounded() else {
            throw GemmaLangError.message("can only repeat by a whole number, got \(formatNumber(n))")
        }
        return n < 0 ? 0 : Int(min(n, 9e18))
    }

    /// Structural equality for nil, booleans, numbers, strings, lists, maps and ranges;
    /// identity for functions and host objects.
    func valuesEqual(_ left: Value, _ right: Value, depth: Int = 0) throws -> Bool {
        if depth > ValueFormatter.maxDepth * 2 {
            throw GemmaLangError.message("values are nested too deeply to compare")
        }
        switch (left, right) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.range(a), .range(b)): return a == b
        case let (.function(a), .function(b)): return a === b
        case let (.native(a), .native(b)): return a === b
        case let (.object(a), .object(b)): return a === b
        case let (.list(a), .list(b)):
            if a === b { return true }
            guard a.items.count == b.items.count else { return false }
            for (x, y) in zip(a.items, b.items) where !(try valuesEqual(x, y, depth: depth + 1)) {
                return false
            }
            return true
        case let (.map(a), .map(b)):
            if a === b { return true }
            guard a.count == b.count else { return false }
            for (key, value) in a.entries {
                guard let other = b[key], try valuesEqual(value, other, depth: depth + 1) else { return false }
            }
            return true
        default:
            return false
        }
    }

    /// Ordering for `<` and sorting: numbers, strings, booleans (false < true) and lists
    /// (item by item). Returns -1, 0 or 1.
    func compare(_ left: Value, _ right: Value, _ op: BinaryOperator = .less, depth: Int = 0) throws -> Int {
        switch (left, right) {
        case let (.number(a), .number(b)): return a < b ? -1 : (a > b ? 1 : 0)
        case let (.string(a), .string(b)): return a < b ? -1 : (a > b ? 1 : 0)
        case let (.bool(a), .bool(b)): return a == b ? 0 : (a ? 1 : -1)
        case let (.list(a), .list(b)):
            if depth > ValueFormatter.maxDepth * 2 {
                throw GemmaLangError.message("values are nested too deeply to compare")
            }
            for (x, y) in zip(a.items, b.items) {
                let order = try compare(x, y, op, depth: depth + 1)
                if order != 0 { return order }
            }
            return a.items.count < b.items.count ? -1 : (a.items.count > b.items.count ? 1 : 0)
        default:
            throw GemmaLangError.message("cannot compare \(left.typeName) and \(right.typeName) with '\(op.rawValue)'")
        }
    }
}
