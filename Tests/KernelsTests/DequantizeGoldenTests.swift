// Dequantization against golden data: ggml blocks (real fixture and Gemma 3 weights, gguf-py
// quantized, random) and the Floats gguf-py's dequantize computes from them, bit for bit.
import GGUF
import Kernels
import XCTest

final class DequantizeGoldenTests: XCTestCase {
    func testEveryGoldenCaseIsBitExact() throws {
        let goldens = try QuantGoldens.load()
        XCTAssertGreaterThanOrEqual(goldens.dequantize.count, 25)
        for golden in goldens.dequantize {
            let type = try XCTUnwrap(GGMLType(named: golden.type), golden.name)
            let blocks = try QuantGoldens.bytes(golden.blocks)
            let expected = try QuantGoldens.floats(golden.expected)
            XCTAssertEqual(blocks.count, type.rowBytes(golden.count), golden.name)
            XCTAssertEqual(expected.count, golden.count, golden.name)

            var viaRow = [Float](repeating: .nan, count: golden.count)
            try blocks.withUnsafeBytes { raw in
                try viaRow.withUnsafeMutableBufferPointer { out in
                    try Dequantize.row(type, from: raw.baseAddress!, count: golden.count, into: out.baseAddress!)
                }
            }
            assertBitExact(viaRow, expected, golden.name + " (row)")

            let viaArray = try blocks.withUnsafeBytes { try Dequantize.toArray(type, $0, count: golden.count) }
            assertBitExact(viaArray, expected, golden.name + " (toArray)")
        }
    }

    /// Every supported type has golden data, and the four weight types of Gemma 3 270M and the
    /// six fixture types come from real files.
    func testGoldensCoverEverySupportedType() throws {
        let goldens = try QuantGoldens.load()
        let covered = Set(goldens.dequantize.compactMap { GGMLType(named: $0.type) })
        for type in Dequantize.supportedTypes {
            XCTAssertTrue(covered.contains(type), "no golden data for \(type)")
        }
        let real = Set(goldens.dequantize.filter { $0.name.hasSuffix(".small-gemma2") }.map(\.type))
        XCTAssertEqual(real, ["Q4_0", "Q8_0", "Q4_K", "Q6_K", "F16", "BF16", "F32"])
    }

    /// A row that starts at an odd address (blocks of 18, 22, 34, 110 and 210 bytes put scales
    /// at odd offsets in a tensor) dequantizes the same.
    func testUnalignedSource() throws {
        let goldens = try QuantGoldens.load()
        for golden in goldens.dequantize where golden.name.hasSuffix(".random") {
            let type = try XCTUnwrap(GGMLType(named: golden.type))
            let blocks = try QuantGoldens.bytes(golden.blocks)
            let expected = try QuantGoldens.floats(golden.expected)
            let shifted = [0] + blocks
            let values = try shifted.withUnsafeBytes { raw in
                try Dequantize.toArray(type, UnsafeRawBufferPointer(rebasing: raw[1...]), count: golden.count)
            }
            assertBitExact(values, expected, golden.name + " (unaligned)")
        }
    }

    /// Dequantizing a prefix of the blocks gives a prefix of the values.
    func testPartialRows() throws {
        let goldens = try QuantGoldens.load()
        for golden in goldens.dequantize {
            let type = try XCTUnwrap(GGMLType(named: golden.type))
            let blocks = try QuantGoldens.bytes(golden.blocks)
            let expected = try QuantGoldens.floats(golden.expected)
            let count = type.blockSize * 3
            guard count <= golden.count else { continue }
            let values = try blocks.withUnsafeBytes { try Dequantize.toArray(type, $0, count: count) }
            assertBitExact(values, Array(expected[0..<count]), golden.name + " (3 blocks)")
        }
    }
}
