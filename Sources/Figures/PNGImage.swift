// Reading PNG files back into pixels with libpng's simplified API (png_image_begin_read_from_memory),
// so that tests can look at what was drawn: a screenshot, a saved figure.
import CLibPNG

/// A decoded PNG: 8-bit RGBA rows, top to bottom.
public struct PNGImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// `width * height * 4` bytes.
    public let rgba: [UInt8]

    /// Decodes `bytes` (any PNG colour type; converted to 8-bit RGBA).
    /// - Throws: `FiguresError.decodingFailed` with libpng's message.
    public init(decoding bytes: [UInt8]) throws {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        let began = bytes.withUnsafeBytes { buffer in
            png_image_begin_read_from_memory(&image, buffer.baseAddress, buffer.count)
        }
        guard began != 0 else { throw FiguresError.decodingFailed(message: PNGRenderer.message(&image)) }
        defer { png_image_free(&image) }
        image.format = UInt32(PNG_FORMAT_RGB) | UInt32(PNG_FORMAT_FLAG_ALPHA)
        let width = Int(image.width), height = Int(image.height)
        guard width > 0, height > 0, width <= 65_535, height <= 65_535 else {
            throw FiguresError.decodingFailed(message: "unreasonable size \(width) x \(height)")
        }
        var pixels = [UInt8](repeating: 0, count: width * height * 4)
        let finished = pixels.withUnsafeMutableBytes { buffer in
            png_image_finish_read(&image, nil, buffer.baseAddress, 0, nil)
        }
        guard finished != 0 else { throw FiguresError.decodingFailed(message: PNGRenderer.message(&image)) }
        self.width = width
        self.height = height
        rgba = pixels
    }

    /// The pixel at (x, y) as (r, g, b, a).
    public func pixel(_ x: Int, _ y: Int) -> (r: UInt8, g: UInt8, b: UInt8, a: UInt8) {
        guard x >= 0, y >= 0, x < width, y < height else { return (0, 0, 0, 0) }
        let i = (y * width + x) * 4
        return (rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3])
    }

    /// How many distinct colours the image holds (counting stops at `limit`).
    public func distinctColors(limit: Int = 1 << 16) -> Int {
        var seen = Set<UInt32>()
        var index = 0
        while index + 3 < rgba.count && seen.count < limit {
            seen.insert(UInt32(rgba[index]) << 24 | UInt32(rgba[index + 1]) << 16 | UInt32(rgba[index + 2]) << 8 | UInt32(rgba[index + 3]))
            index += 4
        }
        return seen.count
    }

    /// The share of pixels (0...1) that differ from the top-left pixel: 0 for a blank page.
    public var nonBackgroundFraction: Double {
        guard width > 0, height > 0 else { return 0 }
        let background = Array(rgba.prefix(4))
        var differing = 0
        for index in stride(from: 0, to: rgba.count, by: 4) where Array(rgba[index..<index + 4]) != background {
            differing += 1
        }
        return Double(differing) / Double(width * height)
    }
}
