// Tensors in scripts: statistics, indexing and slicing on every axis, arithmetic with numbers
// and tensors, and the helpers (topk, reshape, list, histogram).
import Bindings
import Foundation
import Gemma
import GemmaLang
import Inspect
import XCTest

final class TensorTests: XCTestCase {
    func session() -> (ScriptSession, Tensor, Tensor) {
        let s = ScriptSession()
        s.run("let t = run(\" the man was in the water\", hooks: [\"blocks.0.hook_resid_post\", \"blocks.1.attn.hook_pattern\", \"blocks.1.mlp.hook_post\"])")
        s.run("let x = t[\"blocks.0.hook_resid_post\"]\nlet p = t.layer(1).attn.pattern\nlet m = t[\"blocks.1.mlp.hook_post\"]")
        let x = (s.run("x")?.objectValue as? TensorObject)?.tensor ?? Tensor(zeros: [0])
        let p = (s.run("p")?.objectValue as? TensorObject)?.tensor ?? Tensor(zeros: [0])
        return (s, x, p)
    }

    func values(_ s: ScriptSession, _ source: String, file: StaticString = #filePath, line: UInt = #line) -> Tensor? {
        (s.run(source, file: file, line: line)?.objectValue as? TensorObject)?.tensor
    }

    func testStatistics() {
        let (s, x, _) = session()
        XCTAssertEqual(x.shape, [7, 64])
        let doubles = x.data.map(Double.init)
        let mean = doubles.reduce(0, +) / Double(doubles.count)
        XCTAssertEqual(s.number("x.mean()") ?? 0, mean, accuracy: 1e-4)
        XCTAssertEqual(s.number("x.sum()") ?? 0, doubles.reduce(0, +), accuracy: 1e-3)
        XCTAssertEqual(s.number("x.std()") ?? 0, (doubles.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(doubles.count)).squareRoot(), accuracy: 1e-4)
        XCTAssertEqual(s.number("x.min()"), Double(x.data.min()!))
        XCTAssertEqual(s.number("x.max()"), Double(x.data.max()!))
        XCTAssertEqual(s.number("x.norm()") ?? 0, doubles.map { $0 * $0 }.reduce(0, +).squareRoot(), accuracy: 1e-3)
        XCTAssertEqual(s.number("x.argmax()"), Double(x.data.firstIndex(of: x.data.max()!)!))
        XCTAssertEqual(s.number("x.size"), 448)
        XCTAssertEqual(s.number("len(x)"), 7)
        XCTAssertEqual(s.run("x.topk(2)")?.listItems?.first?.listItems?.first?.numberValue, s.number("x.argmax()"))
        XCTAssertEqual(s.number("x.cosine(x)") ?? 0, 1, accuracy: 1e-5)
        let display = s.display("x")
        XCTAssertTrue(display.hasPrefix("blocks.0.hook_resid_post: Tensor[7×64] mean"), display)
        XCTAssertEqual(display.split(separator: "\n").count, 8, "a summary and one sparkline per row:\n\(display)")
        XCTAssertTrue(s.display("x.histogram(bins: 5)").contains("\n") || !s.display("x.histogram(bins: 5)").isEmpty)
        s.expectError("x.histogram(bins: 0)", "bins must be between 1 and 1000")
    }

    func testIndexingAndSlicing() {
        let (s, x, p) = session()
        XCTAssertEqual(values(s, "x[0]"), Tensor(shape: [64], data: Array(x.data[0..<64])))
        XCTAssertEqual(values(s, "x[-1]"), Tensor(shape: [64], data: Array(x.data[6 * 64 ..< 7 * 64])))
        XCTAssertEqual(values(s, "x[1:3]"), Tensor(shape: [2, 64], data: Array(x.data[64 ..< 192])))
        XCTAssertEqual(values(s, "x[:, 1]"), Tensor(shape: [7], data: (0..<7).map { x.data[$0 * 64 + 1] }))
        var picked: [Float] = []
        for position in [0, 3, 6] { picked += [x.data[position * 64 + 2], x.data[position * 64 + 3]] }
        XCTAssertEqual(values(s, "x[::3, 2:4]"), Tensor(shape: [3, 2], data: picked))
        XCTAssertEqual(s.number("x[2, 5]"), Double(x.data[2 * 64 + 5]))
        XCTAssertEqual(s.number("x[2][5]"), Double(x.data[2 * 64 + 5]))
        XCTAssertEqual(values(s, "p[1, :, 0]"), Tensor(shape: [7], data: (0..<7).map { p.data[(1 * 7 + $0) * 7] }))
        XCTAssertEqual(values(s, "x.row(3)"), Tensor(shape: [64], data: Array(x.data[192 ..< 256])))
        XCTAssertEqual(s.number("len(x[10:])"), 0)
        XCTAssertEqual(s.run("x[0:2, 0:2].list()")?.listItems?.count, 2)
        XCTAssertEqual(s.number("let n = 0\nfor row in x { n += 1 }\nn"), 7)
        s.expectError("x[7]", "index 7 is outside 0..<7 on axis 0")
        s.expectError("x[0, 64]", "index 64 is outside 0..<64 on axis 1")
        s.expectError("x[0, 0, 0]", "too many indices")
        s.expectError("x[1.5]", "tensor index must be a whole number")
        s.expectError("x[inf]", "tensor index must be a whole number")
        s.expectError("x[\"a\"]", "tensor index must be a whole number, got string")
        s.expectError("x[::0]", "slice step cannot be 0")
    }

    func testArithmeticWithNumbersAndTensors() {
        let (s, x, _) = session()
        XCTAssertEqual(values(s, "x + 1")?.data, x.data.map { $0 + 1 })
        XCTAssertEqual(values(s, "2 * x")?.data, x.data.map { 2 * $0 })
        XCTAssertEqual(values(s, "1 - x")?.data, x.data.map { 1 - $0 })
        XCTAssertEqual(values(s, "x / 4")?.data, x.data.map { $0 / 4 })
        XCTAssertEqual(values(s, "-x")?.data, x.data.map { -$0 })
        XCTAssertEqual(values(s, "x ** 2")?.data, x.data.map { powf($0, 2) })
        XCTAssertEqual(values(s, "x * x")?.data, x.data.map { $0 * $0 })
        XCTAssertEqual(values(s, "x - x")?.data, [Float](repeating: 0, count: 448))
        XCTAssertEqual(values(s, "x[0] + x[1]")?.data, (0..<64).map { x.data[$0] + x.data[64 + $0] })
        XCTAssertEqual(values(s, "x.abs()")?.data, x.data.map(abs))
        let message = s.expectError("x + m", "[7, 64]", "[7, 128]", "do not match")
        XCTAssertFalse(message.isEmpty)
        s.expectError("x + \"a\"", "Tensor")
        XCTAssertEqual(values(s, "x.reshape(64, 7)")?.shape, [64, 7])
        XCTAssertEqual(values(s, "x.flatten()")?.shape, [448])
        s.expectError("x.reshape(3, 5)", "holds 15 values, the tensor has 448")
        s.expectError("x.reshape(1e300)", "whole number")
        s.expectError("x.reshape(1e9, 1e9, 1e9)", "too many values")
        s.expectError("x.reshape(-448)", "0 or more")
    }
}
