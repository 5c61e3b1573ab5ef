// libedit's readline-compatible API: line editing, history kept across sessions in a file
// written atomically, and tab completion through a Swift closure.
import AtomicWrite
import CLibEdit
import Foundation

/// The completer libedit calls back into (libedit has one global completion function).
nonisolated(unsafe) private var activeCompleter: Completer?
nonisolated(unsafe) private var pendingMatches: [String] = []

/// Line editing with libedit for interactive terminals.
public final class EditLineReader: LineReader {
    private let historyPath: String?
    private var lastLine: String?

    public init(historyPath: String?, completer: Completer?) {
        self.historyPath = historyPath
        setlocale(LC_ALL, "")  // else libedit drops non-ASCII input
        // Dots stay inside words, so `trace.la<TAB>` completes members. Quotes and `?` end a
        // word: libedit puts a backslash before those when they are in a match (it quotes
        // matches as shell words), so matches must never contain them.
        clibedit_set_word_breaks(" \t\n\"'?(,=+-*/%<>[{:;!")
        activeCompleter = completer
        clibedit_configure("gemma-repl") { text, state in
            guard let text else { return nil }
            if state == 0 {
                let word = String(cString: text)
                pendingMatches = activeCompleter?(EditLineReader.textBeforeCursor() ?? word, word) ?? []
            }
            guard Int(state) < pendingMatches.count else { return nil }
            return strdup(pendingMatches[Int(state)])  // libedit frees it
        }
        stifle_history(2000)
        if let historyPath { _ = read_history(historyPath) }
    }

    /// The line being edited up to the cursor (libedit's `rl_point` counts bytes).
    private static func textBeforeCursor() -> String? {
        guard let buffer = clibedit_line_buffer() else { return nil }
        let length = min(max(Int(clibedit_point()), 0), strlen(buffer))
        return buffer.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
            String(decoding: UnsafeBufferPointer(start: bytes, count: length), as: UTF8.self)
        }
    }

    public func readLine(prompt: String) -> LineResult {
        Interrupts.clear()
        guard let pointer = readline(prompt) else {
            // readline gives NULL for both Ctrl-D and Ctrl-C: the flag tells them apart.
            if Interrupts.take() {
                print("")
                return .interrupted
            }
            return .endOfInput
        }
        defer { free(pointer) }
        return .line(String(cString: pointer))
    }

    public func addHistory(_ line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed != lastLine else { return }
        lastLine = trimmed
        add_history(line)
    }

    /// Writes the history atomically (AtomicFile.replace: libedit writes a temporary file
    /// beside the real one, which is then synced and renamed over it). Returns a warning when
    /// the history could not be saved, nil when it was.
    public func saveHistory() -> String? {
        guard let historyPath else { return nil }
        let directory = (historyPath as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            return "history not saved: cannot create \(directory): \(error.localizedDescription)"
        }
        do {
            try AtomicFile.replace(historyPath) { _, temporary in
                guard write_history(temporary) == 0 else {
                    throw AtomicFile.Failure(operation: "write", path: temporary, errno: errno)
                }
            }
        } catch {
            return "history not saved: \(error)"
        }
        return nil
    }
}
