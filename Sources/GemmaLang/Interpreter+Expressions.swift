// Evaluating expressions: literals, operators, members, indexing and slicing
// (docs/language.md, "Expressions"). Calls are in Interpreter+Calls.

extension Interpreter {
    func evaluateInterpolation(_ expression: InterpolationExpr, _ scope: Scope?) throws -> Value {
        var text = ""
        for part in expression.parts {
            switch part {
            case .text(let literal):
                text += literal
            case .expression(let inner):
                text += try inner.evaluate(self, scope).description
                try located(expression.range) { try limits.checkString(Double(text.utf8.count)) }
            }
        }
        return .string(text)
    }

    func evaluateList(_ expression: ListExpr, _ scope: Scope?) throws -> Value {
        var items: [Value] = []
        items.reserveCapacity(expression.elements.count)
        for element in expression.elements { items.append(try element.evaluate(self, scope)) }
        return .list(ListBox(items))
    }

    func evaluateMap(_ expression: MapExpr, _ scope: Scope?) throws -> Value {
        let box = MapBox()
        for entry in expression.entries {
            let key = try entry.key.evaluate(self, scope)
            guard let mapKey = MapKey(key) else {
                throw RuntimeError(.message(badKeyMessage(key)), at: entry.key.range)
            }
            box[mapKey] = try entry.value.evaluate(self, scope)
        }
        return .map(box)
    }

    func badKeyMessage(_ key: Value) -> String {
        "map keys must be strings, numbers, booleans or nil, got \(key.typeName)"
    }

    func evaluateUnary(_ expression: UnaryExpr, _ scope: Scope?) throws -> Value {
        let operand = try expression.operand.evaluate(self, scope)
        switch expression.op {
        case .not:
            return .bool(!operand.isTruthy)
        case .negate:
            if case .number(let number) = operand { return .number(-number) }
            if case .object(let object) = operand,
               let result = try located(expression.range, { try object.unary(.negate) }) {
                return result
            }
            throw RuntimeError(.message("cannot negate \(operand.typeName)"), at: expression.range)
        }
    }

    func evaluateBinary(_ expression: BinaryExpr, _ scope: Scope?) throws -> Value {
        let left = try expression.left.evaluate(self, scope)
        let right = try expression.right.evaluate(self, scope)
        return try apply(expression.op, left, right, at: expression.range)
    }

    /// A binary operator with a fast path for the number arithmetic that loops do most.
    @inline(__always)
    func apply(_ op: BinaryOperator, _ left: Value, _ right: Value, at range: SourceRange) throws -> Value {
        if case .number(let a) = left, case .number(let b) = right {
            switch op {
            case .add: return .number(a + b)
            case .subtract: return .number(a - b)
            case .multiply: return .number(a * b)
            case .less: return .bool(a < b)
            case .lessEqual: return .bool(a <= b)
            case .greater: return .bool(a > b)
            case .greaterEqual: return .bool(a >= b)
            case .equal: return .bool(a == b)
            case .notEqual: return .bool(a != b)
            default: break
            }
        }
        return try located(range) { try binaryOperation(op, left, right) }
    }

    func evaluateLogical(_ expression: LogicalExpr, _ scope: Scope?) throws -> Value {
        let left = try expression.left.evaluate(self, scope)
        if expression.isAnd {
            return left.isTruthy ? try expression.right.evaluate(self, scope) : left
        }
        return left.isTruthy ? left : try expression.right.evaluate(self, scope)
    }

    // MARK: members

    func evaluateMember(_ expression: MemberExpr, _ scope: Scope?) throws -> Value {
        let object = try expression.object.evaluate(self, scope)
        return try located(expression.range) { try member(of: object, expression.name) }
    }

    /// `object.name`: a map entry, a host object's member, or a bound method.
    func member(of object: Value, _ name: String) throws -> Value {
        if case .map(let box) = object, let value = box[name] { return value }
        if case .object(let host) = object {
            if let value = try host.member(name, interpreter: self) { return value }
            throw GemmaLangError.message("\(host.typeName) has no member '\(name)'"
                + suggestion(for: name, among: host.memberNames))
        }
        if let method = Methods.table(for: object)?[name] {
            return .native(method.bound(to: object))
        }
        if case .map = object {
            throw GemmaLangError.message("the map has no key \(quoted(name))"
                + "; use m.get(\(quoted(name)), default) to allow a missing key")
        }
        throw GemmaLangError.message("\(object.typeName) has no member '\(name)'"
            + suggestion(for: name, among: Methods.table(for: object).map { Array($0.keys) } ?? []))
    }

    /// `object.name = value` for maps and host objects.
    func setMember(of object: Value, _ name: String, to value: Value) throws {
        switch object {
        case .map(let box):
            if box[name] == nil { try limits.checkCollection(Double(box.count + 1), what: "map") }
            box[.string(name)] = value
        case .object(let host):
            try host.setMember(name, to: value, interpreter: self)
        default:
            throw GemmaLangError.message("cannot set member '\(name)' on \(object.typeName); only maps have assignable members")
        }
    }

    // MARK: indexing and slicing

    func evaluateIndex(_ expression: IndexExpr, _ scope: Scope?) throws -> Value {
        let object = try expression.object.evaluate(self, scope)
        if expression.items.count == 1, case .value(let indexExpression) = expression.items[0] {
            let key = try indexExpression.evaluate(self, scope)
            return try located(expression.range) { try index(object, key) }
        }
        var items: [IndexItem] = []
        for item in expression.items {
            switch item {
            case .value(let value):
                items.append(.value(try value.evaluate(self, scope)))
            case let .slice(start, end, step):
                let bounds = try [start, end, step].map { try $0?.evaluate(self, scope) }
                try located(expression.range) {
                    items.append(.slice(start: try sliceBound(bounds[0]), end: try sliceBound(bounds[1]),
                                        step: try sliceBound(bounds[2])))
                }
            }
        }
        return try located(expression.range) {
            if case .object(let host) = object { return try host.index(items: items, interpreter: self) }
            guard items.count == 1, case let .slice(start, end, step) = items[0] else {
                throw GemmaLangError.message("\(object.typeName) takes a single index or slice")
            }
            return try slice(object, start: start, end: end, step: step)
        }
    }

    /// `object[key]` for lists, strings, ranges (by position) and maps (by key).
    func index(_ object: Value, _ key: Value) throws -> Value {
        switch object {
        case .list(let box):
            return box.items[try resolveIndex(key, count: box.items.count, of: "list")]
        case .string(let text):
            let characters = Array(text)
            return .string(String(characters[try resolveIndex(key, count: characters.count, of: "string")]))
        case .range(let range):
            return .number(range.element(at: try resolveIndex(key, count: range.count, of: "range")))
        case .map(let box):
            guard let mapKey = MapKey(key) else { throw GemmaLangError.message(badKeyMessage(key)) }
            if let value = box[mapKey] { return value }
            throw GemmaLangError.message("the map has no key \(key.repr); use m.get(\(key.repr), default) to allow a missing key")
        case .object(let host):
            return try host.index(key, interpreter: self)
        default:
            throw GemmaLangError.message("\(object.typeName) cannot be indexed")
        }
    }

    /// `object[key] = value` for lists, maps and host objects.
    func setIndex(of object: Value, _ key: Value, to value: Value) throws {
        switch object {
        case .list(let box):
            box.items[try resolveIndex(key, count: box.items.count, of: "list")] = value
        case .map(let box):
            guard let mapKey = MapKey(key) else { throw GemmaLangError.message(badKeyMessage(key)) }
            if box[mapKey] == nil { try limits.checkCollection(Double(box.count + 1), what: "map") }
            box[mapKey] = value
        case .object(let host):
            try host.setIndex(key, to: value, interpreter: self)
        case .string:
            throw GemmaLangError.message("strings cannot be changed in place; build a new string instead")
        default:
            throw GemmaLangError.message("\(object.typeName) does not support item assignment")
        }
    }

    /// `object[start:end:step]` with Python semantics for lists, strings and ranges.
    func slice(_ object: Value, start: Int?, end: Int?, step: Int?) throws -> Value {
        switch object {
        case .list(let box):
            let positions = try sliceIndices(count: box.items.count, start: start, end: end, step: step)
            return .list(ListBox(positions.indices.map { box.items[$0] }))
        case .string(let text):
            let characters = Array(text)
            let positions = try sliceIndices(count: characters.count, start: start, end: end, step: step)
            return .string(String(positions.indices.map { characters[$0] }))
        case .range(let range):
            let positions = try sliceIndices(count: range.count, start: start, end: end, step: step)
            try limits.checkCollection(Double(positions.count))
            return .list(ListBox(positions.indices.map { .number(range.element(at: $0)) }))
        default:
            throw GemmaLangError.message("\(object.typeName) cannot be sliced")
        }
    }
}

/// " (did you mean 'x'?)" when a candidate is one or two edits away from `name`.
func suggestion(for name: String, among candidates: [String]) -> String {
    guard name.count >= 3 else { return "" }
    let limit = name.count >= 6 ? 2 : 1
    let best = candidates.map { ($0, editDistance(name, $0)) }.filter { $0.1 <= limit }
        .min { ($0.1, $0.0) < ($1.1, $1.0) }
    return best.map { " (did you mean '\($0.0)'?)" } ?? ""
}

/// Levenshtein distance between two short names.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
