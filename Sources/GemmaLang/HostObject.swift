// The seam through which other modules (models, tokens, tensors, traces) appear in scripts
// without the language core knowing them (docs/language.md, "Host objects").

/// One item inside `obj[...]`: a value (`obj[3]`, `obj["name"]`) or a slice (`obj[1:4]`, `obj[::2]`).
public enum IndexItem {
    case value(Value)
    case slice(start: Int?, end: Int?, step: Int?)
}

/// A runtime object provided by a host module. Only `typeName`, `member`, `memberNames` and
/// `shortDescription` are required; everything else has a default.
public protocol HostObject: AnyObject {
    /// The name `type(x)` returns, e.g. "Tensor".
    var typeName: String { get }
    /// A property value or a bound method (return `.native` for methods); nil = no such member.
    func member(_ name: String, interpreter: Interpreter) throws -> Value?
    /// Member names, for tab completion and `help(x)`.
    var memberNames: [String] { get }
    /// A rich multi-line display for the REPL (tables, heatmaps...). Default: `shortDescription`.
    func display(width: Int) -> String
    /// One line, used inside lists, `str(x)` and string interpolation.
    var shortDescription: String { get }
    /// `obj[i]` with one value inside the brackets. Default: an error.
    func index(_ index: Value, interpreter: Interpreter) throws -> Value
    /// `obj[a, b:c]`: every subscript form. Default: one `.value` goes to `index(_:interpreter:)`,
    /// anything else is an error.
    func index(items: [IndexItem], interpreter: Interpreter) throws -> Value
    /// `obj[i] = value`. Default: an error.
    func setIndex(_ index: Value, to value: Value, interpreter: Interpreter) throws
    /// `obj.name = value`. Default: an error.
    func setMember(_ name: String, to value: Value, interpreter: Interpreter) throws
    /// `obj + other` (or `other + obj` when `reversed`), comparisons, ranges; nil = unsupported.
    /// `==` and `!=` are identity and never reach this method.
    func binary(_ op: BinaryOperator, _ other: Value, reversed: Bool) throws -> Value?
    /// `-obj`; nil = unsupported. (`not obj` is always false: objects are truthy.)
    func unary(_ op: UnaryOperator) throws -> Value?
    /// The items of `for x in obj`; nil = not iterable.
    func iterate() throws -> [Value]?
    /// What `len(obj)` returns; nil = no length.
    var count: Int? { get }
    /// Text for `help(obj)`.
    var help: String { get }
}

extension HostObject {
    public func display(width: Int) -> String { shortDescription }

    public func index(_ index: Value, interpreter: Interpreter) throws -> Value {
        throw GemmaLangError.message("\(typeName) cannot be indexed")
    }

    public func index(items: [IndexItem], interpreter: Interpreter) throws -> Value {
        if items.count == 1, case .value(let value) = items[0] {
            return try index(value, interpreter: interpreter)
        }
        throw GemmaLangError.message("\(typeName) does not support slices or several indices")
    }

    public func setIndex(_ index: Value, to value: Value, interpreter: Interpreter) throws {
        throw GemmaLangError.message("\(typeName) does not support item assignment")
    }

    public func setMember(_ name: String, to value: Value, interpreter: Interpreter) throws {
        throw GemmaLangError.message("cannot set '\(name)' on \(typeName)")
    }

    public func binary(_ op: BinaryOperator, _ other: Value, reversed: Bool) throws -> Value? { nil }
    public func unary(_ op: UnaryOperator) throws -> Value? { nil }
    public func iterate() throws -> [Value]? { nil }
    public var count: Int? { nil }

    public var help: String {
        let members = memberNames.sorted().joined(separator: ", ")
        return "\(typeName) object.\(members.isEmpty ? "" : "\nMembers: \(members)")"
    }
}
