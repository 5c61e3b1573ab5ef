// The values a GNB script computes with (docs/language.md, "Values").

/// A GNB value. Lists and maps are reference types (like Python): assigning one shares it.
public enum Value {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case list(ListBox)
    case map(MapBox)
    indirect case range(RangeValue)
    /// A function written in GNB (with the scope it closes over).
    case function(Closure)
    /// A function written in Swift: builtins, bound methods, host-module functions.
    case native(NativeFunction)
    /// An object owned by another module: a model, a tensor, a trace...
    case object(any HostObject)

    /// The name `type(x)` returns: "nil", "bool", "number", "string", "list", "map", "range",
    /// "function", or a host object's `typeName`.
    public var typeName: String {
        switch self {
        case .null: return "nil"
        case .bool: return "bool"
        case .number: return "number"
        case .string: return "string"
        case .list: return "list"
        case .map: return "map"
        case .range: return "range"
        case .function, .native: return "function"
        case .object(let object): return object.typeName
        }
    }

    /// "a number", "an object"..., "nil": the type with its article, for messages.
    public var kindDescription: String {
        if case .null = self { return "nil" }
        let name = typeName
        let article = name.first.map { "aeiouAEIOU".contains($0) } == true ? "an" : "a"
        return "\(article) \(name)"
    }

    /// Only `nil` and `false` are falsy; 0, "" and [] are true (as in Lua and Ruby).
    public var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let value): return value
        default: return true
        }
    }

    /// A new list value holding `items`.
    public static func makeList(_ items: [Value]) -> Value { .list(ListBox(items)) }

    /// A new map value with string keys, in the given order.
    public static func makeMap(_ entries: [(String, Value)]) -> Value {
        let box = MapBox()
        for (key, value) in entries { box[.string(key)] = value }
        return .map(box)
    }

    public var numberValue: Double? { if case .number(let n) = self { n } else { nil } }
    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var listItems: [Value]? { if case .list(let box) = self { box.items } else { nil } }
    public var objectValue: (any HostObject)? { if case .object(let o) = self { o } else { nil } }
}

extension Value: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: Value...) { self = .list(ListBox(elements)) }
    public init(dictionaryLiteral elements: (String, Value)...) { self = Value.makeMap(elements) }
}

/// The storage of a list, shared by every variable that holds the list.
public final class ListBox {
    /// The items; mutate them to change the list the script sees.
    public var items: [Value]

    public init(_ items: [Value] = []) { self.items = items }

    deinit {
        // Release nested lists and maps one at a time instead of recursively,
        // so that a list nested 100 000 deep cannot overflow the stack when it dies.
        guard items.contains(where: \.isContainer) else { return }
        var pending = items
        items = []
        releaseIteratively(&pending)
    }
}

/// A key of a map: maps accept strings, numbers, booleans and nil as keys.
public enum MapKey: Hashable, Sendable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    /// The key for a value, or nil if the value cannot be a key (lists, maps, functions, NaN).
    public init?(_ value: Value) {
        switch value {
        case .string(let s): self = .string(s)
        case .number(let n) where !n.isNaN: self = .number(n == 0 ? 0 : n)
        case .bool(let b): self = .bool(b)
        case .null: self = .null
        default: return nil
        }
    }

    /// The key as a value.
    public var value: Value {
        switch self {
        case .string(let s): return .string(s)
        case .number(let n): return .number(n)
        case .bool(let b): return .bool(b)
        case .null: return .null
        }
    }
}

/// The storage of a map: entries keep the order in which their keys were first inserted.
public final class MapBox {
    /// The keys in insertion order.
    public private(set) var keys: [MapKey] = []
    private var storage: [MapKey: Value] = [:]

    public init() {}

    public var count: Int { keys.count }

    /// Reads a value; assigning nil removes the entry.
    public subscript(key: MapKey) -> Value? {
        get { storage[key] }
        set {
            guard let newValue else {
                removeValue(forKey: key)
                return
            }
            if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
        }
    }

    /// Reads a value by string key.
    public subscript(name: String) -> Value? { storage[.string(name)] }

    @discardableResult
    public func removeValue(forKey key: MapKey) -> Value? {
        guard let old = storage.removeValue(forKey: key) else { return nil }
        keys.removeAll { $0 == key }
        return old
    }

    /// The entries in insertion order.
    public var entries: [(key: MapKey, value: Value)] {
        keys.map { ($0, storage[$0] ?? .null) }
    }

    deinit {
        guard storage.values.contains(where: \.isContainer) else { return }
        var pending = Array(storage.values)
        storage = [:]
        releaseIteratively(&pending)
    }

    fileprivate func takeValues() -> [Value] {
        let values = Array(storage.values)
        storage = [:]
        keys = []
        return values
    }
}

extension Value {
    fileprivate var isContainer: Bool {
        switch self {
        case .list, .map, .function: return true
        default: return false
        }
    }
}

/// Drops values, unpacking uniquely owned lists, maps and closures into work lists instead of
/// recursing, so that a chain 100 000 deep (lists in lists, closures capturing closures) cannot
/// overflow the stack when it dies. Boxes are held directly (not inside a `Value`) so that
/// uniqueness can be checked reliably.
private func releaseIteratively(_ values: inout [Value]) {
    var lists: [ListBox] = []
    var maps: [MapBox] = []
    var closures: [Closure] = []
    func collect(_ values: [Value]) {
        for value in values {
            switch value {
            case .list(let box): lists.append(box)
            case .map(let box): maps.append(box)
            case .function(let closure): closures.append(closure)
            default: break
            }
        }
    }
    collect(values)
    values = []
    while true {
        if var box = lists.popLast() {
            if isKnownUniquelyReferenced(&box) {
                let items = box.items
                box.items = []
                collect(items)
            }
        } else if var box = maps.popLast() {
            if isKnownUniquelyReferenced(&box) { collect(box.takeValues()) }
        } else if var closure = closures.popLast() {
            if isKnownUniquelyReferenced(&closure), var scope = closure.takeScope(),
               isKnownUniquelyReferenced(&scope) {
                collect(scope.takeSlots())
            }
        } else {
            return
        }
    }
}

/// A function written in GNB together with the scope it was created in.
public final class Closure {
    let declaration: FunctionDeclaration
    private(set) var scope: Scope?

    init(declaration: FunctionDeclaration, scope: Scope?) {
        self.declaration = declaration
        self.scope = scope
    }

    /// The declared name, or "<lambda>".
    public var name: String { declaration.name ?? "<lambda>" }
    /// `name(a, b = …)`
    public var signature: String { declaration.signature }
    /// The string literal that opens the body, if any.
    public var docstring: String? { declaration.docstring }

    fileprivate func takeScope() -> Scope? {
        defer { scope = nil }
        return scope
    }

    deinit {
        guard var scope = takeScope(), isKnownUniquelyReferenced(&scope) else { return }
        var pending = scope.takeSlots()
        releaseIteratively(&pending)
    }
}

/// The variables of one block or call, found by position (resolved before running).
final class Scope {
    var slots: [Value]
    let parent: Scope?

    init(size: Int, parent: Scope?) {
        self.slots = Array(repeating: .null, count: size)
        self.parent = parent
    }

    fileprivate func takeSlots() -> [Value] {
        defer { slots = [] }
        return slots
    }

    deinit {
        guard !slots.isEmpty, slots.contains(where: \.isContainer) else { return }
        var pending = slots
        slots = []
        releaseIteratively(&pending)
    }
}
