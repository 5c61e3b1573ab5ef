// `check` (stored outputs against a fresh run, with diffs) and `update` (atomic write-back,
// refusing a file that changed on disk), plus the sample notebooks.
import GemmaLang
import XCTest
@testable import Notebook

final class NotebookCheckTests: XCTestCase {
    static let upToDate = """
        #%% markdown
        # Counting

        #%% code id=numbers
        let xs = range(1, 8).list()
        for x in xs { print(x * x) }

        #%% output
        1
        4
        9
        16
        25
        36
        49

        #%% code
        let quiet = 1

        #%% code
        xs.len()

        #%% output
        7

        """

    private func check(_ text: String) throws -> NotebookRunResult {
        try NotebookRunner(interpreter: Interpreter()).check(try Notebook.parse(text, file: "count.gnb"))
    }

    func testCheckPassesOnAnUpToDateNotebook() throws {
        let result = try check(Self.upToDate)
        XCTAssertEqual(result.outcome, .succeeded, result.report)
        XCTAssertTrue(result.mismatches.isEmpty)
        XCTAssertEqual(result.report, "count.gnb: ran 3 code cells; every output matches the stored one")
        XCTAssertEqual(result.notebook.serialized(), Self.upToDate)
    }

    func testCheckShowsAUnifiedDiffWithFileLines() throws {
        let edited = Self.upToDate.replacingOccurrences(of: "16\n25\n", with: "16\n26\n")
        let result = try check(edited)
        XCTAssertEqual(result.outcome, .mismatched)
        XCTAssertEqual(result.exitStatus, 1)
        XCTAssertEqual(result.mismatches.map(\.index), [1])
        XCTAssertEqual(result.mismatches[0].diff, """
            count.gnb:4: cell 2 (id=numbers, line 4): the output differs from the stored one
            --- stored
            +++ actual
            @@ -10,6 +10,6 @@
             4
             9
             16
            -26
            +25
             36
             49
            """)
        XCTAssertEqual(result.report, result.mismatches[0].diff + "\ncount.gnb: 1 of 3 code cells differ from the stored outputs")
    }

    func testDiffHunksKeepThreeLinesOfContext() {
        let old = (1...20).map(String.init)
        var new = old
        new[1] = "two"
        new.remove(at: 15)
        XCTAssertEqual(OutputDiff.hunks(old: old, new: new, oldStart: 100, newStart: 100), """
            @@ -100,5 +100,5 @@
             1
            -2
            +two
             3
             4
             5
            @@ -112,7 +112,6 @@
             13
             14
             15
            -16
             17
             18
             19
            """)
        XCTAssertEqual(OutputDiff.hunks(old: old, new: old, oldStart: 1, newStart: 1), "")
        XCTAssertEqual(OutputDiff.hunks(old: [], new: ["a"], oldStart: 8, newStart: 10), "@@ -7,0 +10,1 @@\n+a")
    }

    func testMissingStoredOutputIsAMismatchOnlyWhenTheCellPrints() throws {
        let missing = Self.upToDate.replacingOccurrences(of: "\n\n#%% output\n7\n", with: "\n")
        let result = try check(missing)
        XCTAssertEqual(result.outcome, .mismatched)
        XCTAssertEqual(result.mismatches.map(\.index), [3])
        XCTAssertEqual(result.mismatches[0].diff, """
            count.gnb:20: cell 4 (line 20): the output differs from the stored one
            (no output is stored)
            --- stored
            +++ actual
            @@ -21,0 +24,1 @@
            +7
            """)
        // The cell `let quiet = 1` has no stored output and produces none: no mismatch there.
        XCTAssertFalse(result.mismatches.contains { $0.index == 2 })
        let extra = Self.upToDate.replacingOccurrences(of: "let quiet = 1\n", with: "let quiet = 1\n\n#%% output\nstale\n")
        XCTAssertEqual(try check(extra).mismatches.map(\.index), [2])
    }

    func testErrorFlagAndNocheck() throws {
        let flagged = Self.upToDate.replacingOccurrences(of: "#%% output\n7", with: "#%% output error\n7")
        let result = try check(flagged)
        XCTAssertEqual(result.mismatches.count, 1)
        XCTAssertTrue(result.mismatches[0].diff.contains("(the stored output is an error; the cell now succeeds)"))
        XCTAssertTrue(result.mismatches[0].diff.hasSuffix("+++ actual\n(the text is the same)"))
        let ignored = Self.upToDate.replacingOccurrences(of: "#%% code id=numbers", with: "#%% code id=numbers nocheck")
            .replacingOccurrences(of: "16\n25\n", with: "anything\n")
        XCTAssertEqual(try check(ignored).outcome, .succeeded)
    }

    // MARK: update

    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("nb-update-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func write(_ text: String, name: String = "lesson.gnb") throws -> URL {
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    private func contents(_ url: URL) throws -> String {
        String(decoding: try Data(contentsOf: url), as: UTF8.self)
    }

    func testUpdateWritesTheOutputsAtomically() throws {
        let stale = Self.upToDate.replacingOccurrences(of: "16\n25\n", with: "old\n")
            .replacingOccurrences(of: "\n\n#%% output\n7\n", with: "\n")
        let url = try write(stale)
        XCTAssertEqual(chmod(url.path, 0o600), 0)
        let result = try NotebookRunner(interpreter: Interpreter()).update(fileAt: url)
        XCTAssertEqual(result.outcome, .succeeded, result.report)
        XCTAssertTrue(result.wroteFile)
        XCTAssertEqual(try contents(url), Self.upToDate)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["lesson.gnb"], "no temporary file left")
        let mode = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600, "permissions kept")
        XCTAssertTrue(result.report.hasSuffix("lesson.gnb: wrote the new outputs"), result.report)

        let again = try NotebookRunner(interpreter: Interpreter()).update(fileAt: url)
        XCTAssertFalse(again.wroteFile)
        XCTAssertTrue(again.report.hasSuffix("the stored outputs are up to date"), again.report)
    }

    func testUpdateStoresErrorsWithTheLinesOfTheWrittenFile() throws {
        // The first cell's output grows by three lines, which moves the failing cell down.
        // The file is not canonical either (blank lines at the top, two between cells).
        let url = try write("\n\n#%% code\nfor i in 0..<3 { print(i) }\n\n\n#%% code\n\nlet y = nope + 1\n\n#%% code\nprint(\"after\")\n\n#%% output\nkept\n")
        let result = try NotebookRunner(interpreter: Interpreter()).update(fileAt: url)
        XCTAssertEqual(result.outcome, .failed)
        XCTAssertTrue(result.wroteFile)
        let expected = """
            #%% code
            for i in 0..<3 { print(i) }

            #%% output
            0
            1
            2

            #%% code

            let y = nope + 1

            #%% output error
            lesson.gnb:11:9: error: undefined variable 'nope'
            let y = nope + 1
                    ^~~~

            #%% code
            print("after")

            #%% output
            kept

            """
        XCTAssertEqual(try contents(url), expected)
        // Checking the written file reproduces the stored error exactly.
        let check = try NotebookRunner(interpreter: Interpreter()).check(try Notebook.load(contentsOf: url))
        XCTAssertEqual(check.outcome, .failed)
        XCTAssertTrue(check.mismatches.isEmpty, check.report)

        // An error in the first cell is numbered as written too (the blank lines at the top go).
        let first = try write("\n\n#%% code\nnope\n", name: "first.gnb")
        _ = try NotebookRunner(interpreter: Interpreter()).update(fileAt: first)
        XCTAssertEqual(try contents(first), "#%% code\nnope\n\n#%% output error\nfirst.gnb:2:1: error: undefined variable 'nope'\nnope\n^~~~\n")
    }

    func testUpdateRefusesAFileThatChangedOnDisk() throws {
        let url = try write(Self.upToDate.replacingOccurrences(of: "16\n25\n", with: "old\n"))
        for edit in ["appended line\n", "same size"] {
            try Data(Self.upToDate.replacingOccurrences(of: "16\n25\n", with: "old\n").utf8).write(to: url)
            let runner = NotebookRunner(interpreter: Interpreter())
            var edited = ""
            runner.onCellOutput = { _, _ in
                guard edited.isEmpty, var text = try? self.contents(url) else { return }
                if edit == "same size" {
                    text = text.replacingOccurrences(of: "Counting", with: "Cointing")
                } else {
                    text += edit
                }
                try? Data(text.utf8).write(to: url)
                edited = text
            }
            XCTAssertThrowsError(try runner.update(fileAt: url)) { error in
                XCTAssertEqual(error as? NotebookError, .changedOnDisk(file: url.path))
                XCTAssertTrue("\(error)".contains("changed on disk since it was read"))
            }
            XCTAssertEqual(try contents(url), edited, "the other writer's version is kept")
        }
    }

    func testWriteCreatesAParseableFile() throws {
        let url = folder.appendingPathComponent("session.gnb")
        let session = Notebook.session(from: [(code: "print(1)", output: "1\n")])
        try session.write(to: url)
        XCTAssertEqual(try Notebook.load(contentsOf: url).cells.map(\.source), ["print(1)"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["session.gnb"])
        let check = try NotebookRunner(interpreter: Interpreter()).check(try Notebook.load(contentsOf: url))
        XCTAssertEqual(check.outcome, .succeeded, check.report)
    }

    // MARK: samples

    func testSampleNotebooksAreCanonicalAndUpToDate() throws {
        let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Samples")
        let names = try FileManager.default.contentsOfDirectory(atPath: samples.path).filter { $0.hasSuffix(".gnb") }.sorted()
        XCTAssertEqual(names, ["errors.gnb", "words.gnb"])
        for name in names {
            let url = samples.appendingPathComponent(name)
            let bytes = try Data(contentsOf: url)
            let notebook = try Notebook.load(contentsOf: url)
            XCTAssertEqual(Array(notebook.serialized().utf8), Array(bytes), "\(name) is not canonical")
            let result = try NotebookRunner(interpreter: Interpreter()).check(notebook)
            XCTAssertEqual(result.outcome, .succeeded, result.report)
        }
    }

    func testSampleParametersChangeTheOutputs() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Samples/words.gnb")
        let result = try NotebookRunner(interpreter: Interpreter())
            .check(try Notebook.load(contentsOf: url), parameters: ["sentence": "a b a", "top": "1"])
        XCTAssertEqual(result.outcome, .mismatched)
        XCTAssertEqual(result.cells.first { $0.cell.name == "count" }?.output.text, "[[\"a\", 2]]")
    }
}
