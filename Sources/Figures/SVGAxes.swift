// The plot frame shared by SVG histograms and line charts: title, value-to-pixel mapping,
// axes with round ticks and light grid lines, axis labels, a footer.

struct Axes {
    let title: String
    let xLabel: String
    let yLabel: String
    let left = 64.0, plotWidth = 520.0, plotHeight = 300.0
    let top: Double
    var xDomain: ClosedRange<Double> = 0...1
    var yDomain: ClosedRange<Double> = 0...1
    var bottom: Double { top + plotHeight }
    var right: Double { left + plotWidth }

    init(title: String, xLabel: String, yLabel: String, builder: inout SVGBuilder) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel
        var y = SVGRenderer.padding
        if !title.isEmpty {
            builder.text(title, x: SVGRenderer.padding, y: y + 13, size: 14, bold: true)
            y += 24
        }
        top = y + 6
    }

    /// `lower...upper` widened by `fraction` of its width each side (by 0.5 when it is empty).
    static func padded(_ lower: Double, _ upper: Double, fraction: Double) -> ClosedRange<Double> {
        guard lower.isFinite, upper.isFinite else { return 0...1 }
        if upper <= lower { return (lower - 0.5)...(lower + 0.5) }
        let extra = (upper - lower) * fraction
        return (lower - extra)...(upper + extra)
    }

    mutating func setDomain(x: ClosedRange<Double>, y: ClosedRange<Double>) {
        xDomain = Self.padded(x.lowerBound, x.upperBound, fraction: 0)
        yDomain = Self.padded(y.lowerBound, y.upperBound, fraction: 0)
    }

    func x(_ value: Double) -> Double {
        left + (value - xDomain.lowerBound) / (xDomain.upperBound - xDomain.lowerBound) * plotWidth
    }

    func y(_ value: Double) -> Double {
        bottom - (value - yDomain.lowerBound) / (yDomain.upperBound - yDomain.lowerBound) * plotHeight
    }

    /// Grid lines, tick labels, the frame and the axis labels.
    func drawAxes(_ builder: inout SVGBuilder) {
        let size = SVGRenderer.fontSize
        for tick in NumberFormat.ticks(xDomain.lowerBound, xDomain.upperBound, count: 6) {
            builder.line(x1: x(tick), y1: top, x2: x(tick), y2: bottom, stroke: "#e4e4e4")
            builder.text(NumberFormat.short(tick, digits: 3), x: x(tick), y: bottom + 15, size: size, anchor: "middle")
        }
        for tick in NumberFormat.ticks(yDomain.lowerBound, yDomain.upperBound, count: 5) {
            builder.line(x1: left, y1: y(tick), x2: right, y2: y(tick), stroke: "#e4e4e4")
            builder.text(NumberFormat.short(tick, digits: 3), x: left - 5, y: y(tick) + size * 0.35, size: size, anchor: "end")
        }
        builder.add("<rect x=\"\(svgNumber(left))\" y=\"\(svgNumber(top))\" width=\"\(svgNumber(plotWidth))\""
            + " height=\"\(svgNumber(plotHeight))\" fill=\"none\" stroke=\"#444\" stroke-width=\"1\"/>")
        builder.text(xLabel, x: left + plotWidth / 2, y: bottom + 32, size: size + 1, anchor: "middle")
        builder.text(yLabel, x: 16, y: top + plotHeight / 2, size: size + 1, anchor: "middle", rotate: -90)
    }

    /// The document, with an optional footer line under the x label.
    func finish(_ builder: inout SVGBuilder, footer: String?) -> String {
        var height = bottom + 42
        if let footer {
            builder.text(footer, x: left, y: height + 4, size: SVGRenderer.fontSize, fill: "#555")
            height += 16
        }
        let width = max(right + 24, SVGBuilder.textWidth(title, size: 14) + 2 * SVGRenderer.padding)
        return builder.document(width: width, height: height + SVGRenderer.padding, title: title)
    }
}
