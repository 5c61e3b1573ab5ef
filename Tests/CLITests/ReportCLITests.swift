// `gemma-repl run --html/--md` on every teaching notebook (Gemma 2 fixture): each figure kind
// where a notebook makes it, standalone pages, Markdown figure files on disk and referenced.
import Foundation
import XCTest

/// Every notebook exported once to HTML and Markdown, shared by the report and browser tests.
enum NotebookExports {
    struct Export {
        let name: String
        let html: String
        let htmlPath: String
        let markdownPath: String
    }

    static let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gemma-repl-reports-\(getpid())")

    /// Runs each notebook of Notebooks/ on the fixture with --html and --md (once per test process),
    /// after removing the folders of earlier test processes that have ended.
    static let exports: Result<[Export], Error> = Result {
        let temporary = FileManager.default.temporaryDirectory
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
        where name.hasPrefix("gemma-repl-reports-") {
            if let pid = Int32(name.dropFirst("gemma-repl-reports-".count)), pid != getpid(), kill(pid, 0) != 0 {
                try? FileManager.default.removeItem(at: temporary.appendingPathComponent(name))
            }
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let notebooks = try FileManager.default.contentsOfDirectory(atPath: NotebookCLITests.notebooks.path)
            .filter { $0.hasSuffix(".gnb") }.sorted()
        return try notebooks.map { file in
            let name = String(file.dropLast(4))
            let htmlPath = folder.appendingPathComponent(name + ".html").path
            let markdownPath = folder.appendingPathComponent(name + ".md").path
            let result = try CLI.run(["run", NotebookCLITests.notebooks.appendingPathComponent(file).path,
                                      "--model", CLI.fixture("tiny-gemma2-f32.gguf"), "--threads", "1",
                                      "--html", htmlPath, "--md", markdownPath])
            guard result.status == 0 else { throw ExportError(message: "\(file): status \(result.status)\n\(result.err)") }
            return Export(name: name, html: try String(contentsOfFile: htmlPath, encoding: .utf8),
                          htmlPath: htmlPath, markdownPath: markdownPath)
        }
    }

    struct ExportError: Error, CustomStringConvertible { let message: String; var description: String { message } }

    static func all() throws -> [Export] {
        let exports = try exports.get()
        XCTAssertGreaterThanOrEqual(exports.count, 6)
        return exports
    }
}

final class ReportCLITests: XCTestCase {
    /// The figure kinds each notebook must show (it may show more).
    let expectedKinds: [String: [String]] = [
        "01-tour": ["table", "top-k", "attention"],
        "02-tokenizer": ["table"],
        "03-attention": ["attention"],
        "04-softcaps": ["soft-cap", "table"],
        "05-residual-stream": ["histogram", "logit-lens"],
    ]

    func testEveryNotebookShowsItsFigures() throws {
        for export in try NotebookExports.all() {
            let kinds = Set(attributeValues("data-kind", in: export.html))
            for kind in expectedKinds[export.name] ?? [] {
                XCTAssertTrue(kinds.contains(kind), "\(export.name) lacks a \(kind) figure (has \(kinds.sorted()))")
            }
            XCTAssertTrue(export.html.hasPrefix("<!DOCTYPE html>") && export.html.contains("</html>"), export.name)
        }
        let attention = try XCTUnwrap(try NotebookExports.all().first { $0.name == "03-attention" }).html
        XCTAssertTrue(attention.contains("class=\"sliding-window\""), "the local layer's window is marked")
        XCTAssertTrue(attention.contains("masked: outside the sliding window"))
        XCTAssertTrue(attention.contains("<title>0:&lt;bos&gt; → 0:&lt;bos&gt;: 1</title>")
                        || attention.contains("0:&lt;bos&gt; → 0:&lt;bos&gt;"), "token labels and values on hover")
        let caps = try XCTUnwrap(try NotebookExports.all().first { $0.name == "04-softcaps" }).html
        XCTAssertTrue(caps.contains("tanh(x/"), "the soft-cap curve")
        XCTAssertTrue(caps.contains("values seen ("), "the values the run saw")
    }

    func testPagesAreStandaloneAndEscaped() throws {
        for export in try NotebookExports.all() {
            for attribute in ["src", "href"] {
                for value in attributeValues(attribute, in: export.html) {
                    XCTAssertFalse(value.lowercased().hasPrefix("http") || value.hasPrefix("//"), "\(export.name): \(attribute)=\(value)")
                }
            }
            XCTAssertFalse(export.html.contains("<script") || export.html.contains("<link") || export.html.contains("@import"))
            // Token pieces such as <bos> only ever appear escaped.
            XCTAssertFalse(export.html.contains("<bos>"), export.name)
        }
    }

    func testMarkdownFigureFilesExistAndAreReferenced() throws {
        var figureCount = 0
        for export in try NotebookExports.all() {
            let markdown = try String(contentsOfFile: export.markdownPath, encoding: .utf8)
            let folder = URL(fileURLWithPath: export.markdownPath).deletingLastPathComponent()
            let references = markdown.components(separatedBy: "](" + export.name + "_files/").dropFirst()
                .map { String($0.prefix { $0 != ")" }) }
            for name in references {
                let file = folder.appendingPathComponent(export.name + "_files/" + name).path
                XCTAssertTrue(FileManager.default.fileExists(atPath: file), "\(export.name): \(name) is missing")
            }
            let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(export.name + "_files").path)) ?? []
            XCTAssertEqual(Set(files), Set(references), "\(export.name): every file is referenced, every reference exists")
            figureCount += files.count
            XCTAssertTrue(markdown.contains("```gnb\n"), export.name)
        }
        XCTAssertGreaterThanOrEqual(figureCount, 6, "attention maps, top-k, soft-caps, the lens and a histogram")
    }

    func attributeValues(_ name: String, in html: String) -> [String] {
        html.components(separatedBy: " \(name)=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }
}
