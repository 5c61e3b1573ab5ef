// Fuzz target: arbitrary bytes as a .gnb notebook. Parsing either fails with a NotebookError or
// gives a notebook whose written form parses to the same cells and is written the same again
// (docs/notebook-format.md); small notebooks are also run and checked.
import GemmaLang
import Notebook

enum NotebookTarget {
    static func run(_ input: [UInt8]) throws {
        let notebook: Notebook
        do { notebook = try Notebook.parse(input, file: "fuzz.gnb") } catch is NotebookError { return }

        let written = notebook.serialized()
        let reread: Notebook
        do { reread = try Notebook.parse(written, file: "fuzz.gnb") } catch {
            throw FuzzFailure(.notebook, "the written form does not parse: \(error)\n\(written.debugDescription)")
        }
        guard reread.serialized() == written else {
            throw FuzzFailure(.notebook, "writing twice differs:\n\(written.debugDescription)\n\(reread.serialized().debugDescription)")
        }
        guard reread.cells.map(Content.init) == notebook.cells.map(Content.init) else {
            throw FuzzFailure(.notebook, "the written form has other cells:\n\(written.debugDescription)")
        }
        guard notebook.renumbered().cells.map(\.line) == reread.cells.map(\.line) else {
            throw FuzzFailure(.notebook, "renumbered lines \(notebook.renumbered().cells.map(\.line)) "
                              + "differ from the written file's \(reread.cells.map(\.line))")
        }

        guard notebook.cells.count <= 16 else { return }
        let interpreter = Interpreter(limits: LanguageTarget.limits)
        let runner = NotebookRunner(interpreter: interpreter)
        try LanguageTarget.runWithDeadline(interpreter, what: "notebook") {
            let result = try? runner.check(notebook)
            _ = result?.report
        }
    }

    /// What a cell holds, apart from its line and its (normalised) name.
    struct Content: Equatable {
        var kind: NotebookCell.Kind
        var source: String
        var expectsError: Bool
        var checksOutput: Bool
        var output: String?
        var isError: Bool?

        init(_ cell: NotebookCell) {
            kind = cell.kind
            source = cell.source
            expectsError = cell.expectsError
            checksOutput = cell.checksOutput
            output = cell.output?.text
            isError = cell.output?.isError
        }
    }
}
