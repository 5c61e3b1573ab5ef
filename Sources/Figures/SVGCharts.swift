// SVG charts: labelled bars, histograms, and line charts with scatter points (e.g. the soft-cap
// curve cap·tanh(x/cap) against the identity, with the values actually seen).

/// A line in a chart: y against x, optionally dashed.
public struct Series: Sendable {
    public var name: String
    public var xs: [Float]
    public var ys: [Float]
    public var dashed: Bool

    public init(name: String, xs: [Float], ys: [Float], dashed: Bool = false) {
        self.name = name; self.xs = xs; self.ys = ys; self.dashed = dashed
    }
}

/// A scatter point in a chart, with an optional label shown on hover.
public struct Point: Sendable {
    public var x: Float
    public var y: Float
    public var label: String?
    /// The index of the series the point belongs to: drawn in that series' colour (else grey).
    public var series: Int?

    public init(x: Float, y: Float, label: String? = nil, series: Int? = nil) {
        self.x = x; self.y = y; self.label = label; self.series = series
    }
}

extension SVGRenderer {
    /// Okabe-Ito colours, distinguishable with colour-blindness, for series.
    static let palette = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#f0e442", "#000000"]

    /// Horizontal bars with labels and values; scaled to 0...1 when every value lies there.
    public static func bars(_ items: [(label: String, value: Float)], title: String) -> String {
        var builder = SVGBuilder(idPrefix: "b" + stableHash([title] + items.map(\.label)))
        let size = fontSize, rowHeight = 18.0, barArea = 320.0
        var y = padding
        if !title.isEmpty { builder.text(title, x: padding, y: y + 13, size: 14, bold: true); y += 24 }
        let labels = items.map { Text.truncate(Text.sanitize($0.label), to: 32) }
        let labelWidth = (labels.map { SVGBuilder.textWidth($0, size: size) }.max() ?? 0) + 8
        let finite = items.map { Double($0.value) }.filter(\.isFinite)
        let isProbability = finite.allSatisfy { $0 >= 0 && $0 <= 1 }
        let lower = isProbability ? 0 : min(finite.min() ?? 0, 0)
        var upper = isProbability ? 1 : max(finite.max() ?? 0, 0)
        if upper <= lower { upper = lower + 1 }
        let originX = padding + labelWidth
        func xPosition(_ value: Double) -> Double { originX + (value - lower) / (upper - lower) * barArea }
        var valueWidth = 0.0
        for (index, item) in items.enumerated() {
            let rowY = y + Double(index) * rowHeight
            builder.text(labels[index], x: originX - 6, y: rowY + 12, size: size, anchor: "end")
            let value = Double(item.value), valueText = NumberFormat.short(item.value)
            if value.isFinite {
                let x0 = xPosition(0), x1 = xPosition(min(max(value, lower), upper))
                builder.rect(x: min(x0, x1), y: rowY + 2, width: abs(x1 - x0), height: rowHeight - 4,
                             fill: value >= 0 ? "#4682b4" : "#d6604d", title: Text.sanitize(item.label) + ": " + valueText)
            }
            builder.text(valueText, x: originX + barArea + 6, y: rowY + 12, size: size, fill: "#444")
            valueWidth = max(valueWidth, SVGBuilder.textWidth(valueText, size: size))
        }
        let bottom = y + Double(items.count) * rowHeight
        if lower < 0 { builder.line(x1: xPosition(0), y1: y, x2: xPosition(0), y2: bottom, stroke: "#888") }
        if items.isEmpty { builder.text("(no items)", x: padding, y: y + 12, size: size, fill: "#555") }
        let width = max(originX + barArea + 12 + valueWidth + padding, SVGBuilder.textWidth(title, size: 14) + 2 * padding)
        return builder.document(width: width, height: bottom + padding + (items.isEmpty ? 16 : 0), title: title)
    }

    /// Counts of the finite values in `bins` equal-width bins, with axes.
    public static func histogram(_ values: [Float], bins: Int, title: String) -> String {
        let binning = Binning(values, bins: bins)
        var builder = SVGBuilder(idPrefix: "s" + stableHash([title, String(values.count)]))
        var frame = Axes(title: title, xLabel: "value", yLabel: "count", builder: &builder)
        var footer = "n = \(binning.total)"
        if binning.skipped > 0 { footer += ", \(binning.skipped) NaN or infinite skipped" }
        if let first = binning.edges.first, let last = binning.edges.last {
            frame.setDomain(x: first...last, y: 0...(Double(max(binning.counts.max() ?? 1, 1)) * 1.05))
            frame.drawAxes(&builder)
            for (index, count) in binning.counts.enumerated() where count > 0 {
                let x0 = frame.x(binning.edges[index]), x1 = frame.x(binning.edges[index + 1])
                let top = frame.y(Double(count))
                let bin = "[\(NumberFormat.short(binning.edges[index])), \(NumberFormat.short(binning.edges[index + 1])))"
                builder.rect(x: x0, y: top, width: max(x1 - x0 - 1, 0.5), height: frame.y(0) - top, fill: "#4682b4",
                             title: bin + ": \(count)")
            }
        } else {
            frame.setDomain(x: 0...1, y: 0...1)
            frame.drawAxes(&builder)
            footer = "(no finite values) " + footer
        }
        return frame.finish(&builder, footer: footer)
    }

    /// A line chart of `series` with optional scatter `points`; NaN or infinite values break lines
    /// and are skipped.
    public static func lines(_ series: [Series], title: String, xLabel: String, yLabel: String,
                             points: [Point]? = nil) -> String {
        var builder = SVGBuilder(idPrefix: "l" + stableHash([title] + series.map(\.name)))
        var frame = Axes(title: title, xLabel: xLabel, yLabel: yLabel, builder: &builder)
        var xs: [Double] = [], ys: [Double] = []
        for line in series {
            for (x, y) in zip(line.xs, line.ys) where x.isFinite && y.isFinite { xs.append(Double(x)); ys.append(Double(y)) }
        }
        for point in points ?? [] where point.x.isFinite && point.y.isFinite {
            xs.append(Double(point.x)); ys.append(Double(point.y))
        }
        let xRange = Axes.padded(xs.min() ?? 0, xs.max() ?? 1, fraction: 0)
        let yRange = Axes.padded(ys.min() ?? 0, ys.max() ?? 1, fraction: 0.05)
        frame.setDomain(x: xRange, y: yRange)
        frame.drawAxes(&builder)
        builder.add("<g fill=\"none\" stroke-linejoin=\"round\">")
        for (index, line) in series.enumerated() {
            let color = palette[index % palette.count]
            var segment: [String] = []
            func flush() {
                if segment.count > 1 {
                    builder.add("<polyline points=\"\(segment.joined(separator: " "))\" stroke=\"\(color)\""
                        + " stroke-width=\"2\"" + (line.dashed ? " stroke-dasharray=\"6 4\"" : "")
                        + "><title>\(XML.escape(line.name))</title></polyline>")
                }
                segment = []
            }
            for (x, y) in zip(line.xs, line.ys) {
                guard x.isFinite && y.isFinite else { flush(); continue }
                segment.append(svgNumber(frame.x(Double(x))) + "," + svgNumber(frame.y(Double(y))))
            }
            flush()
        }
        builder.add("</g>")
        for point in points ?? [] where point.x.isFinite && point.y.isFinite {
            let text = (point.label.map { $0 + ": " } ?? "") + "(\(NumberFormat.short(point.x)), \(NumberFormat.short(point.y)))"
            builder.add("<circle cx=\"\(svgNumber(frame.x(Double(point.x))))\" cy=\"\(svgNumber(frame.y(Double(point.y))))\""
                + " r=\"3\" fill=\"\(point.series.map { palette[abs($0) % palette.count] } ?? "#000000")\""
                + " fill-opacity=\"0.55\"><title>\(XML.escape(text))</title></circle>")
        }
        // Legend, top left inside the plot.
        var legendY = frame.top + 14
        for (index, line) in series.enumerated() {
            let color = palette[index % palette.count]
            builder.line(x1: frame.left + 8, y1: legendY - 4, x2: frame.left + 30, y2: legendY - 4, stroke: color,
                         width: 2, dashed: line.dashed)
            builder.text(Text.truncate(Text.sanitize(line.name), to: 40), x: frame.left + 36, y: legendY, size: fontSize)
            legendY += 16
        }
        if let points, !points.isEmpty {
            builder.add("<circle cx=\"\(svgNumber(frame.left + 19))\" cy=\"\(svgNumber(legendY - 4))\""
                + " r=\"3\" fill=\"#000000\" fill-opacity=\"0.55\"/>")
            builder.text("values seen (\(points.count))", x: frame.left + 36, y: legendY, size: fontSize)
        }
        return frame.finish(&builder, footer: xs.isEmpty ? "(no finite data)" : nil)
    }
}
