// Methods of the built-in types: the tables, and the methods of lists
// (docs/language.md, "Methods"). Strings, maps and ranges are in Methods+Strings.swift.

/// A method of a built-in type: its signature (checked at each call), help, and body.
struct Method: Sendable {
    let signature: Signature
    let help: String
    let body: @Sendable (Value, Arguments, Interpreter) throws -> Value

    /// `xs.push` without a call: a native function that remembers its receiver.
    func bound(to receiver: Value) -> NativeFunction {
        let body = self.body
        return NativeFunction(name: signature.name, signature: signature.text, help: help) { arguments, interpreter in
            try body(receiver, arguments, interpreter)
        }
    }
}

/// The method tables of lists, strings, maps and ranges.
enum Methods {
    static func table(for value: Value) -> [String: Method]? {
        switch value {
        case .list: return list
        case .string: return string
        case .map: return map
        case .range: return range
        default: return nil
        }
    }

    /// The type name of each table, for `help("list.map")`.
    static let tablesByType: [String: [String: Method]] = [
        "list": list, "string": string, "map": map, "range": range,
    ]

    static func table(_ methods: [Method]) -> [String: Method] {
        Dictionary(methods.map { ($0.signature.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    static func method<Receiver>(
        _ signature: String, _ help: String, _ extract: @escaping @Sendable (Value) -> Receiver?,
        _ body: @escaping @Sendable (Receiver, Arguments, Interpreter) throws -> Value
    ) -> Method {
        Method(signature: Signature(signature), help: help) { receiver, arguments, interpreter in
            guard let typed = extract(receiver) else {
                throw GemmaLangError.message("\(signature) cannot be used on \(receiver.kindDescription)")
            }
            return try body(typed, arguments, interpreter)
        }
    }

    static func listMethod(_ signature: String, _ help: String,
                           _ body: @escaping @Sendable (ListBox, Arguments, Interpreter) throws -> Value) -> Method {
        method(signature, help, { if case .list(let box) = $0 { box } else { nil } }, body)
    }

    // MARK: lists

    static let list: [String: Method] = table([
        listMethod("push(item)", "Adds item at the end (same as append).") { box, arguments, interpreter in
            try interpreter.limits.checkCollection(Double(box.items.count + 1))
            box.items.append(try arguments.value(0, name: "item"))
            return .null
        },
        listMethod("append(item)", "Adds item at the end (same as push).") { box, arguments, interpreter in
            try interpreter.limits.checkCollection(Double(box.items.count + 1))
            box.items.append(try arguments.value(0, name: "item"))
            return .null
        },
        listMethod("pop(index: -1)", "Removes and returns the item at index (the last by default).") { box, arguments, _ in
            guard !box.items.isEmpty else { throw GemmaLangError.message("pop() from an empty list") }
            let index = try resolveIndex(try arguments.value(0, name: "index", default: -1), count: box.items.count, of: "list")
            return box.items.remove(at: index)
        },
        listMethod("insert(index, item)", "Inserts item before index (negative counts from the end).") { box, arguments, interpreter in
            try interpreter.limits.checkCollection(Double(box.items.count + 1))
            var index = try arguments.int(0, name: "index")
            if index < 0 { index += box.items.count }
            box.items.insert(try arguments.value(1, name: "item"), at: min(max(index, 0), box.items.count))
            return .null
        },
        listMethod("extend(items)", "Adds every item of another list (or range, string...) at the end.") { box, arguments, interpreter in
            let items = try interpreter.iterationItems(try arguments.value(0, name: "items"))
            try interpreter.limits.checkCollection(Double(box.items.count + items.count))
            box.items += items
            return .null
        },
        listMethod("remove(item)", "Removes the first item equal to item; an error if there is none.") { box, arguments, interpreter in
            let item = try arguments.value(0, name: "item")
            guard let index = try box.items.firstIndex(where: { try interpreter.valuesEqual($0, item) }) else {
                throw GemmaLangError.message("remove(): \(item.repr) is not in the list")
            }
            box.items.remove(at: index)
            return .null
        },
        listMethod("len()", "The number of items.") { box, _, _ in .number(Double(box.items.count)) },
        listMethod("map(fn)", "A new list of fn(item) for every item.") { box, arguments, interpreter in
            let function = try arguments.callable(0, name: "fn")
            return .list(ListBox(try box.items.map { try interpreter.call(function, Arguments(positional: [$0])) }))
        },
        listMethod("filter(fn)", "A new list of the items for which fn(item) is true.") { box, arguments, interpreter in
            let function = try arguments.callable(0, name: "fn")
            return .list(ListBox(try box.items.filter { try interpreter.call(function, Arguments(positional: [$0])).isTruthy }))
        },
        listMethod("reduce(fn, initial)", "Combines the items: fn(fn(initial, x0), x1)...; without initial starts from the first item.") { box, arguments, interpreter in
            let function = try arguments.callable(0, name: "fn")
            var items = box.items[...]
            guard var accumulator = try arguments.optional(1, name: "initial") ?? items.popFirst() else {
                throw GemmaLangError.message("reduce() of an empty list needs an initial value")
            }
            for item in items { accumulator = try interpreter.call(function, Arguments(positional: [accumulator, item])) }
            return accumulator
        },
        listMethod("sort(key: nil, reverse: false)", "Sorts the list in place (stable); key(item) gives the value to sort by.") { box, arguments, interpreter in
            box.items = try interpreter.sortValues(box.items, key: try arguments.optional(0, name: "key"),
                                                   reverse: try arguments.bool(1, name: "reverse", default: false))
            return .null
        },
        listMethod("sorted(key: nil, reverse: false)", "A sorted copy of the list (stable).") { box, arguments, interpreter in
            .list(ListBox(try interpreter.sortValues(box.items, key: try arguments.optional(0, name: "key"),
                                                     reverse: try arguments.bool(1, name: "reverse", default: false))))
        },
        listMethod("reverse()", "Reverses the list in place.") { box, _, _ in
            box.items.reverse()
            return .null
        },
        listMethod("reversed()", "A reversed copy of the list.") { box, _, _ in .list(ListBox(box.items.reversed())) },
        listMethod("join(separator: \"\")", "The items as text, with separator between them.") { box, arguments, interpreter in
            let separator = try arguments.string(0, name: "separator", default: "")
            let text = box.items.map(\.description).joined(separator: separator)
            try interpreter.limits.checkString(Double(text.utf8.count))
            return .string(text)
        },
        listMethod("contains(item)", "True if an item equals item.") { box, arguments, interpreter in
            let item = try arguments.value(0, name: "item")
            return .bool(try box.items.contains { try interpreter.valuesEqual($0, item) })
        },
        listMethod("index_of(item)", "The index of the first item equal to item, or nil.") { box, arguments, interpreter in
            let item = try arguments.value(0, name: "item")
            return try box.items.firstIndex { try interpreter.valuesEqual($0, item) }.map { .number(Double($0)) } ?? .null
        },
        listMethod("count(item)", "How many items equal item.") { box, arguments, interpreter in
            let item = try arguments.value(0, name: "item")
            return .number(Double(try box.items.filter { try interpreter.valuesEqual($0, item) }.count))
        },
        listMethod("sum()", "The sum of the items (numbers).") { box, _, interpreter in try interpreter.sum(box.items, start: 0) },
        listMethod("min()", "The smallest item.") { box, _, interpreter in try interpreter.extreme(box.items, largest: false, function: "min") },
        listMethod("max()", "The largest item.") { box, _, interpreter in try interpreter.extreme(box.items, largest: true, function: "max") },
        listMethod("copy()", "A shallow copy of the list.") { box, _, _ in .list(ListBox(box.items)) },
    ])
}

extension Interpreter {
    /// A stable sort by `key(item)` (or the items themselves), in either direction.
    func sortValues(_ items: [Value], key: Value?, reverse: Bool) throws -> [Value] {
        var keys = items
        if let key, !key.isNull {
            keys = try items.map { try call(key, Arguments(positional: [$0])) }
        }
        let order = try mergeSorted(Array(items.indices)) { a, b in
            try (reverse ? compare(keys[b], keys[a]) : compare(keys[a], keys[b])) < 0
        }
        return order.map { items[$0] }
    }

    /// The sum of numbers, starting from `start`.
    func sum(_ items: [Value], start: Double) throws -> Value {
        var total = start
        for item in items {
            guard case .number(let number) = item else {
                throw GemmaLangError.message("sum() needs numbers, got \(item.kindDescription)")
            }
            total += number
        }
        return .number(total)
    }

    /// The smallest or largest item.
    func extreme(_ items: [Value], largest: Bool, function: String) throws -> Value {
        guard var best = items.first else { throw GemmaLangError.message("\(function)() of an empty list") }
        for item in items.dropFirst() {
            let order = try compare(item, best)
            if largest ? order > 0 : order < 0 { best = item }
        }
        return best
    }
}

/// A stable merge sort whose comparison may throw (user key functions, mixed types).
func mergeSorted<T>(_ items: [T], by isOrderedBefore: (T, T) throws -> Bool) throws -> [T] {
    var source = items
    var target = items
    var width = 1
    while width < source.count {
        var start = 0
        while start < source.count {
            let middle = min(start + width, source.count), end = min(start + 2 * width, source.count)
            var left = start, right = middle, out = start
            while left < middle && right < end {
                if try isOrderedBefore(source[right], source[left]) {
                    target[out] = source[right]; right += 1
                } else {
                    target[out] = source[left]; left += 1
                }
                out += 1
            }
            while left < middle { target[out] = source[left]; left += 1; out += 1 }
            while right < end { target[out] = source[right]; right += 1; out += 1 }
            start = end
        }
        swap(&source, &target)
        width *= 2
    }
    return source
}
