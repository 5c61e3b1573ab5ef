// fp16 and bf16 conversions: every fp16 pattern against Swift's Float16, round-to-nearest-even
// at every fp16 midpoint, NaN handling as ggml's GGML_FP32_TO_FP16 / GGML_FP32_TO_BF16.
import Foundation
#if DEBUG
@testable import Kernels
#else
import Kernels
#endif
import XCTest

final class DequantizeHalfTests: XCTestCase {
    #if !(arch(x86_64) && os(macOS))
    /// The lookup table agrees with Float16 -> Float on all 65536 patterns; NaNs keep sign and
    /// payload and come out quiet (ggml's conversion quiets signalling NaNs).
    func testHalfToFloatMatchesFloat16ForEveryPattern() {
        for pattern in 0...0xFFFF {
            let bits = UInt16(pattern)
            let ours = Half.toFloat(bits)
            let swift = Float(Float16(bitPattern: bits))
            if swift.isNaN {
                XCTAssertTrue(ours.isNaN, "0x\(String(bits, radix: 16))")
                let expected = UInt32(bits & 0x8000) << 16 | 0x7FC0_0000 | UInt32(bits & 0x3FF) << 13
                XCTAssertEqual(ours.bitPattern, expected, "NaN 0x\(String(bits, radix: 16))")
            } else {
                XCTAssertEqual(ours.bitPattern, swift.bitPattern, "0x\(String(bits, radix: 16))")
            }
        }
    }
    #endif

    /// For every pair of neighbouring fp16 values a < b: a itself, the exact midpoint (ties go
    /// to the even pattern; beyond 65504 the "next value" is 65536, i.e. infinity) and the
    /// Floats just below and above it convert as round-to-nearest-even says, for both signs.
    func testFloatToHalfRoundsToNearestEvenEverywhere() {
        for pattern in UInt16(0)..<0x7C00 {
            let lower = Half.toFloat(pattern)
            let upper = pattern + 1 == 0x7C00 ? Float(65536) : Half.toFloat(pattern + 1)
            let midpoint = (lower + upper) / 2              // exact: at most 12 significant bits
            for sign: UInt16 in [0, 0x8000] {
                let negate = sign != 0
                func convert(_ value: Float) -> UInt16 { Half.fromFloat(negate ? -value : value) }
                XCTAssertEqual(convert(lower), sign | pattern)
                XCTAssertEqual(convert(midpoint.nextDown), sign | pattern)
                XCTAssertEqual(convert(midpoint), sign | (pattern & 1 == 0 ? pattern : pattern + 1))
                XCTAssertEqual(convert(midpoint.nextUp), sign | (pattern + 1))
            }
        }
    }

    func testFloatToHalfSpecialValues() {
        XCTAssertEqual(Half.fromFloat(.infinity), 0x7C00)
        XCTAssertEqual(Half.fromFloat(-.infinity), 0xFC00)
        XCTAssertEqual(Half.fromFloat(1e10), 0x7C00)
        XCTAssertEqual(Half.fromFloat(-0.0), 0x8000)
        XCTAssertEqual(Half.fromFloat(.leastNonzeroMagnitude), 0x0000)
        XCTAssertEqual(Half.fromFloat(-Float.leastNormalMagnitude), 0x8000)
        XCTAssertEqual(Half.fromFloat(1.0 / 3.0), 0x3555)
        // ggml's reference turns every NaN into the quiet NaN 0x7E00, keeping only the sign.
        for payload: UInt32 in [0x7FC0_0000, 0x7F80_0001, 0x7FFF_FFFF, 0x7FA0_1234] {
            XCTAssertEqual(Half.fromFloat(Float(bitPattern: payload)), 0x7E00)
            XCTAssertEqual(Half.fromFloat(Float(bitPattern: payload | 0x8000_0000)), 0xFE00)
        }
        XCTAssertEqual(Half.toFloat(0x7C00), .infinity)
        XCTAssertEqual(Half.toFloat(0x0001), Float(sign: .plus, exponent: -24, significand: 1))
        XCTAssertEqual(Half.toFloat(0x7BFF), 65504)
    }

    #if DEBUG
    /// The integer rounding used where Float16 is unavailable agrees with `fromFloat` on a
    /// sweep of Float bit patterns covering every exponent.
    func testIntegerRoundingAgreesWithFromFloat() {
        var pattern: UInt32 = 0
        while true {
            let value = Float(bitPattern: pattern)
            XCTAssertEqual(Half.roundedHalfBits(value), Half.fromFloat(value), "0x\(String(pattern, radix: 16))")
            let (next, overflow) = pattern.addingReportingOverflow(4093)
            if overflow { break }
            pattern = next
        }
        for pattern in UInt16(0)..<0x7C00 {                   // and every midpoint, both signs
            let lower = Half.toFloat(pattern), upper = pattern + 1 == 0x7C00 ? 65536 : Half.toFloat(pattern + 1)
            let midpoint = (lower + upper) / 2
            for value in [midpoint, midpoint.nextUp, midpoint.nextDown, -midpoint, -midpoint.nextUp] {
                XCTAssertEqual(Half.roundedHalfBits(value), Half.fromFloat(value))
            }
        }
    }
    #endif

    func testBF16ToFloatIsAShift() {
        for pattern in 0...0xFFFF {
            XCTAssertEqual(Half.bf16ToFloat(UInt16(pattern)).bitPattern, UInt32(pattern) << 16)
        }
    }

    /// bf16 rounding at the midpoints of a spread of bf16 values, and ggml's NaN rule.
    func testFloatToBF16RoundsToNearestEven() {
        for pattern in stride(from: UInt32(0), to: 0x7F80, by: 7) {
            let bits = pattern << 16
            let midpoint = bits | 0x8000
            for sign: UInt32 in [0, 0x8000_0000] {
                let expectedTie = UInt16(pattern & 1 == 0 ? pattern : pattern + 1) | UInt16(sign >> 16)
                XCTAssertEqual(Half.bf16FromFloat(Float(bitPattern: sign | bits)), UInt16(pattern) | UInt16(sign >> 16))
                XCTAssertEqual(Half.bf16FromFloat(Float(bitPattern: sign | midpoint)), expectedTie)
                XCTAssertEqual(Half.bf16FromFloat(Float(bitPattern: sign | (midpoint - 1))), UInt16(pattern) | UInt16(sign >> 16))
                XCTAssertEqual(Half.bf16FromFloat(Float(bitPattern: sign | (midpoint + 1))), UInt16(pattern + 1) | UInt16(sign >> 16))
            }
        }
        XCTAssertEqual(Half.bf16FromFloat(.greatestFiniteMagnitude), 0x7F80)   // rounds up to infinity
        XCTAssertEqual(Half.bf16FromFloat(-.infinity), 0xFF80)
        XCTAssertEqual(Half.bf16FromFloat(Float(bitPattern: 0x7F80_0001)), 0x7FC0)  // made quiet
        XCTAssertEqual(Half.bf16FromFloat(Float(bitPattern: 0xFFA1_2345)), 0xFFE1)  // payload kept
        XCTAssertEqual(Half.bf16FromFloat(Float(bitPattern: 0x7FFF_FFFF)), 0x7FFF)
    }

    /// The lazily built table is safe to reach from many threads at once.
    func testTableFromManyThreads() {
        final class Sums: @unchecked Sendable {      // written under `lock` only
            let lock = NSLock()
            var values = [Int: Float]()
        }
        let sums = Sums()
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            var sum: Float = 0
            for pattern in stride(from: 0x3C00 + thread, to: 0x4000, by: 8) {
                sum += Half.toFloat(UInt16(pattern))
            }
            sums.lock.lock()
            sums.values[thread] = sum
            sums.lock.unlock()
        }
        for thread in 0..<8 {
            var expected: Float = 0
            for step in 0..<128 {
                expected += 1 + Float(thread + 8 * step) / 1024
            }
            XCTAssertEqual(sums.values[thread], expected)
        }
    }
}
