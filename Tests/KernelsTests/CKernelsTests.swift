// Tests of the C dot products in CKernels against the plain-Swift twins in ScalarDot, on
// random rows of the sizes Gemma uses (640, 2304, 9216), on every kernel path this CPU
// can run. Shared test data helpers live in CKernelsSupportForTests.swift.
import CKernels
import GGUF
import Kernels
import XCTest

final class CKernelsTests: XCTestCase {
    override func tearDown() {
        ck_use_path(-1)
        super.tearDown()
    }

    func testQuantizedDotsMatchScalarTwinsOnBothPaths() throws {
        let cases: [(GGMLType, [Int])] = [
            (.q4_0, [32, 640, 2304, 9216]), (.q5_0, [32, 640, 2304, 9216]), (.q8_0, [32, 640, 2304, 9216]),
            (.q4_K, [256, 2304, 9216]), (.q5_K, [256, 2304, 9216]), (.q6_K, [256, 2304, 9216]),
        ]
        var generator = SeededGenerator(seed: 1)
        for path in KernelPaths.available {
            ck_use_path(path)
            for (type, sizes) in cases {
                for n in sizes {
                    for _ in 0..<3 {
                        let weights = TestData.weights(type, count: n, using: &generator)
                        let activations = TestData.activationRow(for: type, values: TestData.floats(n, using: &generator))
                        let fast = TestData.cDot(type, n: n, weights, activations)
                        let twin = TestData.twinDot(type, n: n, weights, activations)
                        let magnitude = TestData.blockMagnitude(type, n: n, weights, activations)
                        XCTAssertEqual(fast, twin, accuracy: 1e-5 * magnitude,
                                       "\(type) n=\(n) path=\(KernelPaths.name(path))")
                        XCTAssertGreaterThan(magnitude, 0)
                    }
                }
            }
        }
    }

    /// Each dot product equals, up to float rounding, the dot of the dequantized rows (the
    /// integer arithmetic is exact, so only the scales' products and the sums round).
    func testDotsMatchDequantizedFloatDots() throws {
        var generator = SeededGenerator(seed: 5)
        for path in KernelPaths.available {
            ck_use_path(path)
            for type in [GGMLType.q4_0, .q5_0, .q8_0, .q4_K, .q5_K, .q6_K, .f16, .bf16, .f32] {
                for n in type.blockSize == 256 ? [256, 2304] : [640, 2304] {
                    let weights = TestData.weights(type, count: n, using: &generator)
                    let activations = TestData.activationRow(for: type, values: TestData.floats(n, using: &generator))
                    let activationType = try XCTUnwrap(GGMLType(rawValue: ck_activation_type(type.rawValue)))
                    let w = try weights.withUnsafeBytes { try Dequantize.toArray(type, $0, count: n) }
                    let a = try activations.withUnsafeBytes { try Dequantize.toArray(activationType, $0, count: n) }
                    let exact = zip(w, a).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                    let magnitude = zip(w, a).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) }
                    let fast = TestData.cDot(type, n: n, weights, activations)
                    XCTAssertEqual(Double(fast), exact, accuracy: 1e-5 * magnitude, "\(type) n=\(n) path=\(KernelPaths.name(path))")
                }
            }
        }
    }

    func testFloatDotsMatchScalarTwinsOnBothPaths() {
        var generator = SeededGenerator(seed: 2)
        for path in KernelPaths.available {
            ck_use_path(path)
            for type in [GGMLType.f16, .bf16, .f32] {
                for n in [1, 37, 640, 2304, 9216] {
                    let weights = TestData.weights(type, count: n, using: &generator)
                    let activations = TestData.activationRow(for: type, values: TestData.floats(n, using: &generator))
                    let fast = TestData.cDot(type, n: n, weights, activations)
                    let twin = TestData.twinDot(type, n: n, weights, activations)
                    let magnitude = TestData.blockMagnitude(type, n: n, weights, activations)
                    XCTAssertEqual(fast, twin, accuracy: 1e-5 * magnitude, "\(type) n=\(n) path=\(KernelPaths.name(path))")
                }
            }
        }
    }

    /// With every scale 1, each dot is an integer below 2^24, so both paths must hit it exactly.
    func testUnitScaleDotsAreExactIntegers() throws {
        var generator = SeededGenerator(seed: 3)
        let one: UInt16 = 0x3c00
        for path in KernelPaths.available {
            ck_use_path(path)
            for type in [GGMLType.q4_0, .q5_0, .q8_0, .q4_K, .q5_K, .q6_K] {
                let n = 512
                var weights = TestData.weights(type, count: n, using: &generator)
                var activations = TestData.randomBytes(type.activationBytes(n), using: &generator)
                TestData.setScales(of: &weights, type: type) { _ in one }
                if type.blockSize == 32 {
                    for block in 0..<(n / 32) {
                        activations.storeHalf(one, at: 34 * block)
                        for j in 0..<32 where activations[34 * block + 2 + j] == 0x80 { activations[34 * block + 2 + j] = 0x81 }
                    }
                } else {
                    for block in 0..<(n / 256) {
                        let base = 292 * block
                        activations.replaceSubrange(base..<(base + 4), with: withUnsafeBytes(of: Float(1).bitPattern.littleEndian, Array.init))
                        for j in 0..<256 where activations[base + 4 + j] == 0x80 { activations[base + 4 + j] = 0x81 }
                        for group in 0..<16 {   // bsums must describe the quants
                            let sum = (0..<16).reduce(0) { $0 + Int(Int8(bitPattern: activations[base + 4 + 16 * group + $1])) }
                            activations.storeHalf(UInt16(bitPattern: Int16(sum)), at: base + 260 + 2 * group)
                        }
                    }
                }
                let fast = TestData.cDot(type, n: n, weights, activations)
                let twin = TestData.twinDot(type, n: n, weights, activations)
                XCTAssertLessThan(abs(twin), 16_777_216, "\(type): the sum must stay exact in Float")
                XCTAssertEqual(twin, twin.rounded(), "\(type): an integer")
                XCTAssertEqual(fast, twin, "\(type) path=\(KernelPaths.name(path))")
            }
        }
    }

    func testDotIsLinearInTheActivationScale() {
        // doubling every Q8_0 activation scale doubles the dot exactly
        var generator = SeededGenerator(seed: 4)
        let n = 2304
        let weights = TestData.weights(.q4_0, count: n, using: &generator)
        var activations = TestData.activationRow(for: .q4_0, values: TestData.floats(n, using: &generator))
        let before = TestData.cDot(.q4_0, n: n, weights, activations)
        for block in 0..<(n / 32) {
            let bits = UInt16(activations[34 * block]) | UInt16(activations[34 * block + 1]) << 8
            activations.storeHalf(bits + 0x0400, at: 34 * block)   // exponent + 1 (normal values)
        }
        XCTAssertEqual(TestData.cDot(.q4_0, n: n, weights, activations), 2 * before)
    }
}
