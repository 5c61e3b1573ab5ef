// Executing statements: variables, assignment, blocks, if, while, for (docs/language.md, "Statements").

extension Interpreter {
    // MARK: variables

    /// The scope `hops` levels out from `scope`.
    @inline(__always)
    private func scope(_ scope: Scope?, hops: Int) -> Scope? {
        var current = scope
        var remaining = hops
        while remaining > 0 {
            current = current?.parent
            remaining -= 1
        }
        return current
    }

    func read(_ variable: VariableExpr, _ scope: Scope?) throws -> Value {
        switch variable.slot {
        case let .local(hops, index):
            if let target = self.scope(scope, hops: hops) { return target.slots[index] }
        case .global(let index):
            if index >= 0, let value = globals.values[index] { return value }
        }
        throw RuntimeError(.undefinedVariable(variable.name, suggestion: suggestion(for: variable.name, among: globalNames())), at: variable.range)
    }

    /// `name = value`: the variable must exist.
    func assign(_ variable: VariableExpr, _ value: Value, _ scope: Scope?) throws {
        switch variable.slot {
        case let .local(hops, index):
            if let target = self.scope(scope, hops: hops) {
                target.slots[index] = value
                return
            }
        case .global(let index):
            if index >= 0, globals.values[index] != nil {
                globals.values[index] = value
                return
            }
        }
        throw RuntimeError(.undefinedVariable(variable.name), at: variable.range)
    }

    /// `let` and `fn`: creates or replaces the variable.
    func define(_ slot: VariableSlot, _ value: Value, _ scope: Scope?, at range: SourceRange) throws {
        switch slot {
        case let .local(hops, index):
            guard let target = self.scope(scope, hops: hops) else { break }
            target.slots[index] = value
            return
        case .global(let index):
            guard index >= 0 else { break }
            globals.values[index] = value
            return
        }
        throw RuntimeError(.message("internal error: unresolved declaration"), at: range)
    }

    /// Binds a `let`/`for` pattern; `(a, b)` takes a list of exactly that many items apart.
    func bind(_ pattern: Pattern, _ value: Value, _ scope: Scope?) throws {
        guard pattern.isTuple else {
            try define(pattern.slots[0], value, scope, at: pattern.range)
            return
        }
        let items: [Value]
        switch value {
        case .list(let box): items = box.items
        default:
            throw RuntimeError(.message("cannot unpack \(value.typeName) into \(pattern.names.count) names; expected a list"), at: pattern.range)
        }
        guard items.count == pattern.names.count else {
            throw RuntimeError(.message("cannot unpack a list of \(items.count) items into \(pattern.names.count) names"), at: pattern.range)
        }
        for (slot, item) in zip(pattern.slots, items) {
            try define(slot, item, scope, at: pattern.range)
        }
    }

    func executeLet(_ statement: LetStmt, _ scope: Scope?) throws -> Flow {
        try bind(statement.pattern, try statement.value.evaluate(self, scope), scope)
        return .normal
    }

    func executeAssign(_ statement: AssignStmt, _ scope: Scope?) throws -> Flow {
        switch statement.target {
        case .variable(let variable): try assignVariable(statement, variable, scope)
        case .member(let member): try assignMember(statement, member, scope)
        case .index(let index): try assignIndex(statement, index, scope)
        }
        return .normal
    }

    // (Three small functions rather than one: debug builds zero-fill every frame, and the
    // variable case runs in every counting loop.)
    private func assignVariable(_ statement: AssignStmt, _ variable: VariableExpr, _ scope: Scope?) throws {
        let value = try statement.value.evaluate(self, scope)
        guard let op = statement.op else { return try assign(variable, value, scope) }
        try assign(variable, try apply(op, try read(variable, scope), value, at: statement.range), scope)
    }

    private func assignMember(_ statement: AssignStmt, _ member: MemberExpr, _ scope: Scope?) throws {
        let object = try member.object.evaluate(self, scope)
        var value = try statement.value.evaluate(self, scope)
        try located(statement.range) {
            if let op = statement.op {
                value = try binaryOperation(op, try self.member(of: object, member.name), value)
            }
            try setMember(of: object, member.name, to: value)
        }
    }

    private func assignIndex(_ statement: AssignStmt, _ index: IndexExpr, _ scope: Scope?) throws {
        let object = try index.object.evaluate(self, scope)
        guard index.items.count == 1, case .value(let indexExpression) = index.items[0] else {
            throw RuntimeError(.message("assignment takes exactly one index"), at: index.range)
        }
        let key = try indexExpression.evaluate(self, scope)
        var value = try statement.value.evaluate(self, scope)
        try located(statement.range) {
            if let op = statement.op {
                value = try binaryOperation(op, try self.index(object, key), value)
            }
            try setIndex(of: object, key, to: value)
        }
    }

    // MARK: blocks and control flow

    /// Runs statements until one ends with break, continue or return.
    /// (An index loop: a `for in` over the array costs a generic iterator per call in debug builds.)
    func executeStatements(_ statements: [Stmt], _ scope: Scope?) throws -> Flow {
        var index = 0
        while index < statements.count {
            let flow = try statements[index].execute(self, scope)
            guard case .normal = flow else { return flow }
            index += 1
        }
        return .normal
    }

    func executeBlock(_ block: Block, _ scope: Scope?) throws -> Flow {
        let inner = block.scopeSize > 0 ? Scope(size: block.scopeSize, parent: scope) : scope
        return try executeStatements(block.statements, inner)
    }

    func executeIf(_ statement: IfStmt, _ scope: Scope?) throws -> Flow {
        if try statement.condition.evaluate(self, scope).isTruthy {
            return try executeBlock(statement.thenBlock, scope)
        }
        return try statement.elseBranch?.execute(self, scope) ?? .normal
    }

    func executeWhile(_ statement: WhileStmt, _ scope: Scope?) throws -> Flow {
        let body = statement.body
        let shared = body.scopeSize > 0 && body.scopeIsReusable ? Scope(size: body.scopeSize, parent: scope) : nil
        while try statement.condition.evaluate(self, scope).isTruthy {
            if isInterrupted() { throw RuntimeError(.interrupted, at: statement.range) }
            let inner = body.scopeSize == 0 ? scope : shared ?? Scope(size: body.scopeSize, parent: scope)
            switch try executeStatements(body.statements, inner) {
            case .breakLoop: return .normal
            case .returned(let value): return .returned(value)
            case .normal, .continueLoop: continue
            }
        }
        return .normal
    }

    /// `for` over a range, list, map (keys), string (characters) or iterable host object.
    /// Lists and maps are iterated as they were when the loop started.
    func executeFor(_ statement: ForStmt, _ scope: Scope?) throws -> Flow {
        let sequence = try statement.iterable.evaluate(self, scope)
        let body = statement.body
        let shared = body.scopeIsReusable ? Scope(size: body.scopeSize, parent: scope) : nil
        let pattern = statement.pattern

        // One iteration; nil means the loop must stop with the returned flow.
        func iterate(_ item: Value) throws -> Flow? {
            if isInterrupted() { throw RuntimeError(.interrupted, at: statement.range) }
            let inner = shared ?? Scope(size: body.scopeSize, parent: scope)
            if pattern.isTuple {
                try bind(pattern, item, inner)
            } else {
                inner.slots[0] = item
            }
            switch try executeStatements(body.statements, inner) {
            case .breakLoop: return .normal
            case .returned(let value): return .returned(value)
            case .normal, .continueLoop: return nil
            }
        }

        switch sequence {
        case .range(let range):
            var index = 0
            while index < range.count {
                if let flow = try iterate(.number(range.element(at: index))) { return flow }
                index += 1
            }
        case .list(let box):
            let items = box.items
            var index = 0
            while index < items.count {
                if let flow = try iterate(items[index]) { return flow }
                index += 1
            }
        default:
            let items = try located(statement.iterable.range) { try iterationItems(sequence) }
            for item in items {
                if let flow = try iterate(item) { return flow }
            }
        }
        return .normal
    }

    /// The items `for` visits in a value that is not a range or list.
    func iterationItems(_ value: Value) throws -> [Value] {
        switch value {
        case .list(let box): return box.items
        case .range(let range):
            try limits.checkCollection(Double(range.count))
            return (0..<range.count).map { .number(range.element(at: $0)) }
        case .map(let box): return box.keys.map(\.value)
        case .string(let text): return text.map { .string(String($0)) }
        case .object(let object):
            if let items = try object.iterate() { return items }
            throw GemmaLangError.message("cannot iterate over \(object.typeName)")
        case .number:
            throw GemmaLangError.message("cannot iterate over a number; to count, write 0..<n")
        default:
            throw GemmaLangError.message("cannot iterate over \(value.typeName)")
        }
    }
}
