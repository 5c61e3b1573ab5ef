// Performance sanity: a million loop iterations in a debug build well within two seconds.
import Foundation
import GemmaLang
import XCTest

final class PerformanceTests: XCTestCase {
    /// Sanitized builds (scripts/sanitize sets GEMMA_SANITIZER) run several times slower.
    private let slowdown: Double = ProcessInfo.processInfo.environment["GEMMA_SANITIZER"] == nil ? 1 : 4

    func testMillionIterationLoop() {
        let interpreter = Interpreter()
        let start = Date()
        let result = interpreter.run("let s = 0\nfor i in 0..<1_000_000 { s += i }\ns")
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertEqual(result.value?.numberValue, 499_999_500_000)
        print("1M-iteration loop: \(String(format: "%.2f", elapsed)) s")
        XCTAssertLessThan(elapsed, 2.0 * slowdown)
    }

    func testRecursiveCallsAreReasonablyFast() {
        let interpreter = Interpreter()
        let start = Date()
        let result = interpreter.run("fn fib(n) {\n  if n < 2 { return n }\n  return fib(n - 1) + fib(n - 2)\n}\nfib(22)")
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertEqual(result.value?.numberValue, 17711)
        print("fib(22), 57 313 calls: \(String(format: "%.2f", elapsed)) s")
        XCTAssertLessThan(elapsed, 3.0 * slowdown)
    }
}
