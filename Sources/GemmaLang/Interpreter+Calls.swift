// Calling functions: GNB closures (with defaults, named arguments, depth limits, tracebacks),
// Swift natives, and methods of built-in types (docs/language.md, "Functions").

extension Interpreter {
    func evaluateCall(_ expression: CallExpr, _ scope: Scope?) throws -> Value {
        if let method = expression.method {
            let receiver = try method.object.evaluate(self, scope)
            let arguments = try evaluateArguments(expression, scope)
            return try callMethod(receiver, method.name, arguments, site: expression.range)
        }
        let callee = try expression.callee.evaluate(self, scope)
        let arguments = try evaluateArguments(expression, scope)
        switch callee {
        case .function, .native:
            return try call(callee, arguments, site: expression.range)
        default:
            let what = (expression.callee as? VariableExpr).map { "'\($0.name)'" } ?? "this value"
            throw RuntimeError(.message("cannot call \(what): it is \(callee.kindDescription), not a function"), at: expression.range)
        }
    }

    private func evaluateArguments(_ expression: CallExpr, _ scope: Scope?) throws -> Arguments {
        var arguments = Arguments()
        for argument in expression.arguments {
            let value = try argument.value.evaluate(self, scope)
            if let name = argument.name {
                arguments.named[name] = value
            } else {
                arguments.positional.append(value)
            }
        }
        return arguments
    }

    /// Calls a GNB function or a native with the given arguments. Natives use this to call
    /// back into scripts (`xs.map(fn)`); errors carry the script location and traceback.
    public func call(_ callee: Value, _ arguments: Arguments) throws -> Value {
        guard let site = currentSite else {
            if isRunning { return try call(callee, arguments, site: nil) }
            // Called from outside a run: hop onto the worker thread like `run` does.
            let result: Result<Value, Error> = onWorkerThread {
                Result { try self.call(callee, arguments, site: nil) }
            }
            return try result.get()
        }
        return try call(callee, arguments, site: site)
    }

    func call(_ callee: Value, _ arguments: Arguments, site: SourceRange?) throws -> Value {
        switch callee {
        case .function(let closure):
            return try callClosure(closure, arguments, site: site)
        case .native(let native):
            var arguments = arguments
            arguments.function = native.name
            return try callNative(site) {
                try native.parsed.validate(arguments)
                return try native.body(arguments, self)
            }
        default:
            let error = GemmaLangError.message("cannot call \(callee.kindDescription), it is not a function")
            if let site { throw RuntimeError(error, at: site) }
            throw error
        }
    }

    /// Runs a native body with `site` as the location of its errors and of its callbacks.
    private func callNative(_ site: SourceRange?, _ body: () throws -> Value) throws -> Value {
        if isInterrupted() { throw site.map { RuntimeError(.interrupted, at: $0) } ?? GemmaLangError.interrupted }
        let saved = currentSite
        currentSite = site
        defer { currentSite = saved }
        guard let site else { return try body() }
        return try located(site, body)
    }

    /// `receiver.name(arguments)`: a built-in method, a function stored in a map, or a host
    /// object's member.
    func callMethod(_ receiver: Value, _ name: String, _ arguments: Arguments, site: SourceRange) throws -> Value {
        if let method = Methods.table(for: receiver)?[name] {
            var arguments = arguments
            arguments.function = name
            return try callNative(site) {
                try method.signature.validate(arguments)
                return try method.body(receiver, arguments, self)
            }
        }
        let callee = try located(site) { try member(of: receiver, name) }
        switch callee {
        case .function, .native:
            return try call(callee, arguments, site: site)
        default:
            throw RuntimeError(.message("cannot call '\(name)': it is \(callee.kindDescription), not a function"), at: site)
        }
    }

    /// Calls a GNB function: binds arguments to parameters (positional, then named, then
    /// defaults evaluated in the new scope), runs the body, and adds a traceback line on errors.
    func callClosure(_ closure: Closure, _ arguments: Arguments, site: SourceRange?) throws -> Value {
        let declaration = closure.declaration
        let failureSite = site ?? declaration.range
        callDepth += 1
        defer { callDepth -= 1 }
        if callDepth > limits.maxCallDepth
            || (stackBase != 0 && stackBase - currentStackAddress() > limits.stackSize - limits.stackReserve) {
            throw RuntimeError(.recursionLimit(limits.maxCallDepth), at: failureSite)
        }
        if isInterrupted() { throw RuntimeError(.interrupted, at: failureSite) }

        let scope = Scope(size: declaration.scopeSize, parent: closure.scope)
        try bindArguments(closure, arguments, scope, at: failureSite)
        do {
            switch declaration.body {
            case .expression(let expression):
                return try expression.evaluate(self, scope)
            case .block(let block):
                if case .returned(let value) = try executeStatements(block.statements, scope) { return value }
                return .null
            }
        } catch var error as RuntimeError {
            error.traceback.append("in fn \(closure.name) at \(error.site.position)")
            error.site = failureSite
            throw error
        }
    }

    private func bindArguments(_ closure: Closure, _ arguments: Arguments, _ scope: Scope,
                               at site: SourceRange) throws {
        let parameters = closure.declaration.parameters
        let name = closure.name
        let positional = arguments.positional
        if positional.count > parameters.count {
            throw RuntimeError(.tooManyArguments(function: name, accepted: parameters.count, given: positional.count), at: site)
        }
        for index in positional.indices { scope.slots[index] = positional[index] }
        var given = positional.count
        var isSet: [Bool] = []
        if !arguments.named.isEmpty {
            isSet = Array(repeating: false, count: parameters.count)
            for (key, value) in arguments.named.sorted(by: { $0.key < $1.key }) {
                guard let index = parameters.firstIndex(where: { $0.name == key }) else {
                    throw RuntimeError(.unknownArgument(function: name, argument: key, accepted: parameters.map(\.name)), at: site)
                }
                if index < positional.count {
                    throw RuntimeError(.duplicateArgument(function: name, argument: key), at: site)
                }
                scope.slots[index] = value
                isSet[index] = true
                given += 1
            }
        }
        guard given < parameters.count else { return }
        for index in positional.count..<parameters.count where isSet.isEmpty || !isSet[index] {
            guard let defaultValue = parameters[index].defaultValue else {
                throw RuntimeError(.missingArgument(function: name, argument: parameters[index].name), at: site)
            }
            scope.slots[index] = try defaultValue.evaluate(self, scope)
        }
    }
}
