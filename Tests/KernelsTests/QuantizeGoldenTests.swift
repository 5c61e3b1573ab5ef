// Quantization against golden bytes from numpy emulations of ggml's quantize_row_*_ref (and the
// x86 / ARM Q8_0 variants): activations, outliers, zeros, huge and tiny magnitudes, exact ties.
import GGUF
import Kernels
import XCTest

final class QuantizeGoldenTests: XCTestCase {
    static let formats = ["Q8_0", "Q8_0_x86", "Q8_0_arm", "Q4_0", "Q8_K", "F16", "BF16"]

    /// The bytes our quantizer makes of `row` in one of the golden formats.
    static func quantize(_ row: [Float], format: String) throws -> [UInt8] {
        let count = row.count
        switch format {
        case "F16", "BF16":
            var bits = [UInt16](repeating: 0, count: count)
            row.withUnsafeBufferPointer { x in
                bits.withUnsafeMutableBufferPointer { out in
                    if format == "F16" {
                        Quantize.f16(x.baseAddress!, count: count, into: out.baseAddress!)
                    } else {
                        Quantize.bf16(x.baseAddress!, count: count, into: out.baseAddress!)
                    }
                }
            }
            return bits.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        default:
            let type: GGMLType = format.hasPrefix("Q8_0") ? .q8_0 : format == "Q4_0" ? .q4_0 : .q8_K
            var bytes = [UInt8](repeating: 0xAA, count: try XCTUnwrap(type.rowBytes(count)))
            row.withUnsafeBufferPointer { x in
                bytes.withUnsafeMutableBytes { out in
                    let (input, output) = (x.baseAddress!, out.baseAddress!)
                    switch format {
                    case "Q8_0": Quantize.q8_0(input, count: count, into: output)
                    case "Q8_0_x86": Quantize.q8_0(input, count: count, into: output, variant: .x86AVX)
                    case "Q8_0_arm": Quantize.q8_0(input, count: count, into: output, variant: .armNEON)
                    case "Q4_0": Quantize.q4_0(input, count: count, into: output)
                    default: Quantize.q8_K(input, count: count, into: output)
                    }
                }
            }
            return bytes
        }
    }

    func testEveryGoldenCaseIsBitExact() throws {
        let goldens = try QuantGoldens.load()
        XCTAssertGreaterThanOrEqual(goldens.quantize.count, 9)
        for golden in goldens.quantize {
            let row = try QuantGoldens.floats(golden.input)
            XCTAssertEqual(row.count, golden.count, golden.name)
            XCTAssertEqual(Set(golden.expected.keys), Set(Self.formats), golden.name)
            for format in Self.formats {
                let expected = try QuantGoldens.bytes(try XCTUnwrap(golden.expected[format]))
                assertSameBytes(try Self.quantize(row, format: format), expected, "\(golden.name) \(format)")
            }
        }
    }

    /// The tie cases tell the three Q8_0 roundings apart, so the golden test can catch a mix-up.
    func testQ8_0VariantsDifferOnTies() throws {
        let goldens = try QuantGoldens.load()
        let ties = try XCTUnwrap(goldens.quantize.first { $0.name == "ties" })
        let row = try QuantGoldens.floats(ties.input)
        let reference = try Self.quantize(row, format: "Q8_0")
        XCTAssertNotEqual(reference, try Self.quantize(row, format: "Q8_0_x86"))
        XCTAssertNotEqual(reference, try Self.quantize(row, format: "Q8_0_arm"))
        // The first block has amax 127, so d = 1 and q = round(x): 2.5 -> 3 (away) or 2 (even).
        let index = try XCTUnwrap(row.firstIndex(of: 2.5))
        XCTAssertLessThan(index, 32)
        XCTAssertEqual(Int8(bitPattern: reference[2 + index]), 3)
        XCTAssertEqual(Int8(bitPattern: try Self.quantize(row, format: "Q8_0_arm")[2 + index]), 2)
    }

    /// Where 127/amax and 1/(amax/127) differ by an ulp, the x86 and ARM variants differ too.
    func testQ8_0X86AndARMDifferOnScaleUlps() throws {
        let goldens = try QuantGoldens.load()
        let golden = try XCTUnwrap(goldens.quantize.first { $0.name == "scale-ulps" })
        let row = try QuantGoldens.floats(golden.input)
        XCTAssertNotEqual(try Self.quantize(row, format: "Q8_0_x86"), try Self.quantize(row, format: "Q8_0_arm"))
    }

    /// Non-finite input never traps (the bytes are whatever the emulated ggml path gives).
    func testNonFiniteInputDoesNotTrap() throws {
        var row = (0..<256).map { Float($0) - 128 }
        row[3] = .nan
        row[40] = .infinity
        row[100] = -.infinity
        row[200] = .signalingNaN
        for format in Self.formats {
            _ = try Self.quantize(row, format: format)
        }
        let allNaN = [Float](repeating: .nan, count: 256)
        let q8K = try Self.quantize(allNaN, format: "Q8_K")
        XCTAssertEqual(q8K, [UInt8](repeating: 0, count: 292))   // NaN never beats amax = 0
    }
}
