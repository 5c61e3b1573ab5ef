// Fuzz target: arbitrary bytes as GNB source. Scanning, parsing, resolving and running must end
// in a value or diagnostics, never a crash; with an interrupt after `deadline` seconds, no run may
// take longer than `hangLimit` (docs/language.md, "Limits").
import Foundation
import GemmaLang

enum LanguageTarget {
    /// Tight limits, so that every legal allocation is quick.
    static let limits = Limits(maxCallDepth: 200, maxCollectionCount: 100_000, maxStringBytes: 1 << 20)
    /// When the interpreter is asked to stop.
    static let deadline: Duration = .milliseconds(50)
    /// A run that lasts this long did not notice the interrupt: a hang.
    static let hangLimit: Duration = .seconds(1)

    static func run(_ input: [UInt8]) throws {
        let source = String(decoding: input, as: UTF8.self)
        _ = Interpreter.isIncomplete(source)
        let interpreter = Interpreter(limits: limits)
        try runWithDeadline(interpreter, what: "script") {
            let result = interpreter.run(source, file: "fuzz.gnb")
            for diagnostic in result.diagnostics { _ = diagnostic.rendered(color: true) }
            if let value = result.value { _ = value.display(width: 40) }
        }
        _ = interpreter.completions(for: source, cursor: source.count)
    }

    /// Runs `body` with `interpreter` interrupted after `deadline`; throws if it took longer than
    /// `hangLimit` in all. Output is counted, not kept.
    static func runWithDeadline(_ interpreter: Interpreter, what: String, _ body: () throws -> Void) throws {
        let clock = ContinuousClock()
        let started = clock.now
        let stop = started + deadline
        var printed = 0
        interpreter.output = { printed += $0.utf8.count }
        interpreter.isInterrupted = { clock.now > stop }
        try body()
        let elapsed = clock.now - started
        if elapsed > hangLimit {
            throw FuzzFailure(.language, "the \(what) ran \(elapsed) although interrupted after \(deadline)")
        }
    }
}
