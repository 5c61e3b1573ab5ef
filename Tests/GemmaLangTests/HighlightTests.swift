// Syntax highlighting from the scanner: spans cover the source exactly, and keywords, strings
// (with interpolation), numbers and comments get their roles, even where they look alike.
import GemmaLang
import XCTest

final class HighlightTests: XCTestCase {
    func roles(_ source: String) -> [(SyntaxRole, String)] {
        Interpreter.highlight(source).map { ($0.role, $0.text) }
    }

    func text(of role: SyntaxRole, in source: String) -> [String] {
        Interpreter.highlight(source).filter { $0.role == role }.map(\.text)
    }

    func testSpansJoinBackToTheSource() {
        for source in ["", "let x = 1", "fn f(a) => a * 2 # double\n\nf(3)\r\nprint(\"é中🦙\")",
                       "let s = \"a \\(1 + 2) b\"  # tail", "x = 'unterminated", "@ $ ?", "for i in 0..<3 {\n  # c\n}\n"] {
            XCTAssertEqual(Interpreter.highlight(source).map(\.text).joined(), source, source)
        }
    }

    func testRolesOfEachKindOfToken() {
        let source = "let n = 12.5 # twelve and a half\nif n > 3 and not false { print(\"big\", nil) }"
        XCTAssertEqual(text(of: .keyword, in: source), ["let", "if", "and", "not", "false", "nil"])
        XCTAssertEqual(text(of: .number, in: source), ["12.5", "3"])
        XCTAssertEqual(text(of: .comment, in: source), ["# twelve and a half"])
        XCTAssertEqual(text(of: .string, in: source), ["\"big\""])
        XCTAssertTrue(text(of: .identifier, in: source).contains("print"))
    }

    func testAHashInsideAStringIsNoCommentAndInterpolationIsOneString() {
        let source = "print(\"#1 \\(x + 1)\") # real"
        XCTAssertEqual(text(of: .string, in: source), ["\"#1 \\(x + 1)\""])
        XCTAssertEqual(text(of: .comment, in: source), ["# real"])
        XCTAssertEqual(text(of: .number, in: source), [], "the 1 inside the interpolation belongs to the string")
    }

    func testRejectedCharactersArePlainAndTheRestStillHighlights() {
        let spans = roles("let a = 1 @ 2")
        XCTAssertEqual(spans.first?.0, .keyword)
        XCTAssertTrue(spans.contains { $0.0 == .plain && $0.1.contains("@") })
        XCTAssertEqual(text(of: .number, in: "let a = 1 @ 2"), ["1", "2"])
    }
}
