// How values are written: numbers as a person writes them, strings quoted inside collections,
// long lists cut short (docs/language.md, "Display").

/// A number as a person writes it: `3` (not `3.0`), `0.1`, `1.5e-07`, `1e+20`, `inf`, `nan`.
/// Non-integers use the shortest form that reads back as the same Double.
public func formatNumber(_ number: Double) -> String {
    if number.isNaN { return "nan" }
    if number.isInfinite { return number < 0 ? "-inf" : "inf" }
    if number == number.rounded() && abs(number) < 1e16 {
        if number == 0 && number.sign == .minus { return "-0" }
        return String(Int64(number))
    }
    return "\(number)"
}

/// A string in double quotes with escapes, as it would be written in GNB source.
public func quoted(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\t": result += "\\t"
        case "\r": result += "\\r"
        case "\0": result += "\\0"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
    }
    return result + "\""
}

extension Value: CustomStringConvertible {
    /// The text `print` and `str` produce: strings as they are, everything else as `repr`.
    public var description: String {
        if case .string(let text) = self { return text }
        return repr
    }

    /// The source-like form: strings quoted, lists `[1, "a"]`, maps `{"a": 1}`,
    /// lists past 100 items cut with `… (N more)`.
    public var repr: String {
        var formatter = ValueFormatter()
        return formatter.format(self, depth: 0)
    }

    /// What the REPL shows for a result: a host object's rich display, otherwise `repr`.
    public func display(width: Int) -> String {
        if case .object(let object) = self { return object.display(width: width) }
        return repr
    }
}

/// Writes nested values, guarding against cycles (`xs.push(xs)`) and very deep nesting.
struct ValueFormatter {
    static let maxItems = 100
    static let maxDepth = 50
    private var open: Set<ObjectIdentifier> = []

    mutating func format(_ value: Value, depth: Int) -> String {
        switch value {
        case .null: return "nil"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return formatNumber(n)
        case .string(let s): return quoted(s)
        case .range(let r): return r.description
        case .function(let closure): return "<fn \(closure.signature)>"
        case .native(let native): return "<builtin \(native.signature)>"
        case .object(let object): return object.shortDescription
        case .list(let box):
            return collection(ObjectIdentifier(box), depth: depth, open: "[", close: "]",
                              count: box.items.count) { formatter, index in
                formatter.format(box.items[index], depth: depth + 1)
            }
        case .map(let box):
            let entries = box.entries
            return collection(ObjectIdentifier(box), depth: depth, open: "{", close: "}",
                              count: entries.count) { formatter, index in
                formatter.format(entries[index].key.value, depth: depth + 1) + ": "
                    + formatter.format(entries[index].value, depth: depth + 1)
            }
        }
    }

    private mutating func collection(_ identity: ObjectIdentifier, depth: Int, open: String,
                                     close: String, count: Int,
                                     item: (inout ValueFormatter, Int) -> String) -> String {
        if self.open.contains(identity) || depth >= Self.maxDepth { return open + "…" + close }
        self.open.insert(identity)
        defer { self.open.remove(identity) }
        var parts: [String] = []
        for index in 0..<min(count, Self.maxItems) { parts.append(item(&self, index)) }
        if count > Self.maxItems { parts.append("… (\(count - Self.maxItems) more)") }
        return open + parts.joined(separator: ", ") + close
    }
}
