// The interpreter's cost grows linearly: eight times the loop iterations, or eighteen times
// the calls, take about eight / eighteen times as long (with room for a loaded machine), so
// a step whose cost grows with the run (a copied environment, a growing list) is caught on
// any machine, fast or slow; no absolute time is asserted.
import Foundation
import GemmaLang
import XCTest

final class PerformanceTests: XCTestCase {
    /// Seconds `source` takes to run, and its value.
    private func timed(_ source: String) -> (seconds: Double, value: Double?) {
        let interpreter = Interpreter()
        let start = DispatchTime.now().uptimeNanoseconds
        let result = interpreter.run(source)
        return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, result.value?.numberValue)
    }

    func testLoopCostIsLinearInIterations() {
        let loop = { (n: Int) in "let s = 0\nfor i in 0..<\(n) { s += i }\ns" }
        let small = timed(loop(100_000)), large = timed(loop(800_000))
        XCTAssertEqual(small.value, 4_999_950_000)
        XCTAssertEqual(large.value, 319_999_600_000)
        print("loops: 100k iterations \(String(format: "%.3f", small.seconds)) s, 800k \(String(format: "%.3f", large.seconds)) s")
        // linear: 8x; quadratic: 64x
        XCTAssertLessThan(large.seconds, 24 * max(small.seconds, 0.005))
    }

    func testCallCostIsLinearInCalls() {
        let fib = { (n: Int) in "fn fib(n) {\n  if n < 2 { return n }\n  return fib(n - 1) + fib(n - 2)\n}\nfib(\(n))" }
        let small = timed(fib(16)), large = timed(fib(22))   // 3 193 and 57 313 calls
        XCTAssertEqual(small.value, 987)
        XCTAssertEqual(large.value, 17711)
        print("calls: fib(16) \(String(format: "%.3f", small.seconds)) s, fib(22) \(String(format: "%.3f", large.seconds)) s")
        // linear: 18x; a cost growing with the depth or the count of calls: far more
        XCTAssertLessThan(large.seconds, 54 * max(small.seconds, 0.005))
    }
}
