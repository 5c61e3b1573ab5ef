// Colour maps against matplotlib 3.11.2 (cm(t) rounded to bytes), and the numbers they print.
import XCTest
@testable import Figures

final class ColormapTests: XCTestCase {
    func assertClose(_ color: (r: UInt8, g: UInt8, b: UInt8), _ expected: [Int], tolerance: Int = 2,
                     file: StaticString = #filePath, line: UInt = #line) {
        let actual = [Int(color.r), Int(color.g), Int(color.b)]
        XCTAssertTrue(zip(actual, expected).allSatisfy { abs($0 - $1) <= tolerance },
                      "\(actual) vs \(expected)", file: file, line: line)
    }

    func testAgainstMatplotlib() {
        // Reference values: matplotlib.colormaps[name](t), times 255, rounded.
        assertClose(Colormap.viridis.color(0), [68, 1, 84], tolerance: 0)
        assertClose(Colormap.viridis.color(0.25), [59, 82, 139])
        assertClose(Colormap.viridis.color(0.5), [33, 145, 140])
        assertClose(Colormap.viridis.color(0.7), [68, 191, 112])
        assertClose(Colormap.viridis.color(1), [253, 231, 37], tolerance: 0)
        assertClose(Colormap.magma.color(0), [0, 0, 4], tolerance: 0)
        assertClose(Colormap.magma.color(0.25), [81, 18, 124])
        assertClose(Colormap.magma.color(0.5), [183, 55, 121])
        assertClose(Colormap.magma.color(0.7), [247, 112, 92], tolerance: 3)
        assertClose(Colormap.magma.color(1), [252, 253, 191], tolerance: 0)
        // RdBu_r: ColorBrewer control points, white in the middle.
        assertClose(Colormap.diverging.color(0), [5, 48, 97], tolerance: 0)
        assertClose(Colormap.diverging.color(0.5), [247, 247, 247], tolerance: 1)
        assertClose(Colormap.diverging.color(0.7), [243, 164, 129], tolerance: 3)
        assertClose(Colormap.diverging.color(1), [103, 0, 31], tolerance: 0)
    }

    func testOutOfRangeInput() {
        assertClose(Colormap.viridis.color(-3), [68, 1, 84], tolerance: 0)
        assertClose(Colormap.viridis.color(7), [253, 231, 37], tolerance: 0)
        assertClose(Colormap.diverging.color(.nan), [247, 247, 247], tolerance: 1)
        XCTAssertEqual(Colormap.named("MAGMA"), .magma)
        XCTAssertNil(Colormap.named("jet"))
    }

    func testNormalizer() {
        let normalize = Normalizer(2...4)
        XCTAssertEqual(normalize(3), 0.5)
        XCTAssertEqual(normalize(10), 1)
        XCTAssertEqual(Normalizer(2...2)(2), 0.5)
        XCTAssertEqual(Normalizer(-Float.greatestFiniteMagnitude...Float.greatestFiniteMagnitude)(0), 0.5)
    }

    func testNumberFormats() {
        XCTAssertEqual(NumberFormat.short(Float(0.123456)), "0.1235")
        XCTAssertEqual(NumberFormat.short(Float(123456)), "1.235e+05")
        XCTAssertEqual(NumberFormat.short(-Float.infinity), "-inf")
        XCTAssertTrue(NumberFormat.isFloatFormat("p=%.3f%%"))
        XCTAssertTrue(NumberFormat.isFloatFormat("%+8.2e"))
        XCTAssertFalse(NumberFormat.isFloatFormat("%s"))
        XCTAssertFalse(NumberFormat.isFloatFormat("%f %f"))
        XCTAssertFalse(NumberFormat.isFloatFormat("%99999f"))
        XCTAssertFalse(NumberFormat.isFloatFormat("%"))
        let ticks = NumberFormat.ticks(0, 1, count: 5)
        XCTAssertEqual(ticks.count, 6)
        for (tick, expected) in zip(ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]) { XCTAssertEqual(tick, expected, accuracy: 1e-12) }
        XCTAssertEqual(NumberFormat.ticks(-30, 30, count: 6), [-30, -20, -10, 0, 10, 20, 30])
    }
}
