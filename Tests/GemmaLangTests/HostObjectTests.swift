// The HostObject seam: a small tensor-like object with members, indexing, slicing,
// arithmetic, iteration and rich display, used from scripts.
import GemmaLang
import XCTest

/// A vector of numbers exposed to scripts, standing in for the model module's tensors.
final class TestVector: HostObject {
    var values: [Double]
    var label = "v"

    init(_ values: [Double]) { self.values = values }

    var typeName: String { "Vector" }
    var memberNames: [String] { ["size", "label", "sum", "scaled"] }
    var shortDescription: String { "Vector(\(values.map { formatNumber($0) }.joined(separator: ", ")))" }
    var count: Int? { values.count }
    var help: String { "Vector: a list of numbers with arithmetic." }

    func display(width: Int) -> String {
        "Vector \(label) [\(values.count)]\n" + values.enumerated().map { "  \($0.offset): \(formatNumber($0.element))" }.joined(separator: "\n")
    }

    func member(_ name: String, interpreter: Interpreter) throws -> Value? {
        switch name {
        case "size": return .number(Double(values.count))
        case "label": return .string(label)
        case "sum":
            return .native(NativeFunction(signature: "sum()", help: "The sum of the values.") { _, _ in
                .number(self.values.reduce(0, +))
            })
        case "scaled":
            return .native(NativeFunction(signature: "scaled(by, offset: 0)", help: "by * v + offset") { arguments, _ in
                let factor = try arguments.number(0, name: "by")
                let offset = try arguments.number(1, name: "offset", default: 0)
                return .object(TestVector(self.values.map { $0 * factor + offset }))
            })
        default: return nil
        }
    }

    func index(_ index: Value, interpreter: Interpreter) throws -> Value {
        guard let number = index.numberValue, let position = Int(exactly: number),
              values.indices.contains(position) else {
            throw GemmaLangError.message("Vector index \(index.repr) out of range")
        }
        return .number(values[position])
    }

    func index(items: [IndexItem], interpreter: Interpreter) throws -> Value {
        if items.count == 1, case let .slice(start, end, step) = items[0], step == nil {
            let from = start ?? 0, to = min(end ?? values.count, values.count)
            return .object(TestVector(Array(values[from..<max(from, to)])))
        }
        if items.count == 1, case .value(let value) = items[0] { return try index(value, interpreter: interpreter) }
        throw GemmaLangError.message("Vector takes one index or a simple slice")
    }

    func setIndex(_ index: Value, to value: Value, interpreter: Interpreter) throws {
        guard let position = index.numberValue.flatMap({ Int(exactly: $0) }), let number = value.numberValue else {
            throw GemmaLangError.message("Vector items are numbers")
        }
        values[position] = number
    }

    func setMember(_ name: String, to value: Value, interpreter: Interpreter) throws {
        guard name == "label", let text = value.stringValue else {
            throw GemmaLangError.message("only 'label' can be set on a Vector")
        }
        label = text
    }

    func binary(_ op: BinaryOperator, _ other: Value, reversed: Bool) throws -> Value? {
        let others: [Double]
        switch other {
        case .number(let n): others = Array(repeating: n, count: values.count)
        case .object(let object as TestVector): others = object.values
        default: return nil
        }
        let pairs = zip(values, others).map { reversed ? ($1, $0) : ($0, $1) }
        switch op {
        case .add: return .object(TestVector(pairs.map { $0 + $1 }))
        case .subtract: return .object(TestVector(pairs.map { $0 - $1 }))
        case .multiply: return .object(TestVector(pairs.map { $0 * $1 }))
        default: return nil
        }
    }

    func unary(_ op: UnaryOperator) throws -> Value? {
        op == .negate ? .object(TestVector(values.map { -$0 })) : nil
    }

    func iterate() throws -> [Value]? { values.map { .number($0) } }
}

final class HostObjectTests: XCTestCase {
    private func interpreter() -> (Interpreter, () -> String) {
        let interpreter = Interpreter()
        let box = OutputBox()
        interpreter.output = { box.text += $0 }
        interpreter.define("v", .object(TestVector([1, 2, 3])))
        interpreter.register(NativeFunction(signature: "vector(items)", help: "Makes a Vector.") { arguments, _ in
            let items = try arguments.list(0, name: "items").items.compactMap(\.numberValue)
            return .object(TestVector(items))
        })
        return (interpreter, { box.text })
    }

    private func value(_ interpreter: Interpreter, _ source: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        let result = interpreter.run(source)
        XCTAssertEqual(result.diagnostics.map(\.message), [], file: file, line: line)
        return result.value?.repr ?? "<no value>"
    }

    func testMembersAndMethods() {
        let (interpreter, _) = interpreter()
        XCTAssertEqual(value(interpreter, "v.size"), "3")
        XCTAssertEqual(value(interpreter, "v.sum()"), "6")
        XCTAssertEqual(value(interpreter, "v.scaled(2, offset: 1)"), "Vector(3, 5, 7)")
        XCTAssertEqual(value(interpreter, "let s = v.scaled\ns(by: 10).sum()"), "60")
        XCTAssertEqual(value(interpreter, "type(v)"), "\"Vector\"")
        let unknown = interpreter.run("v.sise")
        XCTAssertEqual(unknown.diagnostics.first?.message, "Vector has no member 'sise' (did you mean 'size'?)")
        let badArgument = interpreter.run("v.scaled(by: 2, shift: 1)")
        XCTAssertEqual(badArgument.diagnostics.first?.message, "scaled(): unknown argument 'shift' (accepted: by, offset)")
        let wrongType = interpreter.run("v.scaled(\"two\")")
        XCTAssertEqual(wrongType.diagnostics.first?.message, "scaled(): argument 'by' must be a number, got string")
    }

    func testIndexingSlicingAndAssignment() {
        let (interpreter, _) = interpreter()
        XCTAssertEqual(value(interpreter, "v[1]"), "2")
        XCTAssertEqual(value(interpreter, "v[1:]"), "Vector(2, 3)")
        XCTAssertEqual(value(interpreter, "v[0] = 10\nv.label = \"w\"\nv.label + str(v[0])"), "\"w10\"")
        XCTAssertEqual(interpreter.run("v[7]").diagnostics.first?.message, "Vector index 7 out of range")
        XCTAssertEqual(interpreter.run("v[0, 1]").diagnostics.first?.message, "Vector takes one index or a simple slice")
        XCTAssertEqual(interpreter.run("v.size = 2").diagnostics.first?.message, "only 'label' can be set on a Vector")
    }

    func testArithmeticBothWays() {
        let (interpreter, _) = interpreter()
        XCTAssertEqual(value(interpreter, "v + 1"), "Vector(2, 3, 4)")
        XCTAssertEqual(value(interpreter, "10 - v"), "Vector(9, 8, 7)")
        XCTAssertEqual(value(interpreter, "v * v"), "Vector(1, 4, 9)")
        XCTAssertEqual(value(interpreter, "-v"), "Vector(-1, -2, -3)")
        XCTAssertEqual(value(interpreter, "v == v"), "true")
        XCTAssertEqual(value(interpreter, "v == vector([1, 2, 3])"), "false")
        XCTAssertEqual(interpreter.run("v % 2").diagnostics.first?.message, "cannot apply '%' to Vector and number")
        XCTAssertEqual(interpreter.run("v + \"a\"").diagnostics.first?.message.hasPrefix("cannot add Vector and string"), true)
    }

    func testIterationLengthAndBuiltins() {
        let (interpreter, output) = interpreter()
        XCTAssertEqual(value(interpreter, "let total = 0\nfor x in v { total += x }\ntotal"), "6")
        XCTAssertEqual(value(interpreter, "[len(v), sum(v), max(v), list(v)]"), "[3, 6, 3, [1, 2, 3]]")
        _ = interpreter.run("for (a, b) in zip(v, [10, 20]) { print(a + b) }")
        XCTAssertEqual(output(), "11\n22\n")
    }

    func testDisplayForms() {
        let (interpreter, output) = interpreter()
        _ = interpreter.run("print(v)\nprint([v])\nprint(\"in text: \\(v)\")\nprint(str(v), v)")
        XCTAssertEqual(output(), """
            Vector v [3]
              0: 1
              1: 2
              2: 3
            [Vector(1, 2, 3)]
            in text: Vector(1, 2, 3)
            Vector(1, 2, 3) Vector(1, 2, 3)

            """)
        let result = interpreter.run("v")
        XCTAssertEqual(result.value?.display(width: 80).hasPrefix("Vector v [3]\n"), true)
        XCTAssertEqual(interpreter.help(for: "v"), "Vector: a list of numbers with arithmetic.")
        XCTAssertEqual(interpreter.help(for: "vector"), "vector(items)\n  Makes a Vector.")
    }

    func testCompletionOfHostMembers() {
        let (interpreter, _) = interpreter()
        XCTAssertEqual(interpreter.completions(for: "v.s", cursor: 3), ["scaled", "size", "sum"])
        _ = interpreter.run("let wrapper = {inner: v}")
        XCTAssertEqual(interpreter.completions(for: "wrapper.inner.la", cursor: 16), ["label"])
    }

    func testObjectWithoutOptionalFeatures() {
        final class Opaque: HostObject {
            var typeName: String { "Opaque" }
            func member(_ name: String, interpreter: Interpreter) throws -> Value? { nil }
            var memberNames: [String] { [] }
            var shortDescription: String { "<opaque>" }
        }
        let interpreter = Interpreter()
        interpreter.define("o", .object(Opaque()))
        let messages = ["o[0]", "o + 1", "-o", "for x in o { }", "len(o)", "o.x = 1", "o[0] = 1"]
            .map { interpreter.run($0).diagnostics.first?.message ?? "" }
        XCTAssertEqual(messages, [
            "Opaque cannot be indexed", "cannot apply '+' to Opaque and number", "cannot negate Opaque",
            "cannot iterate over Opaque", "len() is not defined for an Opaque",
            "cannot set 'x' on Opaque", "Opaque does not support item assignment",
        ])
        XCTAssertEqual(interpreter.run("o").value?.display(width: 80), "<opaque>")
        XCTAssertEqual(interpreter.run("not o").value?.repr, "false")
    }
}

/// Collects output written from the interpreter's thread (read after `run` returns).
final class OutputBox: @unchecked Sendable {
    var text = ""
}
