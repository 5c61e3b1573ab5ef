// Tests of the C activation-row preparation in CKernels: Q8_0 and Q8_K quantization
// (bit-exact with ggml's quantize_row_q8_0_ref / quantize_row_q8_K_ref) and fp16 / bf16
// conversion, on the dispatched and the portable path.
import CKernels
import GGUF
import Kernels
import XCTest

final class CKernelsQuantizeTests: XCTestCase {
    override func tearDown() {
        ck_force_portable(0)
        super.tearDown()
    }

    func testQ8_0RowsMatchTheReferenceBitForBit() {
        var generator = SeededGenerator(seed: 10)
        for portable in [false, true] {
            ck_force_portable(portable ? 1 : 0)
            for n in [32, 640, 2304, 9216] {
                var values = TestData.floats(n, using: &generator)
                values.replaceSubrange(0..<32, with: [Float](repeating: 0, count: 32))   // an all-zero block
                let row = TestData.activationRow(for: .q8_0, values: values)
                XCTAssertEqual(row, Reference.q8_0(values), "n=\(n) portable=\(portable)")
            }
        }
    }

    func testQ8_KRowsMatchTheReferenceBitForBit() {
        var generator = SeededGenerator(seed: 11)
        for portable in [false, true] {
            ck_force_portable(portable ? 1 : 0)
            for n in [256, 2304, 9216] {
                var values = TestData.floats(n, using: &generator)
                values.replaceSubrange(0..<256, with: [Float](repeating: 0, count: 256))
                if n > 256 { values[300] = 9; values[301] = -9 }                           // first of largest magnitude wins
                let row = TestData.activationRow(for: .q4_K, values: values)
                XCTAssertEqual(row, Reference.q8_K(values), "n=\(n) portable=\(portable)")
            }
        }
    }

    /// Values k + 0.5 in a block whose scale is exactly 1: Q8_0 rounds them away from zero
    /// (roundf), Q8_K to even (ggml's nearest_int).
    func testTiesRoundAsGGMLDoes() {
        var values = (0..<256).map { Float($0 % 100 - 50) + 0.5 }
        for block in 0..<8 { values[32 * block] = 127 }
        for portable in [false, true] {
            ck_force_portable(portable ? 1 : 0)
            let q8_0 = TestData.activationRow(for: .q8_0, values: values)
            XCTAssertEqual(Array(q8_0[0..<2]), [0x00, 0x3c], "d = 1")
            XCTAssertEqual(Int8(bitPattern: q8_0[2 + 1]), -49)    // -48.5
            XCTAssertEqual(Int8(bitPattern: q8_0[2 + 2]), -48)    // -47.5
            XCTAssertEqual(Int8(bitPattern: q8_0[2 + 31]), -19)   // -18.5
            let q8_K = TestData.activationRow(for: .q4_K, values: values)
            XCTAssertEqual(Float(bitPattern: UInt32(q8_K[0]) | UInt32(q8_K[1]) << 8 | UInt32(q8_K[2]) << 16 | UInt32(q8_K[3]) << 24), -1)
            XCTAssertEqual(Int8(bitPattern: q8_K[4 + 1]), 48)     // -(-48.5) to even
            XCTAssertEqual(Int8(bitPattern: q8_K[4 + 2]), 48)     // 47.5 to even
            XCTAssertEqual(Int8(bitPattern: q8_K[4 + 31]), 18)    // 18.5 to even
        }
    }

    func testF16ConversionRoundsToNearestEven() {
        let cases: [(Float, UInt16)] = [
            (1, 0x3c00), (-2, 0xc000), (65504, 0x7bff), (65519.99, 0x7bff), (65520, 0x7c00), (1e9, 0x7c00),
            (0x1p-24, 0x0001), (0x1p-25, 0x0000), (0x1.8p-24, 0x0002), (0x1p-14, 0x0400),
            (1 + 0x1p-11, 0x3c00), (1 + 0x1.8p-10, 0x3c02), (-0.0, 0x8000), (.infinity, 0x7c00),
        ]
        for portable in [false, true] {
            ck_force_portable(portable ? 1 : 0)
            for (value, bits) in cases {
                var out: UInt16 = 0
                ck_convert_row_f16([value], &out, 1)
                XCTAssertEqual(out, bits, "\(value) portable=\(portable)")
            }
        }
    }

    /// Every finite fp16 value converts back to itself, on both paths, in rows with tails.
    func testF16ConversionRoundTripsEveryHalf() {
        let halves = (0..<0x10000).map(UInt16.init).filter { $0 & 0x7c00 != 0x7c00 }
        let values = halves.map(Reference.halfValue)
        for portable in [false, true] {
            ck_force_portable(portable ? 1 : 0)
            var out = [UInt16](repeating: 0, count: values.count)
            ck_convert_row_f16(values, &out, Int64(values.count))
            XCTAssertEqual(out, halves, "portable=\(portable)")
        }
    }

    func testF16AndBF16ConversionsAgreeAcrossPathsOnRandomFloats() {
        var generator = SeededGenerator(seed: 12)
        let values: [Float] = (0..<10_007).map { _ in
            var bits = UInt32.random(in: 0...UInt32.max, using: &generator)
            bits = (bits & 0x807f_ffff) | UInt32.random(in: 90...160, using: &generator) << 23
            return Float(bitPattern: bits)
        }
        var fast = [UInt16](repeating: 0, count: values.count), portable = fast
        ck_convert_row_f16(values, &fast, Int64(values.count))
        ck_force_portable(1)
        ck_convert_row_f16(values, &portable, Int64(values.count))
        XCTAssertEqual(fast, portable)
        XCTAssertEqual(portable, values.map(Reference.halfBits))
        ck_force_portable(0)
        ck_convert_row_bf16(values, &fast, Int64(values.count))
        ck_force_portable(1)
        ck_convert_row_bf16(values, &portable, Int64(values.count))
        XCTAssertEqual(fast, portable)
        XCTAssertEqual(portable, values.map(Reference.bf16Bits))
    }

    func testBF16ConversionMatchesGGML() {
        let cases: [(Float, UInt16)] = [
            (1, 0x3f80), (-1, 0xbf80), (Float(bitPattern: 0x3f80_8000), 0x3f80), (Float(bitPattern: 0x3f81_8000), 0x3f82),
            (Float(bitPattern: 0x3f80_8001), 0x3f81), (Float(bitPattern: 0x7f80_0001), 0x7fc0), (Float(bitPattern: 0xffc0_0000), 0xffc0),
        ]
        for portable in [false, true] {
            ck_force_portable(portable ? 1 : 0)
            // in a row of 17, so the AVX2 path's 16-wide loop and its tail both see every case
            for (value, bits) in cases {
                let row = [Float](repeating: value, count: 17)
                var out = [UInt16](repeating: 0, count: 17)
                ck_convert_row_bf16(row, &out, 17)
                XCTAssertEqual(out, [UInt16](repeating: bits, count: 17), "\(value.bitPattern) portable=\(portable)")
            }
        }
    }
}

/// Test-local expectations written from ggml's reference code (ggml-quants.c, ggml-impl.h).
enum Reference {
    /// fp16 bits of a float, round to nearest even, computed through Double.
    static func halfBits(_ value: Float) -> UInt16 {
        let sign: UInt16 = value.sign == .minus ? 0x8000 : 0
        let magnitude = Double(abs(value))
        if magnitude >= 65520 { return sign | 0x7c00 }
        if magnitude < 0x1p-14 { return sign | UInt16((magnitude * 0x1p24).rounded(.toNearestOrEven)) }
        let exponent = Int(magnitude.exponent)
        let mantissa = ((magnitude / Double(sign: .plus, exponent: exponent, significand: 1) - 1) * 1024).rounded(.toNearestOrEven)
        return sign | (UInt16(exponent + 15) << 10 + UInt16(mantissa))
    }

    /// The value of fp16 bits (finite ones), through Double.
    static func halfValue(_ bits: UInt16) -> Float {
        let exponent = Int(bits >> 10) & 31, mantissa = Double(bits & 0x3ff)
        let magnitude = exponent == 0 ? mantissa * 0x1p-24 : (1024 + mantissa) * Double(sign: .plus, exponent: exponent - 25, significand: 1)
        return Float(bits & 0x8000 != 0 ? -magnitude : magnitude)
    }

    static func bf16Bits(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        if bits & 0x7fff_ffff > 0x7f80_0000 { return UInt16(bits >> 16) | 64 }
        return UInt16((bits &+ 0x7fff &+ ((bits >> 16) & 1)) >> 16)
    }

    /// quantize_row_q8_0_ref.
    static func q8_0(_ x: [Float]) -> [UInt8] {
        var out: [UInt8] = []
        for block in stride(from: 0, to: x.count, by: 32) {
            let values = x[block..<(block + 32)]
            let d = values.map(abs).max()! / 127
            let inverse: Float = d != 0 ? 1 / d : 0
            let bits = halfBits(d)
            out += [UInt8(bits & 0xff), UInt8(bits >> 8)]
            out += values.map { UInt8(bitPattern: Int8(($0 * inverse).rounded(.toNearestOrAwayFromZero))) }
        }
        return out
    }

    /// quantize_row_q8_K_ref (an all-zero block gets zero bsums).
    static func q8_K(_ x: [Float]) -> [UInt8] {
        var out: [UInt8] = []
        for block in stride(from: 0, to: x.count, by: 256) {
            let values = Array(x[block..<(block + 256)])
            var max: Float = 0, amax: Float = 0
            for value in values where abs(value) > amax { amax = abs(value); max = value }
            if amax == 0 { out += [UInt8](repeating: 0, count: 292); continue }
            let iscale = -127 / max
            let quants = values.map { Int8(min(127, (iscale * $0).rounded(.toNearestOrEven))) }
            out += withUnsafeBytes(of: (1 / iscale).bitPattern.littleEndian, Array.init)
            out += quants.map { UInt8(bitPattern: $0) }
            for group in 0..<16 {
                let sum = Int16(quants[(16 * group)..<(16 * group + 16)].reduce(0) { $0 + Int($1) })
                out += withUnsafeBytes(of: sum.littleEndian, Array.init)
            }
        }
        return out
    }
}
