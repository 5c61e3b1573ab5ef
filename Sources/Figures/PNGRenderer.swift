// Heatmaps as PNG images: square cells (masked ones hatched, NaN/infinite magenta) and a colour
// bar, encoded by libpng's simplified API (png_image_write_to_memory, no setjmp needed).
import AtomicWrite
import CLibPNG

public enum PNGRenderer {
    /// The largest map drawn, in pixels a side; bigger maps are pooled (averaged) to fit.
    public static let mapLimit = 4096

    /// The PNG bytes (8-bit RGB) of `heatmap` with `cellSize` (1...64) pixels a cell, plus a
    /// colour bar on the right (high values at the top). No text: labels belong to SVG.
    public static func render(_ heatmap: Heatmap, cellSize: Int = 8) throws -> [UInt8] {
        let image = try raster(heatmap, cellSize: cellSize)
        return try encode(rgb: image.pixels, width: image.width, height: image.height)
    }

    /// Writes the PNG of `heatmap` to `path` atomically (temporary file, fsync, rename).
    public static func write(_ heatmap: Heatmap, to path: String, cellSize: Int = 8) throws {
        try AtomicFile.write(render(heatmap, cellSize: cellSize), to: path)
    }

    /// The picture as rows of RGB bytes.
    static func raster(_ heatmap: Heatmap, cellSize: Int) throws -> (pixels: [UInt8], width: Int, height: Int) {
        guard heatmap.shape.rows > 0 else {
            throw FiguresError.emptyImage(rows: heatmap.rows, columns: heatmap.columns)
        }
        let cell = min(max(cellSize, 1), 64)
        let limit = max(mapLimit / cell, 1)
        let grid = CellGrid(heatmap, maxRows: limit, maxColumns: limit, overflow: .pool)
        let margin = max(cell, 4), gap = max(cell, 6), barWidth = max(2 * cell, 12)
        let mapWidth = grid.columns * cell, mapHeight = grid.rows * cell
        let barHeight = max(mapHeight, 64)
        let width = margin + mapWidth + gap + barWidth + margin
        let height = margin + max(mapHeight, barHeight) + margin
        var canvas = Canvas(width: width, height: height, fill: RGB(255, 255, 255))

        let normalize = Normalizer(heatmap.displayRange)
        for row in 0..<grid.rows {
            for column in 0..<grid.columns {
                let x = margin + column * cell, y = margin + row * cell
                switch grid[row, column] {
                case .value(let v):
                    canvas.fill(x: x, y: y, width: cell, height: cell, color: RGB(heatmap.colormap.color(normalize(v))))
                case .nonFinite:
                    canvas.fill(x: x, y: y, width: cell, height: cell, color: RGB.nonFinite)
                case .masked:
                    for py in y..<(y + cell) {
                        for px in x..<(x + cell) {
                            canvas[px, py] = (px + py) % 6 < 2 ? RGB(150, 150, 150) : RGB(228, 228, 228)
                        }
                    }
                }
            }
        }
        // Colour bar: the map's colours from high (top) to low, in a thin grey frame.
        let barX = margin + mapWidth + gap
        for offset in 0..<barHeight {
            let t = barHeight > 1 ? 1 - Float(offset) / Float(barHeight - 1) : 0.5
            canvas.fill(x: barX, y: margin + offset, width: barWidth, height: 1, color: RGB(heatmap.colormap.color(t)))
        }
        canvas.frame(x: barX - 1, y: margin - 1, width: barWidth + 2, height: barHeight + 2, color: RGB(136, 136, 136))
        return (canvas.pixels, width, height)
    }

    /// 8-bit RGB rows encoded as PNG by libpng.
    static func encode(rgb pixels: [UInt8], width: Int, height: Int) throws -> [UInt8] {
        guard width > 0, height > 0, width <= 65_535, height <= 65_535,
              pixels.count == width * height * 3 else {
            throw FiguresError.imageTooLarge(width: width, height: height, limit: 65_535)
        }
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = UInt32(PNG_FORMAT_RGB)
        // One pass into a buffer that is usually big enough (heatmaps compress well); libpng
        // reports the size it needs when it is not, and the second pass then fits.
        var capacity = width * height * 3 / 4 + 4096
        for _ in 0..<2 {
            var output = [UInt8](repeating: 0, count: capacity)
            var size = capacity
            let written = output.withUnsafeMutableBytes { memory in
                pixels.withUnsafeBytes { buffer in
                    png_image_write_to_memory(&image, memory.baseAddress, &size, 0, buffer.baseAddress, 0, nil)
                }
            }
            if written != 0 && size <= capacity { return Array(output.prefix(size)) }
            guard size > capacity else { break }
            capacity = size
            image.warning_or_error = 0
        }
        throw FiguresError.encodingFailed(message: message(&image))
    }

    /// libpng's message for the last failure of `image`.
    static func message(_ image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}

/// An RGB picture in memory, drawn into with clipped rectangles.
struct Canvas {
    let width: Int
    let height: Int
    var pixels: [UInt8]

    init(width: Int, height: Int, fill: RGB) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        self.fill(x: 0, y: 0, width: width, height: height, color: fill)
    }

    subscript(x: Int, y: Int) -> RGB {
        get {
            let i = (y * width + x) * 3
            return RGB(pixels[i], pixels[i + 1], pixels[i + 2])
        }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            let i = (y * width + x) * 3
            pixels[i] = newValue.r; pixels[i + 1] = newValue.g; pixels[i + 2] = newValue.b
        }
    }

    mutating func fill(x: Int, y: Int, width w: Int, height h: Int, color: RGB) {
        let top = max(y, 0), bottom = min(y + h, height), left = max(x, 0), right = min(x + w, width)
        guard top < bottom, left < right else { return }
        let rowWidth = width
        pixels.withUnsafeMutableBufferPointer { buffer in
            for row in top..<bottom {
                var index = (row * rowWidth + left) * 3
                for _ in left..<right {
                    buffer[index] = color.r; buffer[index + 1] = color.g; buffer[index + 2] = color.b
                    index += 3
                }
            }
        }
    }

    /// A one-pixel outline.
    mutating func frame(x: Int, y: Int, width w: Int, height h: Int, color: RGB) {
        fill(x: x, y: y, width: w, height: 1, color: color)
        fill(x: x, y: y + h - 1, width: w, height: 1, color: color)
        fill(x: x, y: y, width: 1, height: h, color: color)
        fill(x: x + w - 1, y: y, width: 1, height: h, color: color)
    }
}
