// A notebook report: the cells of a run in order, each code cell with its output text and the
// figures of its value, ready to be written as standalone HTML or as GitHub Markdown.
import Figures
import Foundation

/// What a run of a notebook showed, cell by cell, for `html()` and `markdown(figureFolder:)`.
public struct NotebookReport: Sendable {
    /// One cell of the report.
    public enum Block: Sendable {
        case markdown(String)
        case code(CodeBlock)
    }

    /// A code or parameters cell with what it showed.
    public struct CodeBlock: Sendable {
        /// The 1-based number of the cell in the notebook.
        public var number: Int
        public var name: String?
        public var isParameters: Bool
        public var source: String
        /// The output text, as the terminal shows it (stored form); nil when there is none.
        public var output: CellOutput?
        /// What `print` wrote, before the value's display.
        public var printed: String
        public var figures: [Figure]
        /// False for a cell that did not run (after the run stopped): its stored output is shown.
        public var ran: Bool
    }

    /// The notebook's file name, shown at the top and used when there is no heading.
    public var file: String
    public var blocks: [Block]
    /// One line saying how the run went ("01-tour.gnb: ran 9 code cells").
    public var summary: String

    /// The report of a run: outputs and figures of the cells that ran, stored outputs for the rest.
    public init(result: NotebookRunResult) {
        var runs: [Int: CellRunResult] = [:]
        for run in result.cells { runs[run.index] = run }
        file = result.notebook.displayName
        summary = result.report.split(separator: "\n").last.map(String.init) ?? ""
        blocks = result.notebook.cells.enumerated().map { index, cell in
            guard cell.isCode else { return .markdown(cell.source) }
            let run = runs[index]
            let output = run.map { $0.output.text.isEmpty && !$0.output.isError ? nil : $0.output } ?? cell.output
            return .code(CodeBlock(number: index + 1, name: cell.name, isParameters: cell.kind == .parameters,
                                   source: cell.source, output: output, printed: run?.printed ?? "",
                                   figures: run?.figures ?? [], ran: run != nil))
        }
    }

    /// The page title: the text of the first level-1 heading of a markdown cell, else the file name.
    public var title: String {
        for case .markdown(let text) in blocks {
            for line in NotebookText.lines(of: text) where line.hasPrefix("# ") {
                let heading = line.dropFirst(2).trimmingCharacters(in: .whitespaces)
                if !heading.isEmpty { return heading }
            }
        }
        return file
    }

    /// Every figure of the report with its cell number and its place among the cell's figures.
    var numberedFigures: [(cell: Int, index: Int, figure: Figure)] {
        blocks.flatMap { block -> [(cell: Int, index: Int, figure: Figure)] in
            guard case .code(let code) = block else { return [] }
            return code.figures.enumerated().map { (code.number, $0.offset + 1, $0.element) }
        }
    }

    // MARK: writing

    /// Writes `html()` to `path` atomically.
    public func writeHTML(to path: String) throws {
        try NotebookFileAccess.writeAtomically(Array(html().utf8), to: path)
    }

    /// Writes `markdown(figureFolder:)` to `path` and its figures as SVG files into the folder
    /// beside it (`OUT_files/` for `OUT.md`), each file atomically, the Markdown last. Figure
    /// files of an earlier export that the new one does not use are removed.
    /// - Returns: the paths of the figure files written.
    @discardableResult
    public func writeMarkdown(to path: String) throws -> [String] {
        let url = URL(fileURLWithPath: path)
        let folderName = url.deletingPathExtension().lastPathComponent + "_files"
        let folder = url.deletingLastPathComponent().appendingPathComponent(folderName)
        let (text, files) = markdown(figureFolder: folderName)
        var written: [String] = []
        if !files.isEmpty {
            var status = stat()
            if mkdir(folder.path, 0o755) != 0 && !(errno == EEXIST && stat(folder.path, &status) == 0
                                                    && status.st_mode & S_IFMT == S_IFDIR) {
                throw NotebookError.fileSystem(operation: "create the folder", path: folder.path, errno: errno)
            }
            for file in files {
                let target = folder.appendingPathComponent(file.name).path
                try NotebookFileAccess.writeAtomically(file.contents, to: target)
                written.append(target)
            }
        }
        let names = Set(files.map(\.name))
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for stale in existing where stale.hasPrefix(Self.figurePrefix) && !names.contains(stale) {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(stale))
        }
        try NotebookFileAccess.writeAtomically(Array(text.utf8), to: path)
        return written
    }

    /// Figure files are named `cell-NN-K-kind.svg`.
    static let figurePrefix = "cell-"

    static func figureFileName(cell: Int, index: Int, figure: Figure) -> String {
        figurePrefix + String(format: "%02d", cell) + "-\(index)-" + figure.kind.rawValue + ".svg"
    }
}
