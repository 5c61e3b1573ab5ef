// The parser: tokens to a syntax tree by recursive descent, one method per grammar rule,
// recovering at statement boundaries so that one run reports every syntax error
// (docs/language.md, "Grammar"; the statement rules are here, expressions in Parser+Expressions).

/// Builds statements from tokens. Syntax errors are collected in `diagnostics`.
final class Parser {
    /// Thrown to unwind to the enclosing statement after an error has been reported.
    struct ParseError: Error {}

    let tokens: [Token]
    var current = 0
    let limits: Limits
    /// Current recursion depth (statements, blocks, expressions), bounded by `limits.maxNesting`.
    var depth: Int
    /// Inside `( [ {` of an expression line breaks are ignored; inside a block they end statements.
    private var ignoresNewlines: [Bool]
    var diagnostics: [Diagnostic] = []

    init(tokens: [Token], limits: Limits, ignoringNewlines: Bool = false, depth: Int = 0) {
        self.tokens = tokens
        self.limits = limits
        self.ignoresNewlines = [ignoringNewlines]
        self.depth = depth
    }

    // MARK: token helpers

    func peek() -> Token {
        if ignoresNewlines[ignoresNewlines.count - 1] {
            while tokens[current].kind == .newline { current += 1 }
        }
        return tokens[current]
    }

    func check(_ kind: TokenKind) -> Bool { peek().kind == kind }

    /// The raw token after the next one (used to spot `name:` in arguments and maps).
    func peekSecond() -> TokenKind {
        _ = peek()
        return current + 1 < tokens.count ? tokens[current + 1].kind : .endOfInput
    }

    @discardableResult
    func advance() -> Token {
        let token = peek()
        if token.kind != .endOfInput { current += 1 }
        return token
    }

    func match(_ kinds: TokenKind...) -> Bool {
        guard kinds.contains(peek().kind) else { return false }
        advance()
        return true
    }

    var previous: Token { tokens[current - 1] }

    @discardableResult
    func consume(_ kind: TokenKind, _ message: String) throws -> Token {
        if check(kind) { return advance() }
        throw error(at: peek(), "\(message), got \(peek().described)")
    }

    func pushNewlineMode(ignoring: Bool) { ignoresNewlines.append(ignoring) }
    func popNewlineMode() { ignoresNewlines.removeLast() }

    /// Counts one level of recursion; refuses to go past `limits.maxNesting`.
    func enter() throws {
        depth += 1
        if depth > limits.maxNesting {
            depth -= 1
            throw error(at: peek(), "code is nested too deeply (limit \(limits.maxNesting))")
        }
    }

    func leave() { depth -= 1 }

    /// Refuses expression trees taller than the nesting limit (long operator chains).
    func checked(_ expression: Expr) throws -> Expr {
        if expression.height > limits.maxNesting {
            throw error(at: expression.range,
                        "expression is nested too deeply (limit \(limits.maxNesting))")
        }
        return expression
    }

    func error(at token: Token, _ message: String) -> ParseError {
        // The scanner has already reported invalid characters; don't pile on.
        if token.kind != .invalid { return error(at: token.range, message) }
        return ParseError()
    }

    func error(at range: SourceRange, _ message: String) -> ParseError {
        // One report per position: unwinding nested blocks at the end of input would otherwise
        // repeat "expected '}'" once per level.
        if !diagnostics.contains(where: { $0.line == range.line && $0.column == range.column }) {
            diagnostics.append(Diagnostic(kind: .syntax, range: range, message: message))
        }
        return ParseError()
    }

    // MARK: program and statements

    /// program = { statement terminator } EOF ;
    func parseProgram() -> [Stmt] {
        var statements: [Stmt] = []
        while true {
            skipTerminators()
            if check(.endOfInput) { return statements }
            if check(.rightBrace) {
                _ = error(at: advance(), "unexpected '}' with no block to close")
                continue
            }
            if let statement = statementRecovering() { statements.append(statement) }
        }
    }

    private func skipTerminators() {
        while match(.newline, .semicolon) {}
    }

    /// One statement and its terminator; after an error, skips to the next statement.
    private func statementRecovering() -> Stmt? {
        let start = current
        let savedModes = ignoresNewlines.count
        do {
            let statement = try statement()
            // terminator = NEWLINE | ";" | (before "}" or EOF)
            if !match(.newline, .semicolon) && !check(.rightBrace) && !check(.endOfInput) {
                throw error(at: peek(), "expected a new line or ';' after the statement, got \(peek().described)")
            }
            return statement
        } catch {
            ignoresNewlines.removeLast(ignoresNewlines.count - savedModes)
            synchronize(from: start)
            return nil
        }
    }

    /// Skips to the end of the broken statement: the next line break or `;` outside brackets,
    /// or a `}` that closes the enclosing block. A statement keyword at the start of a line also
    /// ends the skip when the broken statement left a bracket open (`let a = (1 +` ...).
    private func synchronize(from start: Int) {
        var leftOpen = 0
        for token in tokens[start..<current] {
            switch token.kind {
            case .leftParen, .leftBracket, .leftBrace: leftOpen += 1
            case .rightParen, .rightBracket, .rightBrace: leftOpen = max(leftOpen - 1, 0)
            default: break
            }
        }
        var skippedOpen = 0
        while true {
            let kind = tokens[current].kind
            switch kind {
            case .endOfInput:
                return
            case .leftParen, .leftBracket, .leftBrace:
                skippedOpen += 1
            case .rightParen, .rightBracket, .rightBrace:
                if skippedOpen > 0 {
                    skippedOpen -= 1
                } else if leftOpen > 0 {
                    leftOpen -= 1
                } else if kind == .rightBrace {
                    return
                }
            case .newline, .semicolon:
                if skippedOpen == 0 && leftOpen == 0 {
                    current += 1
                    return
                }
            case .keywordLet, .keywordFn, .keywordIf, .keywordWhile, .keywordFor, .keywordReturn:
                if skippedOpen == 0 && current > start && tokens[current].range.line > tokens[current - 1].range.line { return }
            default:
                break
            }
            current += 1
        }
    }

    /// statement = letStmt | fnStmt | ifStmt | whileStmt | forStmt | returnStmt
    ///           | "break" | "continue" | block | simpleStmt ;
    private func statement() throws -> Stmt {
        try enter()
        defer { leave() }
        let token = peek()
        switch token.kind {
        case .keywordLet: return try letStatement()
        case .keywordFn where peekSecond() == .identifier: return try functionStatement()
        case .keywordIf: return try ifStatement()
        case .keywordWhile: return try whileStatement()
        case .keywordFor: return try forStatement()
        case .keywordReturn: return try returnStatement()
        case .keywordBreak, .keywordContinue:
            advance()
            return JumpStmt(isBreak: token.kind == .keywordBreak, token.range)
        case .keywordElse:
            throw error(at: token, "'else' must follow the '}' of an 'if' block")
        case .leftBrace where !looksLikeMapLiteral():
            return BlockStmt(try block(after: "statement"))
        default:
            return try simpleStatement()
        }
    }

    /// letStmt = "let" pattern "=" expression ;
    private func letStatement() throws -> Stmt {
        let keyword = advance()
        let pattern = try pattern(after: "let")
        try consume(.equal, "expected '=' after the name in 'let'")
        let value = try expression()
        return LetStmt(pattern, value, keyword.range.through(value.range))
    }

    /// pattern = IDENTIFIER | "(" IDENTIFIER { "," IDENTIFIER } ")" ;
    private func pattern(after keyword: String) throws -> Pattern {
        if check(.identifier) {
            let name = advance()
            return Pattern(names: [(name.lexeme, name.range)], isTuple: false, range: name.range)
        }
        let open = try consume(.leftParen, "expected a name or '(' after '\(keyword)'")
        pushNewlineMode(ignoring: true)
        defer { popNewlineMode() }
        var names: [(name: String, range: SourceRange)] = []
        repeat {
            let name = try consume(.identifier, "expected a name in the pattern")
            if names.contains(where: { $0.name == name.lexeme }) {
                throw error(at: name, "the name '\(name.lexeme)' appears twice in the pattern")
            }
            names.append((name.lexeme, name.range))
        } while match(.comma)
        let close = try consume(.rightParen, "expected ')' to close the pattern")
        return Pattern(names: names, isTuple: true, range: open.range.through(close.range))
    }

    /// fnStmt = "fn" IDENTIFIER parameters functionBody ;
    private func functionStatement() throws -> Stmt {
        let keyword = advance()
        let name = advance()
        let declaration = try functionRest(name: name.lexeme, start: keyword)
        return FunctionStmt(declaration, nameRange: name.range)
    }

    /// ifStmt = "if" expression block [ "else" ( ifStmt | block ) ] ;
    private func ifStatement() throws -> Stmt {
        let keyword = advance()
        let condition = try expression()
        let thenBlock = try block(after: "the 'if' condition")
        var elseBranch: Stmt?
        // `}` and `else` may be on different lines.
        var next = current
        while tokens[next].kind == .newline { next += 1 }
        if tokens[next].kind == .keywordElse {
            current = next + 1
            if check(.keywordIf) {
                try enter()
                defer { leave() }
                elseBranch = try ifStatement()
            } else {
                elseBranch = BlockStmt(try block(after: "'else'"))
            }
        }
        let end = elseBranch?.range ?? thenBlock.range
        return IfStmt(condition, thenBlock, elseBranch, keyword.range.through(end))
    }

    /// whileStmt = "while" expression block ;
    private func whileStatement() throws -> Stmt {
        let keyword = advance()
        let condition = try expression()
        let body = try block(after: "the 'while' condition")
        return WhileStmt(condition, body, keyword.range.through(body.range))
    }

    /// forStmt = "for" pattern "in" expression block ;
    private func forStatement() throws -> Stmt {
        let keyword = advance()
        let pattern = try pattern(after: "for")
        try consume(.keywordIn, "expected 'in' after the loop variable")
        let iterable = try expression()
        let body = try block(after: "the 'for' sequence")
        return ForStmt(pattern, iterable, body, keyword.range.through(body.range))
    }

    /// returnStmt = "return" [ expression ] ;
    private func returnStatement() throws -> Stmt {
        let keyword = advance()
        switch peek().kind {
        case .newline, .semicolon, .rightBrace, .endOfInput:
            return ReturnStmt(nil, keyword.range)
        default:
            let value = try expression()
            return ReturnStmt(value, keyword.range.through(value.range))
        }
    }

    /// block = "{" { statement terminator } "}" ;
    func block(after context: String) throws -> Block {
        let open = try consume(.leftBrace, "expected '{' after \(context)")
        try enter()
        defer { leave() }
        pushNewlineMode(ignoring: false)
        defer { popNewlineMode() }
        var statements: [Stmt] = []
        while true {
            skipTerminators()
            if check(.rightBrace) || check(.endOfInput) { break }
            if let statement = statementRecovering() { statements.append(statement) }
        }
        let close = try consume(.rightBrace, "expected '}' to close the block opened at \(open.range.line):\(open.range.column)")
        return Block(statements, open.range.through(close.range))
    }

    /// simpleStmt = expression [ ( "=" | "+=" | "-=" | "*=" | "/=" ) expression ] ;
    private func simpleStatement() throws -> Stmt {
        let target = try expression()
        guard match(.equal, .plusEqual, .minusEqual, .starEqual, .slashEqual) else {
            return ExpressionStmt(target)
        }
        let operatorToken = previous
        let op: BinaryOperator? = switch operatorToken.kind {
        case .plusEqual: .add
        case .minusEqual: .subtract
        case .starEqual: .multiply
        case .slashEqual: .divide
        default: nil
        }
        let assignable: AssignStmt.Target
        switch target {
        case let variable as VariableExpr:
            assignable = .variable(variable)
        case let member as MemberExpr:
            assignable = .member(member)
        case let index as IndexExpr:
            if index.items.contains(where: { if case .slice = $0 { true } else { false } }) {
                throw error(at: target.range, "cannot assign to a slice")
            }
            assignable = .index(index)
        default:
            throw error(at: target.range, "cannot assign to this expression (only to a variable, an item a[i], or a map key m.key)")
        }
        let value = try expression()
        return AssignStmt(assignable, op, value, target.range.through(value.range))
    }

    /// `{` at the start of a statement opens a map literal when followed by `}` or `key:`.
    private func looksLikeMapLiteral() -> Bool {
        var next = current + 1
        while tokens[next].kind == .newline { next += 1 }
        switch tokens[next].kind {
        case .rightBrace:
            return true
        case .identifier, .string, .number:
            return next + 1 < tokens.count && tokens[next + 1].kind == .colon
        default:
            return false
        }
    }
}
