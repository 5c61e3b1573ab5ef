// Runs every script in Scripts/ and checks it against the expectations written in its comments
// (Crafting Interpreters' test style): `# expect: text` for each printed line, in order;
// `# error: line:column: message` for each diagnostic, in order; a line `# cell` starts a new
// input to the same interpreter (as a notebook cell or REPL entry would).
import Foundation
import GemmaLang
import XCTest

final class ScriptTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Scripts")

    struct Expectations {
        var output: [String] = []
        var errors: [String] = []
        /// Each cell's text and the line number it starts at.
        var cells: [(text: String, firstLine: Int)] = []
    }

    static func expectations(of source: String) -> Expectations {
        var result = Expectations()
        var cellLines: [String] = []
        var cellStart = 1
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (offset, line) in lines.enumerated() {
            if line.trimmingCharacters(in: .whitespaces) == "# cell" {
                result.cells.append((cellLines.joined(separator: "\n"), cellStart))
                cellLines = []
                cellStart = offset + 2
                continue
            }
            cellLines.append(line)
            if let range = line.range(of: "# expect:") {
                var text = String(line[range.upperBound...])
                if text.hasPrefix(" ") { text.removeFirst() }
                result.output.append(text)
            } else if let range = line.range(of: "# error: ") {
                result.errors.append(String(line[range.upperBound...]))
            }
        }
        result.cells.append((cellLines.joined(separator: "\n"), cellStart))
        return result
    }

    /// Runs a script; returns its printed lines and its diagnostics as `line:column: message`.
    static func run(_ source: String, file: String) -> (output: [String], errors: [String]) {
        let interpreter = Interpreter()
        var printed = ""
        interpreter.output = { printed += $0 }
        var errors: [String] = []
        for cell in expectations(of: source).cells {
            let result = interpreter.run(cell.text, file: file, firstLine: cell.firstLine)
            errors += result.diagnostics.map(\.shortForm)
        }
        var output = printed.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if output.last == "" { output.removeLast() }
        return (output, errors)
    }

    func testEveryScript() throws {
        let files = try FileManager.default.contentsOfDirectory(at: Self.folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "gnbs" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        XCTAssertGreaterThanOrEqual(files.count, 40, "expected at least 40 scripts")
        for file in files {
            let source = try String(contentsOf: file, encoding: .utf8)
            let expected = Self.expectations(of: source)
            let actual = Self.run(source, file: file.lastPathComponent)
            XCTAssertEqual(actual.output, expected.output, "output of \(file.lastPathComponent)")
            XCTAssertEqual(actual.errors, expected.errors, "errors of \(file.lastPathComponent)")
            if expected.output.isEmpty && expected.errors.isEmpty {
                XCTFail("\(file.lastPathComponent) expects nothing; every script must check something")
            }
        }
    }
}
