// Grids of coloured cells with a text in each (the logit lens: the top token after each layer
// at each position, coloured by a probability), as SVG with the details on hover.

/// A heatmap whose cells also carry a short text and a hover text.
public struct LabeledGrid: Sendable {
    /// Colours, row and column labels, title and range.
    public var heatmap: Heatmap
    /// Row-major, one per cell; missing ones are empty.
    public var cellTexts: [String]
    /// Row-major hover texts; missing ones fall back to the cell text and value.
    public var cellTitles: [String]
    /// At most this many columns are drawn: the last ones (the latest positions).
    public var maxColumns: Int

    public init(heatmap: Heatmap, cellTexts: [String], cellTitles: [String] = [], maxColumns: Int = 12) {
        self.heatmap = heatmap; self.cellTexts = cellTexts; self.cellTitles = cellTitles; self.maxColumns = maxColumns
    }

    func text(_ index: Int) -> String { index < cellTexts.count ? cellTexts[index] : "" }
}

extension SVGRenderer {
    /// At most this many rows are drawn (the first ones).
    public static let labeledGridRowLimit = 64

    /// A standalone SVG document of `grid`: cells of 72 x 20 pixels holding their text.
    public static func render(_ grid: LabeledGrid) -> String {
        let heatmap = grid.heatmap
        let (rows, columns) = heatmap.shape
        var builder = SVGBuilder(idPrefix: "t" + stableHash([heatmap.title, "\(rows)x\(columns)"] + grid.cellTexts.prefix(512)))
        let size = fontSize, cellWidth = 72.0, cellHeight = 20.0
        var y = padding
        if !heatmap.title.isEmpty { builder.text(heatmap.title, x: padding, y: y + 13, size: 14, bold: true); y += 22 }
        let shownRows = min(rows, labeledGridRowLimit), firstColumn = max(columns - max(grid.maxColumns, 1), 0)
        let rowLabels = (0..<shownRows).map { Text.truncate(Text.sanitize(heatmap.rowLabel($0)), to: 20) }
        let labelWidth = (rowLabels.map { SVGBuilder.textWidth($0, size: size) }.max() ?? 0) + 8
        let mapX = padding + labelWidth, mapY = y + cellHeight
        for column in firstColumn..<columns {
            let label = Text.truncate(Text.sanitize(heatmap.columnLabel(column)), to: 10)
            builder.text(label, x: mapX + (Double(column - firstColumn) + 0.5) * cellWidth, y: y + 14, size: size,
                         anchor: "middle", bold: true, title: heatmap.columnLabel(column))
        }
        let normalize = Normalizer(heatmap.displayRange)
        for row in 0..<shownRows {
            let rowY = mapY + Double(row) * cellHeight
            builder.text(rowLabels[row], x: mapX - 6, y: rowY + 14, size: size, anchor: "end")
            for column in firstColumn..<columns {
                let index = row * columns + column, x = mapX + Double(column - firstColumn) * cellWidth
                let value = heatmap.value(row, column)
                let color = value.isFinite ? RGB(heatmap.colormap.color(normalize(value))) : RGB.nonFinite
                let text = Text.sanitize(grid.text(index))
                let title = index < grid.cellTitles.count ? grid.cellTitles[index]
                    : "\(heatmap.rowLabel(row)), \(heatmap.columnLabel(column)): \(text) \(NumberFormat.short(value))"
                builder.rect(x: x, y: rowY, width: cellWidth - 1, height: cellHeight - 1, fill: color.hex, title: title)
                builder.text(Text.truncate(text, to: 9), x: x + cellWidth / 2, y: rowY + 14, size: size,
                             anchor: "middle", fill: isDark(color) ? "#ffffff" : "#111111")
            }
        }
        var bottom = mapY + Double(shownRows) * cellHeight + 8
        // Colour scale: a horizontal bar from the low to the high end of the range.
        let range = heatmap.displayRange, scaleWidth = 160.0
        for step in 0..<32 {
            let t = Float(step) / 31
            builder.rect(x: padding + Double(step) * scaleWidth / 32, y: bottom, width: scaleWidth / 32 + 0.5, height: 10,
                         fill: RGB(heatmap.colormap.color(t)).hex)
        }
        builder.text(NumberFormat.short(range.lowerBound, digits: 3), x: padding, y: bottom + 24, size: size)
        builder.text(NumberFormat.short(range.upperBound, digits: 3), x: padding + scaleWidth, y: bottom + 24,
                     size: size, anchor: "end")
        if let note = heatmap.windowNote {
            builder.text(note, x: padding + scaleWidth + 12, y: bottom + 9, size: size, fill: "#555")
        }
        bottom += 30
        var notes: [String] = []
        if rows > shownRows { notes.append("showing the first \(shownRows) of \(rows) \(heatmap.rowAxis)") }
        if firstColumn > 0 { notes.append("showing the last \(columns - firstColumn) of \(columns) \(heatmap.columnAxis)") }
        for note in notes {
            builder.text(note, x: padding, y: bottom + 12, size: size, fill: "#555")
            bottom += 16
        }
        let width = max(mapX + Double(columns - firstColumn) * cellWidth + padding,
                        SVGBuilder.textWidth(heatmap.title, size: 14) + 2 * padding, padding * 2 + scaleWidth + 240)
        return builder.document(width: width, height: bottom + padding, title: heatmap.title)
    }

    /// Whether white text reads better than black on `color` (relative luminance below ~0.4).
    static func isDark(_ color: RGB) -> Bool {
        0.2126 * Double(color.r) + 0.7152 * Double(color.g) + 0.0722 * Double(color.b) < 110
    }
}
