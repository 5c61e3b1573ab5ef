// Values: how numbers and collections are written, equality, map keys, Swift literals.
import GemmaLang
import XCTest

final class ValueTests: XCTestCase {
    func testNumbersPrintLikeAPersonWritesThem() {
        let cases: [(Double, String)] = [
            (3, "3"), (3.0, "3"), (-42, "-42"), (0.1, "0.1"), (2.5, "2.5"), (1.0 / 3, "0.3333333333333333"),
            (1e15, "1000000000000000"), (1e16, "1e+16"), (1.5e-7, "1.5e-07"), (123.456, "123.456"),
            (.infinity, "inf"), (-.infinity, "-inf"), (.nan, "nan"), (-0.0, "-0"), (.leastNonzeroMagnitude, "5e-324"),
        ]
        for (number, text) in cases {
            XCTAssertEqual(formatNumber(number), text)
            if number.isFinite { XCTAssertEqual(Double(text), number, "must read back as the same number") }
        }
    }

    func testReprAndDescription() {
        let value: Value = ["a", 1, ["nested": true], [Value.null]]
        XCTAssertEqual(value.repr, "[\"a\", 1, {\"nested\": true}, [nil]]")
        XCTAssertEqual(Value.string("plain").description, "plain")
        XCTAssertEqual(Value.string("plain").repr, "\"plain\"")
        XCTAssertEqual(quoted("tab\t\"q\"\\\u{1}"), "\"tab\\t\\\"q\\\"\\\\\\u{1}\"")
        let long = Value.makeList((0..<250).map { .number(Double($0)) })
        XCTAssertTrue(long.repr.hasSuffix("98, 99, … (150 more)]"))
        XCTAssertEqual(Value.makeMap([("b", 1), ("a", 2)]).repr, "{\"b\": 1, \"a\": 2}")
        XCTAssertEqual(Value.null.display(width: 80), "nil")
    }

    func testTypeNamesAndTruthiness() {
        XCTAssertEqual([Value.null, true, 1, "s", [], [:]].map(\.typeName), ["nil", "bool", "number", "string", "list", "map"])
        XCTAssertEqual([Value.null, false, 0, "", []].map(\.isTruthy), [false, false, true, true, true])
        XCTAssertEqual(Value.number(1).kindDescription, "a number")
        XCTAssertEqual(Value.makeList([]).kindDescription, "a list")
        XCTAssertEqual(Value.null.kindDescription, "nil")
    }

    func testMapKeys() {
        XCTAssertEqual(MapKey(.number(-0.0)), MapKey(.number(0)))
        XCTAssertNil(MapKey(.number(.nan)))
        XCTAssertNil(MapKey(.makeList([])))
        let box = MapBox()
        box[.string("x")] = 1
        box[.number(2)] = "two"
        box[.string("x")] = 3
        XCTAssertEqual(box.keys, [.string("x"), .number(2)])
        XCTAssertEqual(box["x"]?.numberValue, 3)
        box[.string("x")] = nil
        XCTAssertEqual(box.count, 1)
    }

    func testRanges() throws {
        let range = try RangeValue(start: 0, end: 1, step: 0.25)
        XCTAssertEqual(range.count, 4)
        XCTAssertEqual(range.element(at: 3), 0.75)
        XCTAssertTrue(range.contains(0.5))
        XCTAssertFalse(range.contains(1))
        XCTAssertEqual(try RangeValue(start: 5, end: 1, step: -2, isClosed: true).count, 3)
        XCTAssertEqual(try RangeValue(start: 5, end: 1).count, 0)
        XCTAssertThrowsError(try RangeValue(start: 0, end: 1, step: 0))
        XCTAssertThrowsError(try RangeValue(start: 0, end: .infinity))
    }
}
