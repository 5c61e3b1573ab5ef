// Reading lines for the REPL: libedit when stdin is a terminal, plain lines otherwise
// (pipes, files, TERM=dumb), behind one small seam as Lua's lua.c does.
import Foundation

/// What one read gave.
public enum LineResult: Equatable, Sendable {
    case line(String)
    /// Ctrl-C at the prompt: drop the current input, prompt again.
    case interrupted
    /// Ctrl-D on an empty line, or the end of piped input.
    case endOfInput
}

/// A source of input lines.
public protocol LineReader: AnyObject {
    func readLine(prompt: String) -> LineResult
    /// Records a line in the history (no-op for plain input).
    func addHistory(_ line: String)
    /// Writes the history file (no-op for plain input). Returns a warning when it could not.
    func saveHistory() -> String?
}

/// Completion: given the line up to the cursor and the word being completed (the end of that
/// text, after the last word-break character), the words that may replace the word.
public typealias Completer = (_ line: String, _ word: String) -> [String]

public enum LineEditor {
    /// libedit for an interactive terminal, plain lines otherwise.
    public static func make(historyPath: String?, completer: Completer?) -> LineReader {
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        if isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0 && term != "dumb" {
            return EditLineReader(historyPath: historyPath, completer: completer)
        }
        return PlainLineReader()
    }

    /// `$XDG_STATE_HOME/gemma-repl/history`, default `~/.local/state/gemma-repl/history`.
    public static func defaultHistoryPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state"
        return base + "/gemma-repl/history"
    }
}

/// Plain lines from standard input: for pipes and dumb terminals. Prompts are not shown.
public final class PlainLineReader: LineReader {
    public init() {}

    public func readLine(prompt: String) -> LineResult {
        guard let line = Swift.readLine(strippingNewline: true) else {
            if Interrupts.take() { return .interrupted }
            return .endOfInput
        }
        return .line(line)
    }

    public func addHistory(_ line: String) {}
    public func saveHistory() -> String? { nil }
}
