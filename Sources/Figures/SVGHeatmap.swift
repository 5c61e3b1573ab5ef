// Heatmaps as SVG: one <rect> per cell with its value on hover (<title>), hatched masked cells,
// labels, a colour bar; large maps are pooled first; a grid of panels shares one colour range.

public enum SVGRenderer {
    /// At most this many rows and columns of cells (more are averaged in blocks, with a note).
    public static let cellLimit = 160
    static let fontSize = 11.0
    static let padding = 10.0

    /// A standalone SVG document of `heatmap`.
    public static func render(_ heatmap: Heatmap) -> String {
        let panel = heatmapPanel(heatmap)
        var builder = SVGBuilder(idPrefix: panel.builder.idPrefix)
        builder.definitions = panel.builder.definitions
        builder.elements = panel.builder.elements
        return builder.document(width: panel.width, height: panel.height, title: heatmap.title)
    }

    /// Several heatmaps in rows of `columns` panels; panels without a `range` share one.
    public static func render(grid heatmaps: [Heatmap], columns: Int) -> String {
        let perRow = min(max(columns, 1), max(heatmaps.count, 1))
        let shared = TerminalRenderer.sharedRange(heatmaps)
        let panels = heatmaps.map { heatmap -> (builder: SVGBuilder, width: Double, height: Double) in
            var heatmap = heatmap
            if heatmap.range == nil { heatmap.range = shared }
            return heatmapPanel(heatmap)
        }
        let cellWidth = panels.map(\.width).max() ?? 0
        var builder = SVGBuilder(idPrefix: "g" + stableHash(heatmaps.map(\.title)))
        var y = 0.0, totalWidth = 0.0
        for start in stride(from: 0, to: panels.count, by: perRow) {
            let row = panels[start..<min(start + perRow, panels.count)]
            for (offset, panel) in row.enumerated() {
                let x = Double(offset) * cellWidth
                for definition in panel.builder.definitions where !builder.definitions.contains(definition) {
                    builder.definitions.append(definition)
                }
                builder.add("<g transform=\"translate(\(svgNumber(x)) \(svgNumber(y)))\">")
                builder.elements += panel.builder.elements
                builder.add("</g>")
                totalWidth = max(totalWidth, x + panel.width)
            }
            y += row.map(\.height).max() ?? 0
        }
        return builder.document(width: totalWidth, height: y, title: heatmaps.first?.title ?? "")
    }

    /// One heatmap drawn from (0, 0), with its size.
    static func heatmapPanel(_ heatmap: Heatmap) -> (builder: SVGBuilder, width: Double, height: Double) {
        let (sourceRows, sourceColumns) = heatmap.shape
        let id = "h" + stableHash([heatmap.title, "\(sourceRows)x\(sourceColumns)", heatmap.colormap.name]
            + heatmap.values.prefix(4096).map { String($0.bitPattern) })
        var builder = SVGBuilder(idPrefix: id)
        let size = fontSize
        var y = padding
        if !heatmap.title.isEmpty {
            builder.text(heatmap.title, x: padding, y: y + 13, size: 14, bold: true)
            y += 20
        }
        if let note = heatmap.windowNote, !note.isEmpty {
            builder.text(note, x: padding, y: y + 11, size: size, fill: "#555")
            y += 16
        }
        guard sourceRows > 0 else {
            builder.text("(empty: \(heatmap.rows) x \(heatmap.columns))", x: padding, y: y + 12, size: size, fill: "#555")
            return (builder, 240, y + 24)
        }
        let grid = CellGrid(heatmap, maxRows: cellLimit, maxColumns: cellLimit, overflow: .pool)
        let range = heatmap.displayRange
        let normalize = Normalizer(range)
        let cell = min(max((480.0 / Double(max(grid.rows, grid.columns))).rounded(.down), 3), 24)
        let rowLabels = grid.rowStarts.map { Text.truncate(Text.sanitize(heatmap.rowLabel($0)), to: 24) }
        let columnLabels = grid.columnStarts.map { Text.truncate(Text.sanitize(heatmap.columnLabel($0)), to: 24) }
        let labelEvery = max(Int((size * 1.15 / cell).rounded(.up)), 1)
        let rowLabelWidth = (rowLabels.map { SVGBuilder.textWidth($0, size: size) }.max() ?? 0) + 6
        let columnLabelHeight = (columnLabels.map { SVGBuilder.textWidth($0, size: size) }.max() ?? 0) + 6
        let mapX = padding + rowLabelWidth, mapY = y + 4
        let mapWidth = Double(grid.columns) * cell, mapHeight = Double(grid.rows) * cell

        // Cells, each with its value on hover.
        builder.add("<g shape-rendering=\"crispEdges\">")
        for row in 0..<grid.rows {
            for column in 0..<grid.columns {
                let fill: String, shown: String
                switch grid[row, column] {
                case .value(let v):
                    fill = RGB(heatmap.colormap.color(normalize(v))).hex
                    shown = (grid.rowFactor * grid.columnFactor > 1 ? "mean " : "") + NumberFormat.short(v)
                case .masked:
                    fill = builder.hatchPattern()
                    shown = maskReason(heatmap, row: grid.rowStarts[row], column: grid.columnStarts[column])
                case .nonFinite:
                    fill = RGB.nonFinite.hex
                    shown = grid.rowFactor * grid.columnFactor > 1 ? "non-finite"
                        : NumberFormat.short(heatmap.value(grid.rowStarts[row], grid.columnStarts[column]))
                }
                let title = describe(heatmap.rowAxis, grid.rowStarts[row], grid.rowFactor, sourceRows,
                                     heatmap.rowLabel)
                    + " → " + describe(heatmap.columnAxis, grid.columnStarts[column], grid.columnFactor,
                                       sourceColumns, heatmap.columnLabel)
                    + ": " + shown
                builder.rect(x: mapX + Double(column) * cell, y: mapY + Double(row) * cell,
                             width: cell, height: cell, fill: fill, title: title)
            }
        }
        builder.add("</g>")
        builder.rect(x: mapX, y: mapY, width: mapWidth, height: mapHeight, fill: "none",
                     extra: "stroke=\"#888\" stroke-width=\"0.5\"")
        let windowEdge = slidingWindowEdge(heatmap, grid: grid, x: mapX, y: mapY, cell: cell)
        if let windowEdge { builder.add(windowEdge) }

        // Labels: rows on the left, columns below (turned to read upwards).
        for (row, label) in rowLabels.enumerated() where row % labelEvery == 0 {
            builder.text(label, x: mapX - 4, y: mapY + (Double(row) + 0.5) * cell + size * 0.35, size: size, anchor: "end")
        }
        for (column, label) in columnLabels.enumerated() where column % labelEvery == 0 {
            let x = mapX + (Double(column) + 0.5) * cell + size * 0.35
            builder.text(label, x: x, y: mapY + mapHeight + 4, size: size, anchor: "end", rotate: -90)
        }
        var bottom = mapY + mapHeight + columnLabelHeight + 4

        // Colour bar with ticks.
        let barX = mapX + mapWidth + 18, barHeight = max(mapHeight, 100)
        builder.rect(x: barX, y: mapY, width: 14, height: barHeight, fill: builder.gradient(heatmap.colormap),
                     extra: "stroke=\"#888\" stroke-width=\"0.5\"")
        let lower = Double(range.lowerBound), upper = Double(range.upperBound)
        // The ends of the range, and round values between them that keep clear of the ends.
        var ticks = [lower]
        if upper > lower {
            let clearance = (upper - lower) * 0.12
            ticks += NumberFormat.ticks(lower, upper, count: 4).filter { $0 > lower + clearance && $0 < upper - clearance }
            ticks.append(upper)
        }
        var tickWidth = 0.0
        for tick in ticks {
            let fraction = upper > lower ? (tick - lower) / (upper - lower) : 0.5
            let tickY = mapY + barHeight * (1 - fraction)
            builder.line(x1: barX + 14, y1: tickY, x2: barX + 18, y2: tickY)
            let label = NumberFormat.short(tick, digits: 3)
            builder.text(label, x: barX + 20, y: tickY + size * 0.35, size: size)
            tickWidth = max(tickWidth, SVGBuilder.textWidth(label, size: size))
        }
        let width = max(barX + 20 + tickWidth + padding, padding * 2 + SVGBuilder.textWidth(heatmap.title, size: 14))
        bottom = max(bottom, mapY + barHeight + 4)

        // Notes: pooling, markers.
        var notes = grid.notes
        if grid.cells.contains(.masked) {
            builder.rect(x: padding, y: bottom + 4, width: 12, height: 12, fill: builder.hatchPattern())
            let meaning = heatmap.slidingWindow != nil ? "masked: a later token, or outside the sliding window" : "masked"
            builder.text(meaning, x: padding + 16, y: bottom + 14, size: size)
            bottom += 18
        }
        if windowEdge != nil, let window = heatmap.slidingWindow {
            builder.line(x1: padding, y1: bottom + 10, x2: padding + 12, y2: bottom + 10, stroke: windowEdgeColor, width: 2.5)
            builder.text("sliding window edge: keys left of it are more than \(window) tokens back", x: padding + 16,
                         y: bottom + 14, size: size)
            bottom += 18
        }
        let nonFinite = heatmap.nonFiniteCount
        if nonFinite > 0 {
            builder.rect(x: padding, y: bottom + 4, width: 12, height: 12, fill: RGB.nonFinite.hex)
            builder.text("\(nonFinite) NaN or infinite", x: padding + 16, y: bottom + 14, size: size)
            bottom += 18
        }
        if heatmap.colormap.isDiverging { notes.append("colours centred on 0") }
        for note in notes {
            builder.text(note, x: padding, y: bottom + 14, size: size, fill: "#555")
            bottom += 16
        }
        return (builder, width, bottom + padding)
    }

    static let windowEdgeColor = "#ff4f1f"

    /// What a masked cell stands for: "masked", or with a sliding window, which side of it.
    private static func maskReason(_ heatmap: Heatmap, row: Int, column: Int) -> String {
        guard heatmap.slidingWindow != nil else { return "masked" }
        return column > row ? "masked: a later token" : "masked: outside the sliding window"
    }

    /// The left edge of the sliding window as a staircase (`<polyline>`, in the drawn grid's
    /// coordinates), or nil when no visible row reaches past the window.
    private static func slidingWindowEdge(_ heatmap: Heatmap, grid: CellGrid, x: Double, y: Double, cell: Double) -> String? {
        guard let window = heatmap.slidingWindow, window > 0 else { return nil }
        let rows = heatmap.shape.rows, columns = heatmap.shape.columns
        let rowFactor = Double(max(grid.rowFactor, 1)), columnFactor = Double(max(grid.columnFactor, 1))
        var points: [String] = []
        for query in 0..<rows {
            let firstKey = query - window + 1
            guard firstKey > 0, firstKey <= columns else { continue }
            let edgeX = x + Double(firstKey) / columnFactor * cell
            points.append(svgNumber(edgeX) + "," + svgNumber(y + Double(query) / rowFactor * cell))
            points.append(svgNumber(edgeX) + "," + svgNumber(y + Double(query + 1) / rowFactor * cell))
        }
        guard !points.isEmpty else { return nil }
        return "<polyline class=\"sliding-window\" points=\"\(points.joined(separator: " "))\" fill=\"none\""
            + " stroke=\"\(windowEdgeColor)\" stroke-width=\"2.5\"><title>sliding window of \(window) tokens</title></polyline>"
    }

    /// "cat" for a single row, or "queries 8–15" for a pooled block starting at `start`.
    private static func describe(_ axis: String, _ start: Int, _ factor: Int, _ count: Int,
                                 _ label: (Int) -> String) -> String {
        guard factor > 1 else { return label(start) }
        return "\(axis) \(start)–\(min(start + factor, count) - 1)"
    }
}
