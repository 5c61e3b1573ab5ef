// The expression rules of the parser, from lowest to highest precedence (docs/language.md, "Grammar").

extension Parser {
    /// expression = or ;
    func expression() throws -> Expr {
        try enter()
        defer { leave() }
        return try or()
    }

    /// or = and { ( "or" | "||" ) and } ;
    private func or() throws -> Expr {
        var expression = try and()
        while match(.keywordOr, .pipePipe) {
            expression = try checked(LogicalExpr(isAnd: false, expression, try and()))
        }
        return expression
    }

    /// and = equality { ( "and" | "&&" ) equality } ;
    private func and() throws -> Expr {
        var expression = try equality()
        while match(.keywordAnd, .ampersandAmpersand) {
            expression = try checked(LogicalExpr(isAnd: true, expression, try equality()))
        }
        return expression
    }

    /// equality = comparison { ( "==" | "!=" ) comparison } ;
    private func equality() throws -> Expr {
        var expression = try comparison()
        while match(.equalEqual, .bangEqual) {
            let op: BinaryOperator = previous.kind == .equalEqual ? .equal : .notEqual
            expression = try checked(BinaryExpr(op, expression, try comparison()))
        }
        return expression
    }

    /// comparison = range { ( "<" | "<=" | ">" | ">=" ) range } ;
    private func comparison() throws -> Expr {
        var expression = try range()
        while match(.less, .lessEqual, .greater, .greaterEqual) {
            let op: BinaryOperator = switch previous.kind {
            case .less: .less
            case .lessEqual: .lessEqual
            case .greater: .greater
            default: .greaterEqual
            }
            expression = try checked(BinaryExpr(op, expression, try range()))
        }
        return expression
    }

    /// range = term [ ( "..<" | "..." ) term ] ;
    private func range() throws -> Expr {
        let start = try term()
        guard match(.halfOpenRange, .closedRange) else { return start }
        let op: BinaryOperator = previous.kind == .halfOpenRange ? .halfOpenRange : .closedRange
        return try checked(BinaryExpr(op, start, try term()))
    }

    /// term = factor { ( "+" | "-" ) factor } ;
    private func term() throws -> Expr {
        var expression = try factor()
        while match(.plus, .minus) {
            let op: BinaryOperator = previous.kind == .plus ? .add : .subtract
            expression = try checked(BinaryExpr(op, expression, try factor()))
        }
        return expression
    }

    /// factor = unary { ( "*" | "/" | "%" ) unary } ;
    private func factor() throws -> Expr {
        var expression = try unary()
        while match(.star, .slash, .percent) {
            let op: BinaryOperator = switch previous.kind {
            case .star: .multiply
            case .slash: .divide
            default: .remainder
            }
            expression = try checked(BinaryExpr(op, expression, try unary()))
        }
        return expression
    }

    /// unary = ( "-" | "not" | "!" ) unary | power ;
    private func unary() throws -> Expr {
        guard match(.minus, .keywordNot, .bang) else { return try power() }
        let operatorToken = previous
        try enter()
        defer { leave() }
        let operand = try unary()
        let range = operatorToken.range.through(operand.range)
        if operatorToken.kind == .minus {
            // Fold `-3` into a literal so that constants cost nothing at run time.
            if let literal = operand as? LiteralExpr, case .number(let value) = literal.value {
                return LiteralExpr(.number(-value), range)
            }
            return try checked(UnaryExpr(.negate, operand, range))
        }
        return try checked(UnaryExpr(.not, operand, range))
    }

    /// power = postfix [ "**" unary ] ;   (right-associative; -2 ** 2 == -4)
    private func power() throws -> Expr {
        let base = try postfix()
        guard match(.starStar) else { return base }
        try enter()
        defer { leave() }
        return try checked(BinaryExpr(.power, base, try unary()))
    }

    /// postfix = primary { "(" arguments ")" | "." IDENTIFIER | "[" subscripts "]" } ;
    private func postfix() throws -> Expr {
        var expression = try primary()
        while true {
            if match(.leftParen) {
                expression = try callArguments(expression)
            } else if match(.dot) {
                let name = try consume(.identifier, "expected a member name after '.'")
                expression = MemberExpr(expression, name.lexeme, expression.range.through(name.range))
            } else if match(.leftBracket) {
                expression = try subscripts(expression)
            } else {
                return expression
            }
            expression = try checked(expression)
        }
    }

    /// arguments = [ argument { "," argument } [ "," ] ] ;   argument = [ IDENTIFIER ":" ] expression ;
    private func callArguments(_ callee: Expr) throws -> Expr {
        pushNewlineMode(ignoring: true)
        defer { popNewlineMode() }
        var arguments: [CallExpr.Argument] = []
        while !check(.rightParen) {
            var name: String?
            if check(.identifier) && peekSecond() == .colon {
                let nameToken = advance()
                advance()
                if arguments.contains(where: { $0.name == nameToken.lexeme }) {
                    throw error(at: nameToken, "argument '\(nameToken.lexeme)' is given twice")
                }
                name = nameToken.lexeme
            } else if arguments.last?.name != nil {
                throw error(at: peek(), "positional arguments must come before named ones")
            }
            arguments.append(CallExpr.Argument(name: name, value: try expression()))
            if !match(.comma) { break }
        }
        let close = try consume(.rightParen, "expected ',' or ')' in the argument list")
        return CallExpr(callee, arguments, callee.range.through(close.range))
    }

    /// subscripts = subscript { "," subscript } ;
    /// subscript = expression | [ expression ] ":" [ expression ] [ ":" [ expression ] ] ;
    private func subscripts(_ object: Expr) throws -> Expr {
        pushNewlineMode(ignoring: true)
        defer { popNewlineMode() }
        var items: [IndexExpr.Item] = []
        repeat {
            var start: Expr?
            if !check(.colon) {
                start = try expression()
                if !check(.colon) {
                    items.append(.value(start!))
                    continue
                }
            }
            advance()
            func endsHere() -> Bool { check(.colon) || check(.rightBracket) || check(.comma) }
            let end = endsHere() ? nil : try expression()
            var step: Expr?
            if match(.colon) && !endsHere() { step = try expression() }
            items.append(.slice(start, end, step))
        } while match(.comma)
        let close = try consume(.rightBracket, "expected ']' after the index")
        return IndexExpr(object, items, object.range.through(close.range))
    }

    /// primary = NUMBER | STRING | interpolation | "true" | "false" | "nil" | IDENTIFIER
    ///         | "(" expression ")" | list | map | lambda ;
    private func primary() throws -> Expr {
        let token = peek()
        switch token.kind {
        case .number:
            advance()
            if case .number(let value) = token.payload { return LiteralExpr(.number(value), token.range) }
            return LiteralExpr(.number(0), token.range)
        case .string:
            advance()
            if case .string(let text) = token.payload { return LiteralExpr(.string(text), token.range) }
            return LiteralExpr(.string(""), token.range)
        case .interpolation:
            advance()
            return try interpolation(token)
        case .keywordTrue, .keywordFalse:
            advance()
            return LiteralExpr(.bool(token.kind == .keywordTrue), token.range)
        case .keywordNil:
            advance()
            return LiteralExpr(.null, token.range)
        case .identifier:
            advance()
            return VariableExpr(token.lexeme, token.range)
        case .leftParen:
            advance()
            pushNewlineMode(ignoring: true)
            defer { popNewlineMode() }
            let inner = try expression()
            try consume(.rightParen, "expected ')' to close the '(' at \(token.range.line):\(token.range.column)")
            return inner
        case .leftBracket:
            return try list()
        case .leftBrace:
            return try map()
        case .keywordFn:
            advance()
            if check(.identifier) {
                throw error(at: peek(), "a function used as a value has no name: write 'fn (x) => ...', or declare 'fn \(peek().lexeme)(...)' on its own line")
            }
            return FunctionExpr(try functionRest(name: nil, start: token))
        default:
            throw error(at: token, "expected an expression, got \(token.described)")
        }
    }

    /// list = "[" [ expression { "," expression } [ "," ] ] "]" ;
    private func list() throws -> Expr {
        let open = advance()
        pushNewlineMode(ignoring: true)
        defer { popNewlineMode() }
        var elements: [Expr] = []
        while !check(.rightBracket) {
            elements.append(try expression())
            if !match(.comma) { break }
        }
        let close = try consume(.rightBracket, "expected ',' or ']' in the list")
        return ListExpr(elements, open.range.through(close.range))
    }

    /// map = "{" [ entry { "," entry } [ "," ] ] "}" ;   entry = ( IDENTIFIER | expression ) ":" expression ;
    private func map() throws -> Expr {
        let open = advance()
        pushNewlineMode(ignoring: true)
        defer { popNewlineMode() }
        var entries: [(key: Expr, value: Expr)] = []
        while !check(.rightBrace) {
            let key: Expr
            if check(.identifier) && peekSecond() == .colon {
                let name = advance()
                key = LiteralExpr(.string(name.lexeme), name.range)
            } else {
                key = try expression()
            }
            try consume(.colon, "expected ':' after the map key")
            entries.append((key, try expression()))
            if !match(.comma) { break }
        }
        let close = try consume(.rightBrace, "expected ',' or '}' in the map")
        return MapExpr(entries, open.range.through(close.range))
    }

    /// parameters = "(" [ parameter { "," parameter } [ "," ] ] ")" ;  parameter = IDENTIFIER [ "=" expression ] ;
    /// functionBody = block | "=>" expression ;
    func functionRest(name: String?, start: Token) throws -> FunctionDeclaration {
        try consume(.leftParen, "expected '(' to start the parameter list")
        var parameters: [FunctionDeclaration.Parameter] = []
        do {
            pushNewlineMode(ignoring: true)
            defer { popNewlineMode() }
            while !check(.rightParen) {
                let parameter = try consume(.identifier, "expected a parameter name")
                if parameters.contains(where: { $0.name == parameter.lexeme }) {
                    throw error(at: parameter, "duplicate parameter '\(parameter.lexeme)'")
                }
                var defaultValue: Expr?
                if match(.equal) {
                    defaultValue = try expression()
                } else if parameters.last?.defaultValue != nil {
                    throw error(at: parameter, "parameter '\(parameter.lexeme)' needs a default value because the one before it has one")
                }
                parameters.append(.init(name: parameter.lexeme, defaultValue: defaultValue, range: parameter.range))
                if !match(.comma) { break }
            }
            try consume(.rightParen, "expected ',' or ')' in the parameter list")
        }
        if match(.fatArrow) {
            let value = try expression()
            return FunctionDeclaration(name: name, parameters: parameters, body: .expression(value),
                                       range: start.range.through(value.range))
        }
        guard check(.leftBrace) else {
            throw error(at: peek(), "expected '{' or '=>' to start the function body, got \(peek().described)")
        }
        let body = try block(after: "the parameter list")
        return FunctionDeclaration(name: name, parameters: parameters, body: .block(body),
                                   range: start.range.through(body.range))
    }

    /// interpolation = STRING-PART { "\(" expression ")" STRING-PART } ;
    private func interpolation(_ token: Token) throws -> Expr {
        guard case .parts(let parts) = token.payload else { return LiteralExpr(.string(""), token.range) }
        var result: [InterpolationExpr.Part] = []
        for part in parts {
            switch part {
            case .text(let text):
                if !text.isEmpty { result.append(.text(text)) }
            case .code(let tokens):
                let parser = Parser(tokens: tokens, limits: limits, ignoringNewlines: true, depth: depth)
                let inner: Expr
                do {
                    inner = try parser.expression()
                    if !parser.check(.endOfInput) {
                        throw parser.error(at: parser.peek(), "expected ')' to end the interpolation, got \(parser.peek().described)")
                    }
                } catch {
                    diagnostics += parser.diagnostics
                    throw error
                }
                result.append(.expression(inner))
            }
        }
        return try checked(InterpolationExpr(result, token.range))
    }
}
