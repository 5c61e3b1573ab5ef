// Running a notebook's cells in one interpreter: capturing outputs, parameters, checking stored
// outputs, writing them back (docs/notebook-format.md, "Running").
import Foundation
import GemmaLang

/// Runs notebooks in an interpreter the caller supplies (with model bindings, or a plain one).
///
/// Cells run in order, as REPL inputs would: globals persist from cell to cell. A cell's output
/// is what `print` wrote, then the display of its value when its last statement is an
/// expression whose value is not nil, then its error if it failed. The run stops at the first
/// error, except in cells marked `raises`. Nothing is printed: results come back as values,
/// and `onCellOutput` / `onPrint` let a caller stream them.
public final class NotebookRunner {
    public let interpreter: Interpreter
    /// The width given to `Value.display(width:)` and to host objects printed by `print`;
    /// fixed so that stored outputs do not depend on the terminal.
    public var displayWidth = 100
    /// Called when a code cell finishes, with the cell (carrying its new output) and the output text.
    public var onCellOutput: ((NotebookCell, String) -> Void)?
    /// Called with each line `print` writes, as it is written (for long cells).
    public var onPrint: ((String) -> Void)?

    public init(interpreter: Interpreter) {
        self.interpreter = interpreter
    }

    private enum Mode { case run, check, update }

    /// Runs the code cells. `parameters` override variables of the parameters cell right after
    /// it runs (`["prompt": "\"Paris\"", "layer": "5"]`): a value that is a GNB literal is used
    /// as such, anything else as a plain string.
    /// - Throws: `NotebookError.unknownParameter` / `.noParametersCell` before running anything.
    public func run(_ notebook: Notebook, parameters: [String: String] = [:]) throws -> NotebookRunResult {
        try execute(notebook, parameters: parameters, mode: .run)
    }

    /// Runs the code cells and compares each output with the stored one (`nocheck` cells
    /// excepted). A missing stored output matches only a cell that produces no output.
    public func check(_ notebook: Notebook, parameters: [String: String] = [:]) throws -> NotebookRunResult {
        try execute(notebook, parameters: parameters, mode: .check)
    }

    /// Reads the notebook at `url`, runs it, and writes the outputs back atomically (error
    /// outputs included). Nothing is written when the run was interrupted or nothing changed.
    /// - Throws: `NotebookError.changedOnDisk` when the file changed since it was read.
    public func update(fileAt url: URL) throws -> NotebookRunResult {
        let path = url.relativePath
        let (bytes, snapshot) = try NotebookFileAccess.read(path)
        var result = try execute(try Notebook.parse(bytes, file: path), parameters: [:], mode: .update)
        if result.outcome == .interrupted { return result }
        let updated = Array(result.notebook.serialized().utf8)
        if updated == bytes {
            result.report += "\n\(path): the stored outputs are up to date"
            return result
        }
        try NotebookFileAccess.verifyUnchanged(path, since: snapshot, name: path)
        try NotebookFileAccess.writeAtomically(updated, to: path)
        result.wroteFile = true
        result.report += "\n\(path): wrote the new outputs"
        return result
    }

    // MARK: running

    private func execute(_ notebook: Notebook, parameters: [String: String], mode: Mode) throws -> NotebookRunResult {
        let overrides = try resolve(parameters, in: notebook)
        // `update` numbers each cell as it will be in the written file, so that stored error
        // messages name the right lines; the other modes use the lines of the file as read.
        var working = mode == .update || notebook.cells.contains(where: { $0.line == 0 })
            ? notebook.renumbered() : notebook
        let file = notebook.displayName
        let capture = OutputCapture()
        let (savedOutput, savedWidth) = (interpreter.output, interpreter.displayWidth)
        interpreter.output = { [onPrint] text in
            capture.text += text
            onPrint?(text)
        }
        interpreter.displayWidth = displayWidth
        defer { (interpreter.output, interpreter.displayWidth) = (savedOutput, savedWidth) }

        var runs: [CellRunResult] = []
        var mismatches: [OutputMismatch] = []
        var stop: (index: Int, interrupted: Bool)?
        for index in working.cells.indices where working.cells[index].isCode {
            if interpreter.isInterrupted() {
                stop = (index, true)
                break
            }
            let cell = working.cells[index]
            capture.text = ""
            let result = interpreter.run(cell.source, file: file, firstLine: cell.firstSourceLine)
            var (value, diagnostics) = (result.value, result.diagnostics)
            if diagnostics.isEmpty && cell.kind == .parameters {
                for (name, source) in overrides {
                    let assignment = interpreter.run("\(name) = \(source)", file: "parameter \(name)")
                    if !assignment.succeeded {
                        (value, diagnostics) = (nil, assignment.diagnostics)
                        break
                    }
                }
            }
            var text = capture.text
            if diagnostics.isEmpty, let value, !isNil(value) {
                text += value.display(width: displayWidth) + "\n"
            }
            text += diagnostics.map { $0.rendered(color: false) + "\n" }.joined()
            let output = CellOutput(text: text, isError: !diagnostics.isEmpty)
            let interrupted = !diagnostics.isEmpty
                && (interpreter.isInterrupted() || diagnostics.contains { $0.kind == .runtime && $0.message == "interrupted" })

            if mode == .check, cell.checksOutput, !interrupted,
               let mismatch = OutputMismatch.compare(cell, index: index, actual: output, file: file) {
                mismatches.append(mismatch)
            }
            working.cells[index].output = output.text.isEmpty && !output.isError ? nil : output
            if mode == .update { working = working.renumbered() }
            runs.append(CellRunResult(index: index, cell: working.cells[index], output: output, diagnostics: diagnostics))
            onCellOutput?(working.cells[index], output.text)
            if interrupted || (!diagnostics.isEmpty && !cell.expectsError) {
                stop = (index, interrupted)
                break
            }
        }

        let outcome: NotebookRunResult.Outcome = if let stop {
            stop.interrupted ? .interrupted : .failed
        } else {
            mismatches.isEmpty ? .succeeded : .mismatched
        }
        var result = NotebookRunResult(outcome: outcome, notebook: working.renumbered(), cells: runs,
                                       stoppedAt: stop?.index, mismatches: mismatches, wroteFile: false, report: "")
        let stopLabel = stop.map { working.cells[$0.index].label(index: $0.index) }
        result.report = report(result, stopLabel: stopLabel ?? "", file: file, mode: mode)
        return result
    }

    /// The assignments for `parameters`, in the order the parameters cell declares them.
    private func resolve(_ parameters: [String: String], in notebook: Notebook) throws -> [(name: String, source: String)] {
        if parameters.isEmpty { return [] }
        guard let index = notebook.parametersCellIndex else {
            throw NotebookError.noParametersCell(file: notebook.file, parameters: parameters.keys.sorted())
        }
        let declared = Parameters.names(in: notebook.cells[index].source)
        if let unknown = parameters.keys.sorted().first(where: { !declared.contains($0) }) {
            throw NotebookError.unknownParameter(file: notebook.file, name: unknown, available: declared)
        }
        return declared.compactMap { name in
            parameters[name].map { (name, Parameters.source(for: $0, limits: interpreter.limits)) }
        }
    }

    private func isNil(_ value: Value) -> Bool {
        if case .null = value { return true }
        return false
    }

    /// Errors and diffs, then one line saying what happened.
    private func report(_ result: NotebookRunResult, stopLabel: String, file: String, mode: Mode) -> String {
        var parts: [String] = result.mismatches.map(\.diff)
        let ran = result.cells.count
        let cellsWord = ran == 1 ? "code cell" : "code cells"
        switch result.outcome {
        case .succeeded:
            parts.append(mode == .check ? "\(file): ran \(ran) \(cellsWord); every output matches the stored one"
                                        : "\(file): ran \(ran) \(cellsWord)")
        case .mismatched:
            let count = result.mismatches.count
            parts.append("\(file): \(count) of \(ran) \(cellsWord) differ from the stored outputs")
        case .failed:
            if let error = result.error {
                parts.append(error.diagnostics.map { $0.rendered(color: false) }.joined(separator: "\n"))
            }
            parts.append("\(file): stopped by an error in \(stopLabel)")
        case .interrupted:
            parts.append("\(file): interrupted at \(stopLabel)")
        }
        return parts.joined(separator: "\n")
    }
}

/// Collects what `print` writes during one cell. Written on the interpreter's worker thread
/// while the runner waits for `run` to return, so never from two threads at once.
private final class OutputCapture: @unchecked Sendable {
    var text = ""
}
