// What running, checking or updating a notebook produced, as values, and the report text.
import GemmaLang

/// One code or parameters cell that ran.
public struct CellRunResult: Sendable {
    /// The index of the cell in `Notebook.cells`.
    public var index: Int
    /// The cell with its new output (lines as in `NotebookRunResult.notebook`).
    public var cell: NotebookCell
    /// What the cell printed, then its value's display, then its error (stored form).
    public var output: CellOutput
    /// The syntax errors or the runtime error that stopped the cell; empty when it succeeded.
    public var diagnostics: [Diagnostic]
    public var succeeded: Bool { diagnostics.isEmpty }
}

/// A code cell whose output differs from the stored one (`check`).
public struct OutputMismatch: Sendable {
    public var index: Int
    /// The cell as it is in the file, with its stored output (or none).
    public var cell: NotebookCell
    public var actual: CellOutput
    /// `--- stored` / `+++ actual` and hunks numbered by file lines.
    public var diff: String
}

/// The outcome of `NotebookRunner.run`, `check` or `update`.
public struct NotebookRunResult: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// Every code cell ran (and, for `check`, matched its stored output).
        case succeeded
        /// A cell ended in an error (one not marked `raises`); the run stopped there.
        case failed
        /// `check`: every cell ran, but some outputs differ from the stored ones.
        case mismatched
        /// The interpreter's `isInterrupted` stopped the run.
        case interrupted
    }

    public var outcome: Outcome
    /// The notebook with the outputs of this run (what `update` writes); cells after a stop keep
    /// their stored outputs.
    public var notebook: Notebook
    /// The code cells that ran, in order.
    public var cells: [CellRunResult]
    /// The index of the cell where an error or an interruption stopped the run.
    public var stoppedAt: Int?
    /// `check` only.
    public var mismatches: [OutputMismatch]
    /// `update` only: whether the file was rewritten (false when it was up to date, or the run
    /// was interrupted).
    public var wroteFile: Bool
    /// A plain-text summary for the terminal: errors with their source line and caret, diffs,
    /// and a last line saying what happened.
    public var report: String

    public var succeeded: Bool { outcome == .succeeded }

    /// An exit status for a command-line tool: 0 succeeded, 1 failed or mismatched, 130 interrupted.
    public var exitStatus: Int32 {
        switch outcome {
        case .succeeded: 0
        case .failed, .mismatched: 1
        case .interrupted: 130
        }
    }

    /// The error that stopped the run, if one did.
    public var error: CellRunResult? {
        guard outcome == .failed, let stoppedAt, let last = cells.last, last.index == stoppedAt else { return nil }
        return last
    }
}

extension NotebookCell {
    /// `cell 4 (id=tokenize, line 12)`: how messages name a cell (numbered from 1 in the file).
    func label(index: Int) -> String {
        "cell \(index + 1) (" + (name.map { "id=\($0), " } ?? "") + "line \(line))"
    }
}

extension OutputMismatch {
    /// The mismatch of `cell` (as stored) against `actual`, or nil when they agree.
    static func compare(_ cell: NotebookCell, index: Int, actual: CellOutput, file: String) -> OutputMismatch? {
        let stored = cell.output ?? CellOutput(text: "")
        guard stored.text != actual.text || stored.isError != actual.isError else { return nil }
        let storedLines = stored.text.isEmpty ? [] : NotebookText.lines(of: stored.text)
        let actualLines = actual.text.isEmpty ? [] : NotebookText.lines(of: actual.text)
        // Stored lines start after the output marker; a missing output would go after the
        // source, a blank line and its marker.
        let storedStart = cell.output.map { $0.line + 1 } ?? cell.lastSourceLine + 1
        let actualStart = cell.output.map { $0.line + 1 } ?? cell.lastSourceLine + 3
        var lines = ["\(file):\(cell.line): \(cell.label(index: index)): the output differs from the stored one"]
        if cell.output == nil { lines.append("(no output is stored)") }
        if stored.isError != actual.isError {
            lines.append(stored.isError ? "(the stored output is an error; the cell now succeeds)"
                                        : "(the cell now ends in an error)")
        }
        lines += ["--- stored", "+++ actual"]
        var hunks = OutputDiff.hunks(old: storedLines, new: actualLines, oldStart: storedStart, newStart: actualStart)
        if hunks.isEmpty { hunks = "(the text is the same)" }
        return OutputMismatch(index: index, cell: cell, actual: actual,
                              diff: (lines + [hunks]).joined(separator: "\n"))
    }
}
