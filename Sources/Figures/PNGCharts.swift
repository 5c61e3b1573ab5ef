// Charts as PNG images: grids of heatmaps, bars, histograms and line charts drawn on the same
// canvas as PNG heatmaps — shapes, axes and ticks, no text (labels belong to SVG).

extension PNGRenderer {
    /// Several heatmaps side by side, `columns` to a row, each with its own colour bar.
    public static func render(grid heatmaps: [Heatmap], columns: Int, cellSize: Int = 8) throws -> [UInt8] {
        guard !heatmaps.isEmpty else { throw FiguresError.emptyImage(rows: 0, columns: 0) }
        let shared = TerminalRenderer.sharedRange(heatmaps)
        let panels = try heatmaps.map { heatmap -> (pixels: [UInt8], width: Int, height: Int) in
            var heatmap = heatmap
            if heatmap.range == nil { heatmap.range = shared }
            return try raster(heatmap, cellSize: cellSize)
        }
        let perRow = min(max(columns, 1), panels.count)
        let panelWidth = panels.map(\.width).max() ?? 1, panelHeight = panels.map(\.height).max() ?? 1
        let rowCount = (panels.count + perRow - 1) / perRow
        var canvas = Canvas(width: panelWidth * perRow, height: panelHeight * rowCount, fill: RGB(255, 255, 255))
        for (index, panel) in panels.enumerated() {
            let originX = (index % perRow) * panelWidth, originY = (index / perRow) * panelHeight
            for y in 0..<panel.height {
                for x in 0..<panel.width {
                    let i = (y * panel.width + x) * 3
                    canvas[originX + x, originY + y] = RGB(panel.pixels[i], panel.pixels[i + 1], panel.pixels[i + 2])
                }
            }
        }
        return try encode(rgb: canvas.pixels, width: canvas.width, height: canvas.height)
    }

    /// Horizontal bars, one per item (scaled to 0...1 when every value lies there).
    public static func bars(_ items: [Bar]) throws -> [UInt8] {
        let rowHeight = 18, barArea = 320, margin = 10
        var canvas = Canvas(width: barArea + 2 * margin, height: max(items.count, 1) * rowHeight + 2 * margin,
                            fill: RGB(255, 255, 255))
        let finite = items.map(\.value).filter(\.isFinite)
        let isProbability = finite.allSatisfy { $0 >= 0 && $0 <= 1 }
        let lower = isProbability ? 0 : min(finite.min() ?? 0, 0)
        var upper = isProbability ? 1 : max(finite.max() ?? 0, 0)
        if upper <= lower { upper = lower + 1 }
        func x(_ value: Float) -> Int { margin + Int((Double(value - lower) / Double(upper - lower) * Double(barArea)).rounded()) }
        for (index, item) in items.enumerated() where item.value.isFinite {
            let zero = x(0), end = x(min(max(item.value, lower), upper))
            canvas.fill(x: min(zero, end), y: margin + index * rowHeight + 2, width: max(abs(end - zero), 1),
                        height: rowHeight - 4, color: item.value >= 0 ? RGB(70, 130, 180) : RGB(214, 96, 77))
        }
        canvas.fill(x: x(0), y: margin, width: 1, height: items.count * rowHeight, color: RGB(136, 136, 136))
        return try encode(rgb: canvas.pixels, width: canvas.width, height: canvas.height)
    }

    /// Counts of the finite values in equal-width bins, in a frame.
    public static func histogram(_ values: [Float], bins: Int) throws -> [UInt8] {
        let binning = Binning(values, bins: bins)
        var plot = RasterPlot()
        let top = Double(max(binning.counts.max() ?? 1, 1)) * 1.05
        if let first = binning.edges.first, let last = binning.edges.last {
            plot.domain = (first, last, 0, top)
            for (index, count) in binning.counts.enumerated() where count > 0 {
                let x0 = plot.x(binning.edges[index]), x1 = plot.x(binning.edges[index + 1]), y = plot.y(Double(count))
                plot.canvas.fill(x: x0, y: y, width: max(x1 - x0 - 1, 1), height: plot.y(0) - y, color: RGB(70, 130, 180))
            }
        }
        plot.drawFrame()
        return try encode(rgb: plot.canvas.pixels, width: plot.canvas.width, height: plot.canvas.height)
    }

    /// Each series as a 2-pixel line in its colour (dashed series dashed), the points as dots.
    public static func lines(_ chart: LineChart) throws -> [UInt8] {
        var xs: [Double] = [], ys: [Double] = []
        for line in chart.series {
            for (x, y) in zip(line.xs, line.ys) where x.isFinite && y.isFinite { xs.append(Double(x)); ys.append(Double(y)) }
        }
        for point in chart.points where point.x.isFinite && point.y.isFinite { xs.append(Double(point.x)); ys.append(Double(point.y)) }
        var plot = RasterPlot()
        let xRange = Axes.padded(xs.min() ?? 0, xs.max() ?? 1, fraction: 0), yRange = Axes.padded(ys.min() ?? 0, ys.max() ?? 1, fraction: 0.05)
        plot.domain = (xRange.lowerBound, xRange.upperBound, yRange.lowerBound, yRange.upperBound)
        plot.drawFrame()
        for (index, line) in chart.series.enumerated() {
            let color = RGB(hex: SVGRenderer.palette[index % SVGRenderer.palette.count])
            var previous: (Int, Int)?, travelled = 0.0
            for (x, y) in zip(line.xs, line.ys) {
                guard x.isFinite && y.isFinite else { previous = nil; continue }
                let point = (plot.x(Double(x)), plot.y(Double(y)))
                if let from = previous {
                    plot.canvas.line(from: from, to: point, color: color, dashed: line.dashed, travelled: &travelled)
                }
                previous = point
            }
        }
        for point in chart.points where point.x.isFinite && point.y.isFinite {
            let color = point.series.map { RGB(hex: SVGRenderer.palette[abs($0) % SVGRenderer.palette.count]) } ?? RGB(60, 60, 60)
            plot.canvas.fill(x: plot.x(Double(point.x)) - 2, y: plot.y(Double(point.y)) - 2, width: 5, height: 5, color: color)
        }
        return try encode(rgb: plot.canvas.pixels, width: plot.canvas.width, height: plot.canvas.height)
    }
}

/// A 600 x 360 canvas with a 520 x 300 plot area and a value-to-pixel mapping.
private struct RasterPlot {
    var canvas = Canvas(width: 600, height: 360, fill: RGB(255, 255, 255))
    let left = 50, top = 20, width = 520, height = 300
    var domain: (x0: Double, x1: Double, y0: Double, y1: Double) = (0, 1, 0, 1)

    func x(_ value: Double) -> Int {
        let span = domain.x1 - domain.x0
        return left + (span > 0 ? Int(((value - domain.x0) / span * Double(width)).rounded()) : width / 2)
    }

    func y(_ value: Double) -> Int {
        let span = domain.y1 - domain.y0
        return top + height - (span > 0 ? Int(((value - domain.y0) / span * Double(height)).rounded()) : height / 2)
    }

    /// Light grid lines at round ticks, then the frame and tick marks.
    mutating func drawFrame() {
        for tick in NumberFormat.ticks(domain.x0, domain.x1, count: 6) {
            canvas.fill(x: x(tick), y: top, width: 1, height: height, color: RGB(228, 228, 228))
            canvas.fill(x: x(tick), y: top + height, width: 1, height: 5, color: RGB(68, 68, 68))
        }
        for tick in NumberFormat.ticks(domain.y0, domain.y1, count: 5) {
            canvas.fill(x: left, y: y(tick), width: width, height: 1, color: RGB(228, 228, 228))
            canvas.fill(x: left - 5, y: y(tick), width: 5, height: 1, color: RGB(68, 68, 68))
        }
        canvas.frame(x: left, y: top, width: width + 1, height: height + 1, color: RGB(68, 68, 68))
    }
}

extension Canvas {
    /// A 2-pixel line by steps of at most one pixel; `travelled` carries the dash phase along a polyline.
    mutating func line(from start: (Int, Int), to end: (Int, Int), color: RGB, dashed: Bool, travelled: inout Double) {
        let dx = Double(end.0 - start.0), dy = Double(end.1 - start.1)
        let steps = max(Int(max(abs(dx), abs(dy))), 1)
        let stepLength = (dx * dx + dy * dy).squareRoot() / Double(steps)
        for step in 0...steps {
            travelled += step == 0 ? 0 : stepLength
            if dashed && travelled.truncatingRemainder(dividingBy: 10) >= 6 { continue }
            let t = Double(step) / Double(steps)
            fill(x: start.0 + Int((dx * t).rounded()), y: start.1 + Int((dy * t).rounded()), width: 2, height: 2, color: color)
        }
    }
}

extension RGB {
    /// From `#rrggbb` (black for anything else).
    init(hex: String) {
        let digits = Array(hex.utf8.dropFirst())
        func byte(_ i: Int) -> UInt8 {
            guard digits.count == 6, let value = UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16) else { return 0 }
            return value
        }
        self.init(byte(0), byte(2), byte(4))
    }
}
