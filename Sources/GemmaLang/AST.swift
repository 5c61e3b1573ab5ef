// The syntax tree built by the parser, annotated by the resolver, walked by the interpreter.
// Each node forwards `evaluate`/`execute`/`resolve` to the phase that owns the logic.

/// An expression node.
protocol Expr: AnyObject {
    var range: SourceRange { get }
    /// Height of the tree under this node (bounded by `Limits.maxNesting`).
    var height: Int { get }
    func evaluate(_ interpreter: Interpreter, _ scope: Scope?) throws -> Value
    func resolve(_ resolver: Resolver)
}

/// A statement node.
protocol Stmt: AnyObject {
    var range: SourceRange { get }
    func execute(_ interpreter: Interpreter, _ scope: Scope?) throws -> Flow
    func resolve(_ resolver: Resolver)
}

/// How a statement finished: normally, or by `break`, `continue`, `return`.
enum Flow {
    case normal
    case breakLoop
    case continueLoop
    case returned(Value)
}

/// Where a variable lives, decided by the resolver: `hops` scopes out, or in the global table.
enum VariableSlot {
    case local(hops: Int, index: Int)
    case global(Int)
}

/// The arithmetic, comparison and range operators (also offered to host objects).
public enum BinaryOperator: String, Sendable, CaseIterable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%", power = "**"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case halfOpenRange = "..<", closedRange = "..."
}

/// The prefix operators.
public enum UnaryOperator: String, Sendable {
    case negate = "-", not = "not"
}

// MARK: expressions

final class LiteralExpr: Expr {
    let value: Value, range: SourceRange
    var height: Int { 1 }
    init(_ value: Value, _ range: SourceRange) { self.value = value; self.range = range }
    func evaluate(_ i: Interpreter, _ s: Scope?) throws -> Value { value }
    func resolve(_ r: Resolver) {}
}

final class InterpolationExpr: Expr {
    enum Part { case text(String), expression(Expr) }
    let parts: [Part], range: SourceRange, height: Int
    init(_ parts: [Part], _ range: SourceRange) {
        self.parts = parts
        self.range = range
        self.height = 1 + (parts.map { if case .expression(let e) = $0 { e.height } else { 0 } }.max() ?? 0)
    }
    func evaluate(_ i: Interpreter, _ s: Scope?) throws -> Value { try i.evaluateInterpolation(self, s) }
    func resolve(_ r: Resolver) { r.resolveInterpolation(self) }
}

final class VariableExpr: Expr {
    let name: String, range: SourceRange
    var slot = VariableSlot.global(-1)
    var height: Int { 1 }
    init(_ name: String, _ range: SourceRange) { self.name = name; self.range = range }
    func evaluate(_ i: Interpreter, _ s: Scope?) throws -> Value { try i.read(self, s) }
    func resolve(_ r: Resolver) { r.resolveVariable(self) }
}

final class ListExpr: Expr {
    let elements: [Expr], range: SourceRange, height: Int
    init(_ elements: [Expr], _ range: SourceRange) {
        self.elements = elements
        self.range = range
        self.height = 1 + (elements.map(\.height).max() ?? 0)
    }
    func evaluate(_ i: Interpreter, _ s: Scope?) throws -> Value { try i.evaluateList(self, s) }
    func resolve(_ r: Resolver) { elements.forEach { $0.resolve(r) } }
}

final class MapExpr: Expr {
    let entries: [(key: Expr, value: Expr)], range: SourceRange, height: Int
    init(_ entries: [(key: Expr, value: Expr)], _ range: SourceRange) {
        self.entries = entries
        self.range = range
        self.height = 1 + (entries.map { max($0.key.height, $0.value.height) }.max() ?? 0)
    }
    func evaluate(_ i: Interpreter, _ s: Scope?) throws -> Value { try i.evaluateMap(self, s) }
    func resolve(_ r: Resolver) { entries.forEach { $0.key.resolve(r); $0.value.resolve(r) } }
}

final class UnaryExpr: Expr {
    let op: UnaryOperator, operand: Expr, range: SourceRange
    var height: Int { operand.height + 1 }
    init(_ op: UnaryOperator, _ operand: Expr, _ range: SourceRange) {
        self.op = op; self.operand = operand; self.range = range
    }
    func evaluate(_ i: Interpreter, _ s: Scope?) throws -> Value { try i.evaluateUnary(self, s) }
    func resolve(_ r: Resolver) { operand.resolve(r) }
}

final class BinaryExpr: Expr {
    let op: BinaryOperator, left: Expr, right: Expr, range: SourceRange, height: Int
    init(_ op: BinaryOperator, _ left: Expr, _ right: Expr) {
        self.op = op; self.left = left; self.right = right
        self.range = left.range.through(right.range)
        self.height = max(left.height, right.height) + 1
    }
    func evaluate(_ i: Interpreter, _ s: Scope?) throws -> Value { try i.evaluateBinary(self, s) }
    func resolve(_ r: Resolver) { left.resolve(r); right.resolve(r) }
}

/// `and` / `or`, which evaluate their right side only when needed.
final class LogicalExpr: Expr {
    let isAnd: Bool, left: Expr, right: Expr, range: SourceRange, height: Int
    init(isAnd: Bool, _ left: Expr, _ right: Expr) {
        self.isAnd = isAnd; self.left = left; self.right = right
        self.range = left.range.through(right.range)
        self.height = max(left.height, right.height) + 1
    }
    func evaluate(_ i: Interpreter, _ s: Scope?) throws -> Value { try i.evaluateLogical(self, s) }
    func resolve(_ r: Resolver) { left.resolve(r); right.resolve(r) }
}

final class CallExpr: Expr {
    struct Argument { let name: String?, value: Expr }
    let callee: Expr, arguments: [Argument], range: SourceRange, height: Int
    /// Set for `object.name(...)`, which calls a method without creating a bound function.
    let method: MemberExpr?
    init(_ callee: Expr, _ arguments: [Argument], _ range: SourceRange) {
        self.callee = callee; self.arguments = arguments; self.range = range
        self.method = callee as? MemberExpr
        self.height = 1 + max(callee.height, arguments.map(\.value.height).max() ?? 0)
    }
    func evaluate(_ i: Interpreter, _ s: Scope?) throws -> Value { try i.evaluateCall(self, s) }
    func resolve(_ r: Resolver) { callee.resolve(r); arguments.forEach { $0.value.resolve(r) } }
}

final class MemberExpr: Expr {
    let object: Expr, name: String, range: SourceRange
    var height: Int { object.height + 1 }
    init(_ object: Expr, _ name: String, _ range: SourceRange) {
        self.object = object; self.name = name; self.range = range
    }
    func evaluate(_ i: Interpreter, _ s: Scope?) throws -> Value { try i.evaluateMember(self, s) }
    func resolve(_ r: Resolver) { object.resolve(r) }
}

final class IndexExpr: Expr {
    enum Item { case value(Expr), slice(Expr?, Expr?, Expr?) }
    let object: Expr, items: [Item], range: SourceRange, height: Int
    init(_ object: Expr, _ items: [Item], _ range: SourceRange) {
        self.object = object; self.items = items; self.range = range
        let heights = items.map { item -> Int in
            switch item {
            case .value(let e): return e.height
            case let .slice(a, b, c): return max(a?.height ?? 0, b?.height ?? 0, c?.height ?? 0)
            }
        }
        self.height = 1 + max(object.height, heights.max() ?? 0)
    }
    func evaluate(_ i: Interpreter, _ s: Scope?) throws -> Value { try i.evaluateIndex(self, s) }
    func resolve(_ r: Resolver) { r.resolveIndex(self) }
}

final class FunctionExpr: Expr {
    let declaration: FunctionDeclaration
    var range: SourceRange { declaration.range }
    var height: Int { 1 }
    init(_ declaration: FunctionDeclaration) { self.declaration = declaration }
    func evaluate(_ i: Interpreter, _ s: Scope?) throws -> Value {
        .function(Closure(declaration: declaration, scope: s))
    }
    func resolve(_ r: Resolver) { r.resolveFunction(declaration) }
}

// MARK: declarations shared by statements and expressions

/// `fn name(a, b = 2) { ... }` or `fn (x) => x * 2`.
final class FunctionDeclaration {
    struct Parameter { let name: String, defaultValue: Expr?, range: SourceRange }
    enum Body { case block(Block), expression(Expr) }
    let name: String?, parameters: [Parameter], body: Body, range: SourceRange
    /// A string literal opening the body, shown by `help(f)`.
    let docstring: String?
    /// Slots of the call scope: parameters, then the body's own declarations (set by the resolver).
    var scopeSize = 0

    init(name: String?, parameters: [Parameter], body: Body, range: SourceRange) {
        self.name = name; self.parameters = parameters; self.body = body; self.range = range
        if case .block(let block) = body, let first = block.statements.first as? ExpressionStmt,
           let literal = first.expression as? LiteralExpr, case .string(let text) = literal.value {
            docstring = text
        } else {
            docstring = nil
        }
    }

    /// `name(a, b = …)` as shown in help and displays.
    var signature: String {
        let list = parameters.map { $0.defaultValue == nil ? $0.name : "\($0.name) = …" }
        return "\(name ?? "")(\(list.joined(separator: ", ")))"
    }
}

/// The names a `let` or `for` binds: one name, or `(a, b)` to take a list apart.
final class Pattern {
    let names: [(name: String, range: SourceRange)], isTuple: Bool, range: SourceRange
    var slots: [VariableSlot] = []
    init(names: [(name: String, range: SourceRange)], isTuple: Bool, range: SourceRange) {
        self.names = names; self.isTuple = isTuple; self.range = range
    }
}

/// A `{ ... }` body. It gets its own scope only when it declares something.
final class Block {
    let statements: [Stmt], range: SourceRange
    /// Slots of the block's own scope; 0 means the block runs in the enclosing scope.
    var scopeSize = 0
    /// True when no function is created inside a loop body, so one scope can serve all iterations.
    var scopeIsReusable = false
    init(_ statements: [Stmt], _ range: SourceRange) { self.statements = statements; self.range = range }
}
