// Every NotebookError a bad file can produce, with the line (and byte offset) it names.
import XCTest
@testable import Notebook

final class NotebookErrorTests: XCTestCase {
    private func error(parsing bytes: [UInt8], file: String = "bad.gnb") -> NotebookError? {
        do {
            _ = try Notebook.parse(bytes, file: file)
            return nil
        } catch let error as NotebookError {
            return error
        } catch {
            XCTFail("unexpected error \(error)")
            return nil
        }
    }

    private func error(parsing text: String) -> NotebookError? {
        error(parsing: Array(text.utf8))
    }

    func testStructuralErrorsNameTheirLine() {
        let cases: [(String, NotebookError, String)] = [
            ("\n\nhello\n#%% code\n", .textBeforeFirstCell(file: "bad.gnb", line: 3),
             "bad.gnb:3: text before the first cell"),
            ("#%% code\n1\n#%%\n", .missingCellKind(file: "bad.gnb", line: 3),
             "bad.gnb:3: the marker '#%%' needs a cell kind"),
            ("#%% markdown\n\n#%% python\n", .unknownCellKind(file: "bad.gnb", line: 3, kind: "python"),
             "bad.gnb:3: unknown cell kind 'python'"),
            ("#%% markdown raises\n", .unknownAttribute(file: "bad.gnb", line: 1, attribute: "raises", kind: "markdown"),
             "bad.gnb:1: unknown attribute 'raises' for a markdown cell (accepted: id=NAME)"),
            ("#%% code\n1\n#%% output id=x\n", .unknownAttribute(file: "bad.gnb", line: 3, attribute: "id=x", kind: "output"),
             "(accepted: error)"),
            ("#%% code colour=red\n", .unknownAttribute(file: "bad.gnb", line: 1, attribute: "colour=red", kind: "code"),
             "(accepted: id=NAME, raises, nocheck)"),
            ("#%% code raises raises\n", .duplicateAttribute(file: "bad.gnb", line: 1, attribute: "raises"),
             "bad.gnb:1: the attribute 'raises' is given twice"),
            ("#%% code id=a id=b\n", .duplicateAttribute(file: "bad.gnb", line: 1, attribute: "id"), "given twice"),
            ("#%% code id=\n", .invalidCellName(file: "bad.gnb", line: 1, name: ""), "invalid cell id ''"),
            ("#%% code id=a/b\n", .invalidCellName(file: "bad.gnb", line: 1, name: "a/b"), "invalid cell id 'a/b'"),
            ("#%% code id=x\n1\n\n#%% markdown id=x\n", .duplicateCellName(file: "bad.gnb", line: 4, name: "x", firstLine: 1),
             "bad.gnb:4: the cell id 'x' is already used by the cell at line 1"),
            ("#%% output\n1\n", .outputWithoutCode(file: "bad.gnb", line: 1),
             "bad.gnb:1: an output cell must follow a code or parameters cell"),
            ("#%% code\n1\n#%% markdown\nx\n#%% output\n1\n", .outputWithoutCode(file: "bad.gnb", line: 5), "bad.gnb:5:"),
            ("#%% code\n1\n#%% output\n1\n#%% output\n1\n", .duplicateOutput(file: "bad.gnb", line: 5, firstLine: 3),
             "bad.gnb:5: a second output cell for the same code cell (the first is at line 3)"),
            ("#%% parameters\nlet a = 1\n#%% code\n\n#%% parameters\n", .secondParametersCell(file: "bad.gnb", line: 5, firstLine: 1),
             "bad.gnb:5: a second parameters cell (the first is at line 1)"),
        ]
        for (text, expected, message) in cases {
            let actual = error(parsing: text)
            XCTAssertEqual(actual, expected, text)
            XCTAssertTrue(actual?.description.contains(message) == true, "\(actual?.description ?? "nil") lacks \(message)")
        }
    }

    func testParametersCellWithOutputIsFine() throws {
        let notebook = try Notebook.parse("#%% parameters\nprint(1)\n\n#%% output\n1\n", file: "p.gnb")
        XCTAssertEqual(notebook.cells[0].output?.text, "1")
    }

    func testInvalidUTF8ReportsLineAndByteOffset() {
        let prefix = Array("#%% code\nprint(\"".utf8)  // 16 bytes, the bad byte is on line 2
        let cases: [[UInt8]] = [
            [0xFF],                    // never valid
            [0xC0, 0x80],              // overlong NUL
            [0xE0, 0x80, 0x80],        // overlong three-byte form
            [0xED, 0xA0, 0x80],        // a UTF-16 surrogate
            [0xF4, 0x90, 0x80, 0x80],  // past U+10FFFF
            [0x80],                    // a lone continuation byte
            [0xE2, 0x82],              // cut short at the end of the file
        ]
        for bad in cases {
            let bytes = prefix + bad
            XCTAssertEqual(error(parsing: bytes), .invalidUTF8(file: "bad.gnb", line: 2, byteOffset: 16), "\(bad)")
        }
        XCTAssertEqual(error(parsing: prefix + [0xC3, 0xA9, 0x22, 0x0A, 0x0A, 0xE2, 0x28, 0xA1]),
                       .invalidUTF8(file: "bad.gnb", line: 4, byteOffset: 21))
        XCTAssertEqual(NotebookError.invalidUTF8(file: "bad.gnb", line: 4, byteOffset: 21).description,
                       "bad.gnb:4: invalid UTF-8 at byte offset 21; notebooks are UTF-8 text")
        // Valid multi-byte text of every length passes.
        XCTAssertNil(error(parsing: Array("#%% markdown\né € 𝄞 \u{10FFFF}\n".utf8)))
    }

    func testNulByteAndByteOrderMark() {
        XCTAssertEqual(error(parsing: Array("#%% code\n\n1".utf8) + [0, 0x0A]),
                       .nulByte(file: "bad.gnb", line: 3, byteOffset: 11))
        XCTAssertEqual(error(parsing: "#%% code\nprint(\"\0\")\n"), .nulByte(file: "bad.gnb", line: 2, byteOffset: 16))
        XCTAssertEqual(error(parsing: [0xEF, 0xBB, 0xBF] + Array("#%% code\n".utf8)), .byteOrderMark(file: "bad.gnb"))
    }

    func testLoadNamesThePathAndRefusesMissingFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nb-errors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("broken.gnb")
        try Data("#%% code\n1\n#%% output\n1\n#%% output\n2\n".utf8).write(to: url)
        XCTAssertThrowsError(try Notebook.load(contentsOf: url)) { error in
            XCTAssertEqual(error as? NotebookError, .duplicateOutput(file: url.path, line: 5, firstLine: 3))
        }
        XCTAssertThrowsError(try Notebook.load(contentsOf: folder.appendingPathComponent("missing.gnb"))) { error in
            guard case .fileSystem(operation: "open", _, _)? = error as? NotebookError else {
                return XCTFail("\(error)")
            }
        }
    }
}
