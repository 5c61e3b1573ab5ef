// PNG output: decoded back through libpng's simplified read API to check size and pixels;
// atomic writing; odd input.
import XCTest
import Foundation
import CLibPNG
import AtomicWrite
@testable import Figures

final class PNGTests: XCTestCase {
    /// Decodes PNG bytes to 8-bit RGB with libpng.
    func decode(_ bytes: [UInt8]) throws -> (width: Int, height: Int, pixels: [UInt8]) {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        let begun = bytes.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        guard begun != 0 else { throw FiguresError.decodingFailed(message: PNGRenderer.message(&image)) }
        image.format = UInt32(PNG_FORMAT_RGB)
        let width = Int(image.width), height = Int(image.height)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        let finished = pixels.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }
        guard finished != 0 else { throw FiguresError.decodingFailed(message: PNGRenderer.message(&image)) }
        return (width, height, pixels)
    }

    func pixel(_ image: (width: Int, height: Int, pixels: [UInt8]), _ x: Int, _ y: Int) -> [UInt8] {
        let i = (y * image.width + x) * 3
        return Array(image.pixels[i..<(i + 3)])
    }

    func testRoundTrip() throws {
        // 2 x 3 cells of 8 px: values 0 ... 1 in viridis, one masked, one NaN.
        let map = Heatmap(values: [0, 1, 0.5, .nan, 0.25, 0.75], rows: 2, columns: 3,
                          masked: [false, false, true, false, false, false])
        let bytes = try PNGRenderer.render(map, cellSize: 8)
        XCTAssertEqual(Array(bytes.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let image = try decode(bytes)
        // margin 8 + 3*8 map + gap 8 + bar 16 + margin 8; height: margin 8 + bar 64 + margin 8.
        XCTAssertEqual(image.width, 64)
        XCTAssertEqual(image.height, 80)
        XCTAssertEqual(pixel(image, 8 + 4, 8 + 4), [68, 1, 84])          // 0: viridis bottom
        XCTAssertEqual(pixel(image, 16 + 4, 8 + 4), [253, 231, 37])      // 1: viridis top
        XCTAssertEqual(pixel(image, 8 + 4, 16 + 4), [255, 0, 255])       // NaN
        let hatch = Set((24..<30).map { pixel(image, $0, 8) })
        XCTAssertEqual(hatch, [[150, 150, 150], [228, 228, 228]])        // masked: two-tone stripes
        XCTAssertEqual(pixel(image, 0, 0), [255, 255, 255])              // background
        // Colour bar: top = high, bottom = low.
        XCTAssertEqual(pixel(image, 40 + 8, 8), [253, 231, 37])
        XCTAssertEqual(pixel(image, 40 + 8, 8 + 63), [68, 1, 84])
    }

    func testCellSizeAndPooling() throws {
        let one = try decode(PNGRenderer.render(Heatmap(values: [1], rows: 1, columns: 1), cellSize: 0))
        XCTAssertEqual(one.width, 4 + 1 + 6 + 12 + 4)
        // 5000 columns at 1 px exceed the 4096 px map limit: pooled 2 to 1 into 2500 columns.
        let wide = Heatmap(values: (0..<5000).map(Float.init), rows: 1, columns: 5000)
        let image = try decode(PNGRenderer.render(wide, cellSize: 1))
        XCTAssertEqual(image.width, 4 + 2500 + 6 + 12 + 4)
    }

    func testIncompressiblePixelsTakeTheSecondPass() throws {
        // Random bytes do not compress to 3/4 of their size: the first buffer is too small.
        var generator = SystemRandomNumberGenerator()
        let pixels = (0..<(256 * 256 * 3)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let bytes = try PNGRenderer.encode(rgb: pixels, width: 256, height: 256)
        XCTAssertGreaterThan(bytes.count, 256 * 256 * 3 * 3 / 4 + 4096)
        let image = try decode(bytes)
        XCTAssertEqual(image.width, 256)
        XCTAssertEqual(image.pixels, pixels)
        XCTAssertThrowsError(try PNGRenderer.encode(rgb: [1, 2], width: 1, height: 1))
    }

    func testEmptyHeatmapThrows() {
        XCTAssertThrowsError(try PNGRenderer.render(Heatmap(values: [], rows: 0, columns: 3))) { error in
            XCTAssertEqual(error as? FiguresError, .emptyImage(rows: 0, columns: 3))
        }
    }

    func testAtomicWrite() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("figures-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("map.png").path
        let map = Heatmap(values: [0, 1, 1, 0], rows: 2, columns: 2)
        try PNGRenderer.write(map, to: path)
        try PNGRenderer.write(map, to: path)  // replaces
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["map.png"])
        let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(written, try PNGRenderer.render(map))
        // A missing directory fails cleanly.
        XCTAssertThrowsError(try PNGRenderer.write(map, to: directory.path + "/missing/map.png")) { error in
            guard let failure = error as? AtomicFile.Failure else { return XCTFail("\(error)") }
            XCTAssertEqual(failure.operation, "create")
            XCTAssertEqual(failure.errno, ENOENT)
        }
    }
}
