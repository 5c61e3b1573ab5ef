// Quantize -> dequantize stays within each format's error bound, on random rows of several
// scales; Q8_K's bsums are the sums of its quants.
import GGUF
import Kernels
import XCTest

final class QuantizeRoundTripTests: XCTestCase {
    /// A reproducible pseudo-random row: normal-ish values (sum of uniforms) times `scale`, with
    /// a few outliers.
    static func row(count: Int, scale: Float, seed: UInt64) -> [Float] {
        var state = seed
        func uniform() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24) - 0.5
        }
        return (0..<count).map { index in
            let value = (uniform() + uniform() + uniform() + uniform()) * scale
            return index % 97 == 0 ? value * 40 : value
        }
    }

    static func roundTrip(_ row: [Float], _ type: GGMLType) throws -> [Float] {
        let bytes = try QuantizeGoldenTests.quantize(row, format: type.name)
        return try bytes.withUnsafeBytes { try Dequantize.toArray(type, $0, count: row.count) }
    }

    /// Per block, |x - x'| <= factor * amax + slack.
    static func checkBlocks(
        _ row: [Float], _ back: [Float], blockSize: Int, factor: Float, slack: Float = 0, _ label: String
    ) {
        for start in stride(from: 0, to: row.count, by: blockSize) {
            let block = start..<start + blockSize
            let amax = row[block].map(abs).max() ?? 0
            let worst = block.map { abs(row[$0] - back[$0]) }.max() ?? 0
            XCTAssertLessThanOrEqual(worst, factor * amax + slack, "\(label) block at \(start)")
        }
    }

    func testQ8_0ErrorIsAboutHalfAStep() throws {
        for (seed, scale) in [(1, Float(1)), (2, 1e-3), (3, 300)] as [(UInt64, Float)] {
            let row = Self.row(count: 4096, scale: scale, seed: seed)
            // half a step (amax / 254) plus fp16 rounding of the scale, relative (127 * 2^-12
            // steps) or, for a subnormal fp16 scale, absolute (127 * 2^-25)
            let slack = 127 * Float(sign: .plus, exponent: -25, significand: 1)
            Self.checkBlocks(row, try Self.roundTrip(row, .q8_0), blockSize: 32, factor: 0.57 / 127, slack: slack, "Q8_0")
        }
    }

    func testQ4_0ErrorIsAtMostOneStep() throws {
        for (seed, scale) in [(4, Float(1)), (5, 1e-3), (6, 300)] as [(UInt64, Float)] {
            let row = Self.row(count: 4096, scale: scale, seed: seed)
            // steps are amax / 8; -max clips to 7 steps, a whole step off
            let slack = 8 * Float(sign: .plus, exponent: -25, significand: 1)
            Self.checkBlocks(row, try Self.roundTrip(row, .q4_0), blockSize: 32, factor: 1.01 / 8, slack: slack, "Q4_0")
        }
    }

    func testQ8_KErrorIsHalfAStep() throws {
        for (seed, scale) in [(7, Float(1)), (8, 1e-3), (9, 300)] as [(UInt64, Float)] {
            let row = Self.row(count: 4096, scale: scale, seed: seed)
            Self.checkBlocks(row, try Self.roundTrip(row, .q8_K), blockSize: 256, factor: 0.5001 / 127, "Q8_K")
        }
    }

    func testHalfPrecisionRelativeError() throws {
        let row = Self.row(count: 4096, scale: 10, seed: 10)
        for (type, bound) in [(GGMLType.f16, Float(1) / 2048), (.bf16, Float(1) / 256)] {
            let back = try Self.roundTrip(row, type)
            for (x, y) in zip(row, back) where abs(x) > 1e-4 {
                XCTAssertLessThanOrEqual(abs(x - y), bound * abs(x), "\(type) \(x)")
            }
        }
    }

    func testQ8_KBlockSumsAreSumsOfQuants() throws {
        let row = Self.row(count: 1024, scale: 2, seed: 11)
        let bytes = try QuantizeGoldenTests.quantize(row, format: "Q8_K")
        for block in 0..<4 {
            let base = 292 * block
            for group in 0..<16 {
                let quants = (0..<16).map { Int(Int8(bitPattern: bytes[base + 4 + 16 * group + $0])) }
                let stored = Int(Int16(bitPattern: UInt16(bytes[base + 260 + 2 * group])
                    | UInt16(bytes[base + 261 + 2 * group]) << 8))
                XCTAssertEqual(stored, quants.reduce(0, +))
            }
        }
    }

    /// The value of largest magnitude survives Q8_0, Q8_K and Q4_0 up to the scale's rounding.
    func testLargestValueIsKept() throws {
        var row = Self.row(count: 256, scale: 1, seed: 12).map { $0 / 100 }   // all below 0.8
        row[17] = -9.75
        let q8K = try Self.roundTrip(row, .q8_K)
        XCTAssertEqual(q8K[17], -9.75, accuracy: 1e-5)
        let q4 = try Self.roundTrip(row, .q4_0)
        XCTAssertEqual(q4[17], -9.75, accuracy: 9.75 / 2048)
        let q8 = try Self.roundTrip(row, .q8_0)
        XCTAssertEqual(q8[17], -9.75, accuracy: 9.75 / 2048)
    }
}
