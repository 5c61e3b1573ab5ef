// The interpreter's public face: run source, define builtins, look up globals, reset.
// Execution itself is in Interpreter+Statements / +Expressions / +Calls.
import Foundation

/// What one `run` produced.
public struct RunResult {
    /// The value of the last statement when it is an expression statement (for the REPL to show);
    /// nil when the last statement is not an expression or the run failed.
    public var value: Value?
    /// Every syntax error of the input, or the one runtime error that stopped it.
    public var diagnostics: [Diagnostic]
    public var succeeded: Bool { diagnostics.isEmpty }
}

/// A GNB interpreter. Globals persist across `run` calls (one per REPL input or notebook cell).
///
/// Use one interpreter from one thread at a time. Each `run` executes on a private thread
/// with a `Limits.stackSize` stack and waits for it, so deep recursion is refused with an
/// error instead of overflowing the caller's stack.
public final class Interpreter: @unchecked Sendable {
    public let limits: Limits
    /// Where `print` writes; receives whole lines including "\n". Default: standard output.
    public var output: (String) -> Void
    /// Polled at every loop iteration and call; returning true stops the run with "interrupted".
    public var isInterrupted: () -> Bool = { false }
    /// The width passed to `HostObject.display(width:)` by `print`.
    public var displayWidth = 80

    let globals = GlobalTable()
    /// Values defined by the host (`define`/`register`), restored by `reset()`.
    private var hostDefinitions: [Int: Value] = [:]
    var callDepth = 0
    /// Address near the top of the worker thread's stack (0 when not on the worker).
    var stackBase = 0
    /// The call expression being evaluated when a native runs (for tracebacks of callbacks).
    var currentSite: SourceRange?
    var isRunning = false

    public init(limits: Limits = .default) {
        self.limits = limits
        self.output = { text in FileHandle.standardOutput.write(Data(text.utf8)) }
        installBuiltins()
    }

    // MARK: globals

    /// Defines a global (a host module's builtin). It survives `reset()`.
    public func define(_ name: String, _ value: Value) {
        let slot = globals.slot(for: name)
        globals.values[slot] = value
        hostDefinitions[slot] = value
    }

    /// Defines `native.name` as a global function; `help(name)` shows its signature and help.
    public func register(_ native: NativeFunction) {
        define(native.name, .native(native))
    }

    /// Names of all defined globals (builtins and user variables), sorted.
    public func globalNames() -> [String] {
        globals.names.indices.filter { globals.values[$0] != nil }.map { globals.names[$0] }.sorted()
    }

    /// The value of a global, or nil if it is not defined.
    public func lookup(_ name: String) -> Value? {
        globals.index(of: name).flatMap { globals.values[$0] }
    }

    /// Forgets user variables and restores every host definition (even ones a script overwrote).
    public func reset() {
        for index in globals.values.indices {
            globals.values[index] = hostDefinitions[index]
        }
    }

    // MARK: running

    /// Parses and runs `source`. Syntax errors stop it before anything runs (all are reported);
    /// a runtime error stops it where it happens, keeping the globals defined so far.
    /// - Parameters:
    ///   - file: the name diagnostics show.
    ///   - firstLine: the line number of the first line (for cells inside a larger file).
    public func run(_ source: String, file: String = "<input>", firstLine: Int = 1) -> RunResult {
        if isRunning { return runHere(source, file: file, firstLine: firstLine) }
        return onWorkerThread { self.runHere(source, file: file, firstLine: firstLine) }
    }

    private func runHere(_ source: String, file name: String, firstLine: Int) -> RunResult {
        let file = SourceFile(name: name, text: source, firstLine: firstLine)
        var scanner = Scanner(file: file, text: source, maxNesting: limits.maxNesting)
        let parser = Parser(tokens: scanner.scanTokens(), limits: limits)
        let statements = parser.parseProgram()
        let resolver = Resolver(globals: globals)
        resolver.resolve(statements)
        let syntaxErrors = (scanner.diagnostics + parser.diagnostics + resolver.diagnostics)
            .enumerated()
            .sorted { ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset) }
            .map(\.element)
        if !syntaxErrors.isEmpty { return RunResult(value: nil, diagnostics: syntaxErrors) }

        var value: Value?
        do {
            for statement in statements {
                value = nil
                if let expression = statement as? ExpressionStmt {
                    value = try located(statement.range) { try expression.expression.evaluate(self, nil) }
                } else {
                    _ = try located(statement.range) { try statement.execute(self, nil) }
                }
            }
        } catch let error as RuntimeError {
            return RunResult(value: nil, diagnostics: [error.diagnostic])
        } catch {
            let range = statements.first?.range ?? SourceRange(file: file, line: firstLine, column: 1, endLine: firstLine, endColumn: 1)
            return RunResult(value: nil, diagnostics: [RuntimeError(.message("\(error)"), at: range).diagnostic])
        }
        return RunResult(value: value, diagnostics: [])
    }

    /// Runs `body` on a thread with a `limits.stackSize` stack and waits for it.
    func onWorkerThread<T>(_ body: @escaping () -> T) -> T {
        let box = WorkerBox(body)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in
            let (savedRunning, savedBase, savedDepth) = (isRunning, stackBase, callDepth)
            isRunning = true
            stackBase = currentStackAddress()
            box.result = box.body()
            (isRunning, stackBase, callDepth) = (savedRunning, savedBase, savedDepth)
            done.signal()
        }
        thread.stackSize = limits.stackSize
        thread.start()
        done.wait()
        return box.result!  // set before the semaphore is signalled
    }

    /// Throws "interrupted" when the host asked to stop.
    public func checkInterrupted() throws {
        if isInterrupted() { throw GemmaLangError.interrupted }
    }
}

/// Carries a closure and its result to the worker thread and back; the caller waits for the
/// thread to finish, so the box is never used from two threads at once.
private final class WorkerBox<T>: @unchecked Sendable {
    let body: () -> T
    var result: T?
    init(_ body: @escaping () -> T) { self.body = body }
}

/// An address inside the current stack frame.
@inline(never)
func currentStackAddress() -> Int {
    var marker = 0
    return withUnsafeMutablePointer(to: &marker) { Int(bitPattern: $0) }
}
