// The resolver: decides before running where every variable lives (Crafting Interpreters,
// "Resolving and Binding"), so the interpreter finds locals by position, not by name.

/// The global variables: a name table and a value array shared by all runs of an interpreter.
final class GlobalTable {
    private(set) var names: [String] = []
    private var indices: [String: Int] = [:]
    /// nil = declared by name (e.g. referenced by a function) but never defined.
    var values: [Value?] = []

    /// The slot for `name`, created on first use.
    func slot(for name: String) -> Int {
        if let index = indices[name] { return index }
        names.append(name)
        values.append(nil)
        indices[name] = names.count - 1
        return names.count - 1
    }

    func index(of name: String) -> Int? { indices[name] }
}

/// Walks the tree once, assigning each variable use a `VariableSlot` and each block its scope size.
final class Resolver {
    private final class ScopeInfo {
        var names: [String: Int] = [:]
        var size = 0
    }

    private let globals: GlobalTable
    /// Local scopes, innermost last; empty at the top level, where `let` makes globals.
    private var scopes: [ScopeInfo] = []
    private var functionDepth = 0
    private var loopDepth = 0
    /// Counts functions created, to learn whether a loop body creates closures.
    private var functionsCreated = 0
    private(set) var diagnostics: [Diagnostic] = []

    init(globals: GlobalTable) { self.globals = globals }

    func resolve(_ statements: [Stmt]) {
        hoistFunctions(statements)
        statements.forEach { $0.resolve(self) }
    }

    // MARK: names

    @discardableResult
    private func declare(_ name: String) -> VariableSlot {
        guard let scope = scopes.last else { return .global(globals.slot(for: name)) }
        if let index = scope.names[name] { return .local(hops: 0, index: index) }
        scope.names[name] = scope.size
        scope.size += 1
        return .local(hops: 0, index: scope.size - 1)
    }

    private func lookup(_ name: String) -> VariableSlot {
        var hops = 0
        for scope in scopes.reversed() {
            if let index = scope.names[name] { return .local(hops: hops, index: index) }
            hops += 1
        }
        return .global(globals.slot(for: name))
    }

    /// Declares the functions of a block up front, so that local functions may call each other.
    private func hoistFunctions(_ statements: [Stmt]) {
        for case let function as FunctionStmt in statements {
            if let name = function.declaration.name { declare(name) }
        }
    }

    private func error(_ range: SourceRange, _ message: String) {
        diagnostics.append(Diagnostic(kind: .syntax, range: range, message: message))
    }

    // MARK: nodes

    func resolveVariable(_ expression: VariableExpr) {
        expression.slot = lookup(expression.name)
    }

    func resolveLet(_ statement: LetStmt) {
        // The value is resolved first: in `let x = x + 1` the right side is the outer x.
        statement.value.resolve(self)
        statement.pattern.slots = statement.pattern.names.map { declare($0.name) }
    }

    func resolveFunctionStatement(_ statement: FunctionStmt) {
        statement.slot = declare(statement.declaration.name ?? "")
        resolveFunction(statement.declaration)
    }

    func resolveFunction(_ declaration: FunctionDeclaration) {
        functionsCreated += 1
        let savedLoopDepth = loopDepth
        loopDepth = 0
        functionDepth += 1
        let scope = ScopeInfo()
        scopes.append(scope)
        for parameter in declaration.parameters {
            parameter.defaultValue?.resolve(self)
            declare(parameter.name)
        }
        switch declaration.body {
        case .block(let block):
            hoistFunctions(block.statements)
            block.statements.forEach { $0.resolve(self) }
            block.scopeSize = 0
        case .expression(let expression):
            expression.resolve(self)
        }
        declaration.scopeSize = scope.size
        scopes.removeLast()
        functionDepth -= 1
        loopDepth = savedLoopDepth
    }

    /// A block gets a scope of its own only when it declares something directly.
    func resolveBlock(_ block: Block) {
        let declares = block.statements.contains { $0 is LetStmt || $0 is FunctionStmt }
        guard declares else {
            block.statements.forEach { $0.resolve(self) }
            block.scopeSize = 0
            return
        }
        let scope = ScopeInfo()
        scopes.append(scope)
        hoistFunctions(block.statements)
        block.statements.forEach { $0.resolve(self) }
        block.scopeSize = scope.size
        scopes.removeLast()
    }

    func resolveWhile(_ statement: WhileStmt) {
        statement.condition.resolve(self)
        loopDepth += 1
        let before = functionsCreated
        resolveBlock(statement.body)
        statement.body.scopeIsReusable = functionsCreated == before
        loopDepth -= 1
    }

    /// The loop variables and the body's declarations share one scope per iteration.
    func resolveFor(_ statement: ForStmt) {
        statement.iterable.resolve(self)
        loopDepth += 1
        let before = functionsCreated
        let scope = ScopeInfo()
        scopes.append(scope)
        statement.pattern.slots = statement.pattern.names.map { declare($0.name) }
        hoistFunctions(statement.body.statements)
        statement.body.statements.forEach { $0.resolve(self) }
        statement.body.scopeSize = scope.size
        statement.body.scopeIsReusable = functionsCreated == before
        scopes.removeLast()
        loopDepth -= 1
    }

    func resolveReturn(_ statement: ReturnStmt) {
        if functionDepth == 0 { error(statement.range, "'return' outside a function") }
        statement.value?.resolve(self)
    }

    func resolveJump(_ statement: JumpStmt) {
        if loopDepth == 0 {
            error(statement.range, "'\(statement.isBreak ? "break" : "continue")' outside a loop")
        }
    }

    func resolveInterpolation(_ expression: InterpolationExpr) {
        for case .expression(let inner) in expression.parts { inner.resolve(self) }
    }

    func resolveIndex(_ expression: IndexExpr) {
        expression.object.resolve(self)
        for item in expression.items {
            switch item {
            case .value(let value):
                value.resolve(self)
            case let .slice(start, end, step):
                start?.resolve(self)
                end?.resolve(self)
                step?.resolve(self)
            }
        }
    }
}
