// The .gnb format: parsing, canonical serialization, escaping, line numbers, sessions.
import XCTest
@testable import Notebook

final class NotebookFormatTests: XCTestCase {
    /// A canonical file using every feature of the format.
    static let canonical = """
        #%% markdown id=intro
        # Title
        Some **markdown**, and a line that is \\not escaped.

        #%% parameters
        let prompt = "The capital of France is"
        let layer = 3

        #%% code id=tokenize
        let ids = [2, 818]

        print(len(ids))
        ids

        #%% output
        2
        [2, 818]

        #%% code
        \\#%% a comment that looks like a marker

        #%% code id=broken raises nocheck
        1 +

        #%% output error
        \\#%% looks like a marker
        \\\\#%% and so does this
        \\plain backslash line

        indented line after a blank one
        🎉 ünïcödé

        """

    func testCanonicalFileRoundTripsByteForByte() throws {
        let notebook = try Notebook.parse(Self.canonical, file: "nb.gnb")
        XCTAssertEqual(notebook.serialized(), Self.canonical)
        XCTAssertEqual(notebook.cells.map(\.kind), [.markdown, .parameters, .code, .code, .code])
        XCTAssertEqual(notebook.cells.map(\.line), [1, 5, 9, 19, 22])
        XCTAssertEqual(notebook.cells.map(\.name), ["intro", nil, "tokenize", nil, "broken"])
        XCTAssertEqual(notebook.cells[2].source, "let ids = [2, 818]\n\nprint(len(ids))\nids")
        XCTAssertEqual(notebook.cells[2].output, CellOutput(text: "2\n[2, 818]", line: 15))
        XCTAssertEqual(notebook.cells[3].source, "#%% a comment that looks like a marker")
        XCTAssertNil(notebook.cells[3].output)
        XCTAssertTrue(notebook.cells[4].expectsError)
        XCTAssertFalse(notebook.cells[4].checksOutput)
        XCTAssertTrue(notebook.cells[2].checksOutput)
        let error = try XCTUnwrap(notebook.cells[4].output)
        XCTAssertTrue(error.isError)
        XCTAssertEqual(error.text, "#%% looks like a marker\n\\#%% and so does this\n\\plain backslash line\n\n"
                                   + "indented line after a blank one\n🎉 ünïcödé")
        XCTAssertEqual(notebook.cells[0].source, "# Title\nSome **markdown**, and a line that is \\not escaped.")
        XCTAssertEqual(notebook.parametersCellIndex, 1)
        XCTAssertEqual(notebook.renumbered(), notebook)
    }

    func testEscapingOnlyTouchesMarkerLikeLines() throws {
        let lines = ["#%%", "#%% code", "\\#%% x", "\\\\#%%", "\\not", "a #%% b", " #%% indented", "\\"]
        let cell = NotebookCell(kind: .code, source: "print(1)", output: CellOutput(text: lines.joined(separator: "\n")))
        let text = Notebook(cells: [cell]).serialized()
        XCTAssertEqual(text, """
            #%% code
            print(1)

            #%% output
            \\#%%
            \\#%% code
            \\\\#%% x
            \\\\\\#%%
            \\not
            a #%% b
             #%% indented
            \\

            """)
        let back = try Notebook.parse(text, file: "x.gnb")
        XCTAssertEqual(back.cells.count, 1)
        XCTAssertEqual(back.cells[0].output?.text, lines.joined(separator: "\n"))
        XCTAssertEqual(back.serialized(), text)
    }

    func testNonCanonicalSpacingIsNormalized() throws {
        let messy = "\n  \n#%%code   id=a\t nocheck  \nx = 1\n\n   \n\n#%% output\n1\n \n\t\n#%% markdown\n\nhi"
        let notebook = try Notebook.parse(messy, file: "m.gnb")
        XCTAssertEqual(notebook.cells.map(\.line), [3, 12])
        XCTAssertEqual(notebook.cells[0].output?.line, 8)
        XCTAssertEqual(notebook.cells[1].source, "\nhi")  // leading blank lines are content
        let canonical = "#%% code id=a nocheck\nx = 1\n\n#%% output\n1\n\n#%% markdown\n\nhi\n"
        XCTAssertEqual(notebook.serialized(), canonical)
        XCTAssertEqual(try Notebook.parse(canonical, file: "m.gnb").serialized(), canonical)
    }

    func testEmptyCellsAndEmptyFile() throws {
        XCTAssertEqual(try Notebook.parse("", file: "e.gnb").cells.count, 0)
        XCTAssertEqual(Notebook().serialized(), "")
        XCTAssertEqual(try Notebook.parse("\n\n  \n", file: "e.gnb").cells.count, 0)
        let text = "#%% code\n\n#%% output\n\n#%% markdown\n"
        let notebook = try Notebook.parse(text, file: "e.gnb")
        XCTAssertEqual(notebook.cells[0].source, "")
        XCTAssertEqual(notebook.cells[0].output, CellOutput(text: "", line: 3))
        XCTAssertEqual(notebook.serialized(), text)
    }

    func testCRLFFileReadsLikeLF() throws {
        let lf = "#%% code\nprint(1)\n\n#%% output\n1\n"
        let crlf = lf.replacingOccurrences(of: "\n", with: "\r\n")
        let notebook = try Notebook.parse(crlf, file: "w.gnb")
        XCTAssertEqual(notebook.cells[0].source, "print(1)")
        XCTAssertEqual(notebook.serialized(), lf)
    }

    func testStoredForm() {
        XCTAssertEqual(CellOutput.storedForm("a\r\nb\r\n\n  \n"), "a\nb")
        XCTAssertEqual(CellOutput.storedForm("x\0y\n"), "x\u{2400}y")
        XCTAssertEqual(CellOutput.storedForm("\nlead\rmid"), "\nlead\rmid")
        XCTAssertEqual(CellOutput.storedForm("\n\n"), "")
    }

    func testRenumberedMatchesParsedLines() throws {
        let notebook = Notebook(cells: [
            NotebookCell(kind: .markdown, source: "# T\n\ntext"),
            NotebookCell(kind: .code, source: "1\n2", output: CellOutput(text: "2\n")),
            NotebookCell(kind: .code, source: "", name: "empty"),
            NotebookCell(kind: .parameters, source: "let a = 1", output: CellOutput(text: "x\ny", isError: true)),
        ]).renumbered()
        let parsed = try Notebook.parse(notebook.serialized(), file: notebook.file)
        XCTAssertEqual(parsed, notebook)
        XCTAssertEqual(notebook.cells.map(\.line), [1, 6, 13, 15])
    }

    func testInvalidCellNamesAreMadeValidWhenWritten() throws {
        let text = Notebook(cells: [NotebookCell(kind: .code, source: "1", name: "my cell/1")]).serialized()
        XCTAssertEqual(text, "#%% code id=my_cell_1\n1\n")
        XCTAssertNoThrow(try Notebook.parse(text, file: "n.gnb"))
    }

    func testSessionBuildsCodeCellsWithOutputs() throws {
        let notebook = Notebook.session(from: [
            SessionEntry(code: "let x = 2\n", output: ""),
            SessionEntry(code: "   \n", output: ""),
            SessionEntry(code: "#%% not a marker\nprint(x * 3)\nx", output: "6\n2\n"),
            SessionEntry(code: "x +", output: "<input>:1:4: error: expected an expression", isError: true),
        ])
        XCTAssertEqual(notebook.cells.count, 3)
        XCTAssertEqual(notebook.serialized(), """
            #%% code
            let x = 2

            #%% code
            \\#%% not a marker
            print(x * 3)
            x

            #%% output
            6
            2

            #%% code raises
            x +

            #%% output error
            <input>:1:4: error: expected an expression

            """)
        XCTAssertEqual(try Notebook.parse(notebook.serialized(), file: "session.gnb"), notebook)
        let pairs = Notebook.session(from: [(code: "1", output: "1\n")])
        XCTAssertEqual(pairs.cells, [NotebookCell(kind: .code, source: "1", output: CellOutput(text: "1", line: 4), line: 1)])
    }

    func testDisplayNameIsTheLastPathComponent() {
        XCTAssertEqual(Notebook(file: "Notebooks/intro/attention.gnb").displayName, "attention.gnb")
        XCTAssertEqual(Notebook(file: "plain.gnb").displayName, "plain.gnb")
    }
}
