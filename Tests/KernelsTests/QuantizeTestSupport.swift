// Loading the quantization golden files of Tests/Fixtures/quant (made by
// scripts/dev/make_quant_goldens.py; layout in Tests/Fixtures/quant/README.md).
import Foundation
import GGUF
import XCTest

/// The manifest of Tests/Fixtures/quant and the files it names.
struct QuantGoldens: Decodable {
    /// One dequantization case: raw blocks and the Floats gguf-py computes from them.
    struct DequantizeCase: Decodable {
        let name: String
        let type: String
        let count: Int
        let blocks: String
        let expected: String
        let source: String
    }

    /// One quantization case: a Float row and the bytes ggml's quantizers make of it, by format.
    struct QuantizeCase: Decodable {
        let name: String
        let count: Int
        let input: String
        let description: String
        let expected: [String: String]
    }

    let dequantize: [DequantizeCase]
    let quantize: [QuantizeCase]

    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/quant")

    static func load() throws -> QuantGoldens {
        let data = try Data(contentsOf: folder.appendingPathComponent("manifest.json"))
        return try JSONDecoder().decode(QuantGoldens.self, from: data)
    }

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: folder.appendingPathComponent(relativePath)))
    }

    /// A file of little-endian float32 values.
    static func floats(_ relativePath: String) throws -> [Float] {
        let raw = try bytes(relativePath)
        XCTAssertEqual(raw.count % 4, 0, relativePath)
        return stride(from: 0, to: raw.count - 3, by: 4).map { offset in
            let bits = UInt32(raw[offset]) | UInt32(raw[offset + 1]) << 8
                | UInt32(raw[offset + 2]) << 16 | UInt32(raw[offset + 3]) << 24
            return Float(bitPattern: bits)
        }
    }
}

extension GGMLType {
    /// The type ggml prints as `name` (`Q4_K`), if any.
    init?(named name: String) {
        guard let type = GGMLType.allCases.first(where: { $0.name == name }) else { return nil }
        self = type
    }
}

/// Whether two Floats are the same bit pattern, or both NaN with the same bits.
func sameBits(_ a: Float, _ b: Float) -> Bool {
    a.bitPattern == b.bitPattern
}

/// Asserts `actual` equals `expected` bit for bit; reports the first few differences.
func assertBitExact(_ actual: [Float], _ expected: [Float], _ label: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, "\(label): length", file: file, line: line)
    var shown = 0
    var differing = 0
    for index in 0..<min(actual.count, expected.count) where !sameBits(actual[index], expected[index]) {
        differing += 1
        if shown < 5 {
            shown += 1
            XCTFail("\(label)[\(index)]: got \(actual[index]) (0x\(String(actual[index].bitPattern, radix: 16)))"
                + ", want \(expected[index]) (0x\(String(expected[index].bitPattern, radix: 16)))",
                file: file, line: line)
        }
    }
    if differing > shown {
        XCTFail("\(label): \(differing) values differ in all", file: file, line: line)
    }
}

/// Asserts two byte arrays are equal; reports the first few differing offsets.
func assertSameBytes(_ actual: [UInt8], _ expected: [UInt8], _ label: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, "\(label): length", file: file, line: line)
    let differing = zip(actual, expected).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
    for offset in differing.prefix(5) {
        XCTFail("\(label): byte \(offset) is \(actual[offset]), want \(expected[offset])", file: file, line: line)
    }
    if differing.count > 5 {
        XCTFail("\(label): \(differing.count) bytes differ in all", file: file, line: line)
    }
}
