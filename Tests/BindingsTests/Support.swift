// A script session for the binding tests: a real Interpreter with the runtime installed on the
// tiny fixture model, its printed output collected, and helpers to run code and check errors.
import Bindings
import Foundation
import GemmaLang
import XCTest

enum Fixtures {
    static let reference = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/reference")
    static func path(_ name: String) -> String { reference.appendingPathComponent(name).path }
    static let tinyPath = path("tiny-gemma2-f32.gguf")
}

/// An interpreter with the workspace installed, and what it printed.
final class ScriptSession: @unchecked Sendable {  // output is appended under a lock from the script thread
    let interpreter = Interpreter()
    let workspace: Workspace
    private let lock = NSLock()
    private var printed: [String] = []

    init(model: String = Fixtures.tinyPath) {
        workspace = Workspace(modelReference: model, threads: 1, colorMode: .plain, width: 100)
        workspace.install(into: interpreter)
        interpreter.displayWidth = 100
        interpreter.output = { [lock] text in lock.withLock { self.printed.append(text) } }
    }

    /// Everything printed since the last call, joined.
    func takeOutput() -> String {
        lock.withLock {
            defer { printed.removeAll() }
            return printed.joined()
        }
    }

    /// Runs `source`; fails the test on a diagnostic; returns the last expression's value.
    @discardableResult
    func run(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> Value? {
        let result = interpreter.run(source)
        XCTAssertTrue(result.succeeded, "\(source)\n" + result.diagnostics.map { $0.rendered(color: false) }.joined(separator: "\n"),
                      file: file, line: line)
        return result.value
    }

    /// The display of the last expression's value, as the REPL would show it.
    func display(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        run(source, file: file, line: line)?.display(width: 100) ?? ""
    }

    func number(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> Double? {
        run(source, file: file, line: line)?.numberValue
    }

    func string(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
        run(source, file: file, line: line)?.stringValue
    }

    /// Runs `source`, expects one runtime error whose message contains every fragment, and
    /// returns the message.
    @discardableResult
    func expectError(_ source: String, _ fragments: String..., file: StaticString = #filePath, line: UInt = #line) -> String {
        let result = interpreter.run(source)
        guard let diagnostic = result.diagnostics.first else {
            XCTFail("expected an error from: \(source)", file: file, line: line)
            return ""
        }
        XCTAssertEqual(diagnostic.kind, .runtime, diagnostic.message, file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(diagnostic.message.contains(fragment), "\"\(diagnostic.message)\" lacks \"\(fragment)\"", file: file, line: line)
        }
        return diagnostic.message
    }

    /// Calls a global native directly and returns the error it throws, which must be a GemmaLangError.
    func callError(_ name: String, _ positional: [Value], named: [String: Value] = [:],
                   file: StaticString = #filePath, line: UInt = #line) -> GemmaLangError? {
        guard let function = interpreter.lookup(name) else {
            XCTFail("no global \(name)", file: file, line: line)
            return nil
        }
        do {
            _ = try interpreter.call(function, Arguments(function: name, positional: positional, named: named))
            XCTFail("\(name) did not throw", file: file, line: line)
            return nil
        } catch let error as GemmaLangError {
            return error
        } catch {
            XCTFail("\(name) threw \(type(of: error)), not a GemmaLangError: \(error)", file: file, line: line)
            return nil
        }
    }
}

/// A new empty folder under the temporary directory, removed when the test ends.
func scratchFolder(_ test: XCTestCase) throws -> String {
    let path = NSTemporaryDirectory() + "bindings-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
}
