// Tests of the C activation-row preparation in CKernels: Q8_0 (three ggml variants) and Q8_K
// quantization and fp16 / bf16 conversion, on every kernel path this CPU can run, against
// the Swift Quantize / Half code and the golden bytes in Tests/Fixtures/quant.
import CKernels
import GGUF
import Kernels
import XCTest

final class CKernelsQuantizeTests: XCTestCase {
    override func tearDown() {
        ck_use_path(-1)
        super.tearDown()
    }

    static let variants: [(Int32, Quantize.Q8_0Variant, String)] = [
        (Int32(CK_Q8_0_REFERENCE), .reference, "Q8_0"), (Int32(CK_Q8_0_X86), .x86AVX, "Q8_0_x86"),
        (Int32(CK_Q8_0_ARM), .armNEON, "Q8_0_arm"),
    ]

    /// Every golden quantization case: C bytes equal the bytes of ggml's quantizers.
    func testRowsMatchGoldenBytes() throws {
        let goldens = try QuantGoldens.load()
        XCTAssertFalse(goldens.quantize.isEmpty)
        for path in KernelPaths.available {
            ck_use_path(path)
            for golden in goldens.quantize {
                let values = try QuantGoldens.floats(golden.input)
                let n = Int64(golden.count)
                func expect(_ format: String, _ bytes: [UInt8]) throws {
                    let expected = try QuantGoldens.bytes(try XCTUnwrap(golden.expected[format]))
                    assertSameBytes(bytes, expected, "\(golden.name) \(format) path=\(KernelPaths.name(path))")
                }
                for (variant, _, format) in Self.variants {
                    var out = [UInt8](repeating: 0, count: golden.count / 32 * 34)
                    ck_quantize_row_q8_0_variant(values, &out, n, variant)
                    try expect(format, out)
                }
                var q8_K = [UInt8](repeating: 0, count: golden.count / 256 * 292)
                ck_quantize_row_q8_K(values, &q8_K, n)
                try expect("Q8_K", q8_K)
                var halves = [UInt16](repeating: 0, count: golden.count)
                ck_convert_row_f16(values, &halves, n)
                try expect("F16", halves.flatMap { [UInt8($0 & 0xff), UInt8($0 >> 8)] })
                ck_convert_row_bf16(values, &halves, n)
                try expect("BF16", halves.flatMap { [UInt8($0 & 0xff), UInt8($0 >> 8)] })
            }
        }
    }

    /// Random rows of Gemma's sizes, with an all-zero block, NaN, infinity and subnormal
    /// blocks: C bytes equal Quantize's for every variant, on both paths.
    func testRowsMatchSwiftQuantizeIncludingOddBlocks() {
        var generator = SeededGenerator(seed: 10)
        for n in [256, 640, 2304, 9216] {
            var values = TestData.floats(n, using: &generator)
            values.replaceSubrange(0..<32, with: [Float](repeating: 0, count: 32))
            if n >= 2304 {
                values[300] = 9; values[301] = -9                      // first of largest magnitude wins
                values[520] = .nan; values[800] = .infinity; values[1100] = -.infinity
                values[515] = 40; values[524] = 1                      // before / after the NaN
                for j in 1536..<1792 { values[j] = Float(bitPattern: UInt32(j % 7) * 0x100) * (j % 2 == 0 ? 1 : -1) }
            }
            for path in KernelPaths.available {
                ck_use_path(path)
                for (variant, swiftVariant, _) in Self.variants {
                    var fast = [UInt8](repeating: 0, count: n / 32 * 34), expected = fast
                    ck_quantize_row_q8_0_variant(values, &fast, Int64(n), variant)
                    Quantize.q8_0(values, count: n, into: &expected, variant: swiftVariant)
                    assertSameBytes(fast, expected, "Q8_0 \(swiftVariant) n=\(n) path=\(KernelPaths.name(path))")
                }
                var reference = [UInt8](repeating: 0, count: n / 32 * 34), variant0 = reference
                ck_quantize_row_q8_0(values, &reference, Int64(n))
                ck_quantize_row_q8_0_variant(values, &variant0, Int64(n), 99)
                XCTAssertEqual(reference, variant0, "unknown variants mean the reference")
                if n % 256 == 0 {
                    var fast = [UInt8](repeating: 0, count: n / 256 * 292), expected = fast
                    ck_quantize_row_q8_K(values, &fast, Int64(n))
                    Quantize.q8_K(values, count: n, into: &expected)
                    assertSameBytes(fast, expected, "Q8_K n=\(n) path=\(KernelPaths.name(path))")
                }
            }
        }
    }

    /// Values k + 0.5 in a block whose scale is exactly 1: Q8_0 rounds them away from zero
    /// (roundf), Q8_K to even (ggml's nearest_int).
    func testTiesRoundAsGGMLDoes() {
        var values = (0..<256).map { Float($0 % 100 - 50) + 0.5 }
        for block in 0..<8 { values[32 * block] = 127 }
        for path in KernelPaths.available {
            ck_use_path(path)
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
        for path in KernelPaths.available {
            ck_use_path(path)
            for (value, bits) in cases {
                var out: UInt16 = 0
                ck_convert_row_f16([value], &out, 1)
                XCTAssertEqual(out, bits, "\(value) path=\(KernelPaths.name(path))")
            }
        }
    }

    /// Every finite fp16 value converts back to itself, on both paths, in rows with tails.
    func testF16ConversionRoundTripsEveryHalf() {
        let halves = (0..<0x10000).map(UInt16.init).filter { $0 & 0x7c00 != 0x7c00 }
        let values = halves.map(Half.toFloat)
        for path in KernelPaths.available {
            ck_use_path(path)
            var out = [UInt16](repeating: 0, count: values.count)
            ck_convert_row_f16(values, &out, Int64(values.count))
            XCTAssertEqual(out, halves, "path=\(KernelPaths.name(path))")
        }
    }

    func testF16AndBF16ConversionsMatchHalfOnRandomFloats() {
        var generator = SeededGenerator(seed: 12)
        var values: [Float] = (0..<10_007).map { _ in
            var bits = UInt32.random(in: 0...UInt32.max, using: &generator)
            bits = (bits & 0x807f_ffff) | UInt32.random(in: 90...160, using: &generator) << 23
            return Float(bitPattern: bits)
        }
        values += [.nan, -.nan, Float(bitPattern: 0x7f80_0001), Float(bitPattern: 0xffa0_0000), .infinity, -.infinity]
        var fast = [UInt16](repeating: 0, count: values.count), portable = fast
        ck_convert_row_f16(values, &fast, Int64(values.count))
        ck_force_portable(1)
        ck_convert_row_f16(values, &portable, Int64(values.count))
        XCTAssertEqual(fast, portable)
        XCTAssertEqual(portable, values.map(Half.fromFloat))
        ck_force_portable(0)
        ck_convert_row_bf16(values, &fast, Int64(values.count))
        ck_force_portable(1)
        ck_convert_row_bf16(values, &portable, Int64(values.count))
        XCTAssertEqual(fast, portable)
        XCTAssertEqual(portable, values.map(Half.bf16FromFloat))
    }

    func testBF16ConversionMatchesGGML() {
        let cases: [(Float, UInt16)] = [
            (1, 0x3f80), (-1, 0xbf80), (Float(bitPattern: 0x3f80_8000), 0x3f80), (Float(bitPattern: 0x3f81_8000), 0x3f82),
            (Float(bitPattern: 0x3f80_8001), 0x3f81), (Float(bitPattern: 0x7f80_0001), 0x7fc0), (Float(bitPattern: 0xffc0_0000), 0xffc0),
        ]
        for path in KernelPaths.available {
            ck_use_path(path)
            // in a row of 17, so the AVX2 path's 16-wide loop and its tail both see every case
            for (value, bits) in cases {
                let row = [Float](repeating: value, count: 17)
                var out = [UInt16](repeating: 0, count: 17)
                ck_convert_row_bf16(row, &out, 17)
                XCTAssertEqual(out, [UInt16](repeating: bits, count: 17), "\(value.bitPattern) path=\(KernelPaths.name(path))")
            }
        }
    }
}
