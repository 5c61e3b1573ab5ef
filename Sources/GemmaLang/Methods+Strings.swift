// Methods of strings, maps and ranges (docs/language.md, "Methods").
import Foundation

extension Methods {
    static func stringMethod(_ signature: String, _ help: String,
                             _ body: @escaping @Sendable (String, Arguments, Interpreter) throws -> Value) -> Method {
        method(signature, help, { $0.stringValue }, body)
    }

    static func mapMethod(_ signature: String, _ help: String,
                          _ body: @escaping @Sendable (MapBox, Arguments, Interpreter) throws -> Value) -> Method {
        method(signature, help, { if case .map(let box) = $0 { box } else { nil } }, body)
    }

    static func rangeMethod(_ signature: String, _ help: String,
                            _ body: @escaping @Sendable (RangeValue, Arguments, Interpreter) throws -> Value) -> Method {
        method(signature, help, { if case .range(let range) = $0 { range } else { nil } }, body)
    }

    // MARK: strings

    static let string: [String: Method] = table([
        stringMethod("upper()", "The text in upper case.") { text, _, _ in .string(text.uppercased()) },
        stringMethod("lower()", "The text in lower case.") { text, _, _ in .string(text.lowercased()) },
        stringMethod("strip()", "The text without spaces and line breaks at both ends.") { text, _, _ in
            .string(text.trimmingCharacters(in: .whitespacesAndNewlines))
        },
        stringMethod("split(separator: nil)", "The pieces between separators; without one, the words between runs of spaces.") { text, arguments, interpreter in
            let pieces: [String]
            if let separator = try arguments.optional(0, name: "separator"), !separator.isNull {
                let separator = try arguments.string(0, name: "separator")
                pieces = separator.isEmpty ? text.map { String($0) } : text.components(separatedBy: separator)
            } else {
                pieces = text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
            }
            try interpreter.limits.checkCollection(Double(pieces.count))
            return .list(ListBox(pieces.map { .string($0) }))
        },
        stringMethod("lines()", "The lines of the text.") { text, _, _ in
            var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0.isNewline }).map(String.init)
            if lines.last == "" { lines.removeLast() }
            return .list(ListBox(lines.map { .string($0) }))
        },
        stringMethod("contains(text)", "True if text occurs in the string.") { text, arguments, _ in
            let part = try arguments.string(0, name: "text")
            return .bool(part.isEmpty || text.range(of: part) != nil)
        },
        stringMethod("replace(old, new)", "Every occurrence of old replaced by new.") { text, arguments, interpreter in
            let old = try arguments.string(0, name: "old"), new = try arguments.string(1, name: "new")
            guard !old.isEmpty else { throw GemmaLangError.message("replace(): 'old' must not be empty") }
            let occurrences = text.components(separatedBy: old).count - 1
            try interpreter.limits.checkString(Double(text.utf8.count + occurrences * (new.utf8.count - old.utf8.count)))
            return .string(text.replacingOccurrences(of: old, with: new))
        },
        stringMethod("starts_with(prefix)", "True if the string begins with prefix.") { text, arguments, _ in
            .bool(text.hasPrefix(try arguments.string(0, name: "prefix")))
        },
        stringMethod("ends_with(suffix)", "True if the string ends with suffix.") { text, arguments, _ in
            .bool(text.hasSuffix(try arguments.string(0, name: "suffix")))
        },
        stringMethod("index_of(text)", "The character position of the first occurrence of text, or nil.") { text, arguments, _ in
            let part = try arguments.string(0, name: "text")
            guard let found = text.range(of: part) else { return .null }
            return .number(Double(text.distance(from: text.startIndex, to: found.lowerBound)))
        },
        stringMethod("count(text)", "How many times text occurs (without overlaps).") { text, arguments, _ in
            let part = try arguments.string(0, name: "text")
            guard !part.isEmpty else { throw GemmaLangError.message("count(): 'text' must not be empty") }
            return .number(Double(text.components(separatedBy: part).count - 1))
        },
        stringMethod("join(items)", "The items as text with this string between them: \", \".join(xs).") { text, arguments, interpreter in
            let items = try interpreter.iterationItems(try arguments.value(0, name: "items"))
            let joined = items.map(\.description).joined(separator: text)
            try interpreter.limits.checkString(Double(joined.utf8.count))
            return .string(joined)
        },
        stringMethod("len()", "The number of characters.") { text, _, _ in .number(Double(text.count)) },
    ])

    // MARK: maps

    static let map: [String: Method] = table([
        mapMethod("keys()", "The keys, in insertion order.") { box, _, _ in .list(ListBox(box.keys.map(\.value))) },
        mapMethod("values()", "The values, in insertion order.") { box, _, _ in .list(ListBox(box.entries.map(\.value))) },
        mapMethod("items()", "[key, value] pairs, in insertion order.") { box, _, _ in
            .list(ListBox(box.entries.map { .list(ListBox([$0.key.value, $0.value])) }))
        },
        mapMethod("has(key)", "True if the map has the key.") { box, arguments, _ in
            .bool(MapKey(try arguments.value(0, name: "key")).flatMap { box[$0] } != nil)
        },
        mapMethod("get(key, default: nil)", "The value for key, or default when the key is missing.") { box, arguments, _ in
            let value = MapKey(try arguments.value(0, name: "key")).flatMap { box[$0] }
            return try value ?? arguments.value(1, name: "default", default: .null)
        },
        mapMethod("remove(key)", "Removes the key; returns its value, or nil if it was missing.") { box, arguments, _ in
            MapKey(try arguments.value(0, name: "key")).flatMap { box.removeValue(forKey: $0) } ?? .null
        },
        mapMethod("len()", "The number of entries.") { box, _, _ in .number(Double(box.count)) },
        mapMethod("copy()", "A shallow copy of the map.") { box, _, _ in
            let copy = MapBox()
            for (key, value) in box.entries { copy[key] = value }
            return .map(copy)
        },
    ])

    // MARK: ranges

    static let range: [String: Method] = table([
        rangeMethod("len()", "The number of elements.") { range, _, _ in .number(Double(range.count)) },
        rangeMethod("contains(x)", "True if x is one of the elements.") { range, arguments, _ in
            .bool(range.contains(try arguments.number(0, name: "x")))
        },
        rangeMethod("list()", "The elements as a list.") { range, _, interpreter in
            .list(ListBox(try interpreter.iterationItems(.range(range))))
        },
    ])
}
