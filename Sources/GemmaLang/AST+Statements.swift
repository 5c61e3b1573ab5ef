// Statement nodes of the syntax tree (docs/language.md, "Statements").

final class ExpressionStmt: Stmt {
    let expression: Expr
    var range: SourceRange { expression.range }
    init(_ expression: Expr) { self.expression = expression }
    func execute(_ i: Interpreter, _ s: Scope?) throws -> Flow {
        _ = try expression.evaluate(i, s)
        return .normal
    }
    func resolve(_ r: Resolver) { expression.resolve(r) }
}

/// `let x = value` or `let (a, b) = pair`.
final class LetStmt: Stmt {
    let pattern: Pattern, value: Expr, range: SourceRange
    init(_ pattern: Pattern, _ value: Expr, _ range: SourceRange) {
        self.pattern = pattern; self.value = value; self.range = range
    }
    func execute(_ i: Interpreter, _ s: Scope?) throws -> Flow { try i.executeLet(self, s) }
    func resolve(_ r: Resolver) { r.resolveLet(self) }
}

/// `target = value` or `target += value` where target is a variable, `a[i]` or `m.key`.
final class AssignStmt: Stmt {
    enum Target {
        case variable(VariableExpr), member(MemberExpr), index(IndexExpr)
    }
    let target: Target, op: BinaryOperator?, value: Expr, range: SourceRange
    init(_ target: Target, _ op: BinaryOperator?, _ value: Expr, _ range: SourceRange) {
        self.target = target; self.op = op; self.value = value; self.range = range
    }
    func execute(_ i: Interpreter, _ s: Scope?) throws -> Flow { try i.executeAssign(self, s) }
    func resolve(_ r: Resolver) {
        switch target {
        case .variable(let e): e.resolve(r)
        case .member(let e): e.resolve(r)
        case .index(let e): e.resolve(r)
        }
        value.resolve(r)
    }
}

/// `fn name(...) { ... }` as a statement: declares `name` in the current scope.
final class FunctionStmt: Stmt {
    let declaration: FunctionDeclaration, nameRange: SourceRange
    var slot = VariableSlot.global(-1)
    var range: SourceRange { declaration.range }
    init(_ declaration: FunctionDeclaration, nameRange: SourceRange) {
        self.declaration = declaration; self.nameRange = nameRange
    }
    func execute(_ i: Interpreter, _ s: Scope?) throws -> Flow {
        try i.define(slot, .function(Closure(declaration: declaration, scope: s)), s, at: nameRange)
        return .normal
    }
    func resolve(_ r: Resolver) { r.resolveFunctionStatement(self) }
}

final class IfStmt: Stmt {
    let condition: Expr, thenBlock: Block, elseBranch: Stmt?, range: SourceRange
    init(_ condition: Expr, _ thenBlock: Block, _ elseBranch: Stmt?, _ range: SourceRange) {
        self.condition = condition; self.thenBlock = thenBlock; self.elseBranch = elseBranch
        self.range = range
    }
    func execute(_ i: Interpreter, _ s: Scope?) throws -> Flow { try i.executeIf(self, s) }
    func resolve(_ r: Resolver) {
        condition.resolve(r)
        r.resolveBlock(thenBlock)
        elseBranch?.resolve(r)
    }
}

final class WhileStmt: Stmt {
    let condition: Expr, body: Block, range: SourceRange
    init(_ condition: Expr, _ body: Block, _ range: SourceRange) {
        self.condition = condition; self.body = body; self.range = range
    }
    func execute(_ i: Interpreter, _ s: Scope?) throws -> Flow { try i.executeWhile(self, s) }
    func resolve(_ r: Resolver) { r.resolveWhile(self) }
}

/// `for x in iterable { }` or `for (i, x) in enumerate(xs) { }`.
final class ForStmt: Stmt {
    let pattern: Pattern, iterable: Expr, body: Block, range: SourceRange
    init(_ pattern: Pattern, _ iterable: Expr, _ body: Block, _ range: SourceRange) {
        self.pattern = pattern; self.iterable = iterable; self.body = body; self.range = range
    }
    func execute(_ i: Interpreter, _ s: Scope?) throws -> Flow { try i.executeFor(self, s) }
    func resolve(_ r: Resolver) { r.resolveFor(self) }
}

final class ReturnStmt: Stmt {
    let value: Expr?, range: SourceRange
    init(_ value: Expr?, _ range: SourceRange) { self.value = value; self.range = range }
    func execute(_ i: Interpreter, _ s: Scope?) throws -> Flow {
        .returned(try value?.evaluate(i, s) ?? .null)
    }
    func resolve(_ r: Resolver) { r.resolveReturn(self) }
}

/// `break` (isBreak) or `continue`.
final class JumpStmt: Stmt {
    let isBreak: Bool, range: SourceRange
    init(isBreak: Bool, _ range: SourceRange) { self.isBreak = isBreak; self.range = range }
    func execute(_ i: Interpreter, _ s: Scope?) throws -> Flow { isBreak ? .breakLoop : .continueLoop }
    func resolve(_ r: Resolver) { r.resolveJump(self) }
}

/// A `{ ... }` standing alone as a statement.
final class BlockStmt: Stmt {
    let block: Block
    var range: SourceRange { block.range }
    init(_ block: Block) { self.block = block }
    func execute(_ i: Interpreter, _ s: Scope?) throws -> Flow { try i.executeBlock(block, s) }
    func resolve(_ r: Resolver) { r.resolveBlock(block) }
}
