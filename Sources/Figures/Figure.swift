// The figure model: what a value can be drawn as (heatmaps, bars, histograms, line charts,
// labelled grids, tables), independent of the output; rendered to SVG or PNG, or written to a file.
import AtomicWrite

/// One labelled bar (a top-k probability, a count).
public struct Bar: Sendable, Equatable {
    public var label: String
    public var value: Float
    public init(label: String, value: Float) { self.label = label; self.value = value }
}

/// A line chart: series, scatter points and axis labels (e.g. the soft-cap curves).
public struct LineChart: Sendable {
    public var series: [Series]
    public var points: [Point]
    public var xLabel: String
    public var yLabel: String
    public init(series: [Series], points: [Point] = [], xLabel: String, yLabel: String) {
        self.series = series; self.points = points; self.xLabel = xLabel; self.yLabel = yLabel
    }
}

/// A table of text cells. Tables are drawn as tables (HTML, Markdown), not as pictures.
public struct Table: Sendable, Equatable {
    public var header: [String]
    public var rows: [[String]]
    /// Columns whose cells are right-aligned (numbers).
    public var alignRight: Set<Int>
    public init(header: [String], rows: [[String]], alignRight: Set<Int> = []) {
        self.header = header; self.rows = rows; self.alignRight = alignRight
    }
}

/// Something to look at, made by a value for a report or a file.
public struct Figure: Sendable {
    /// What the figure shows; reports mark each figure with it (`data-kind` in HTML).
    public enum Kind: String, Sendable, CaseIterable {
        case attention, logitLens = "logit-lens", softCap = "soft-cap", topTokens = "top-k"
        case histogram, table, heatmap, chart
    }

    /// How it is drawn.
    public enum Content: Sendable {
        case heatmap(Heatmap)
        /// Several heatmaps in rows of `columns` panels, sharing one colour range.
        case heatmapGrid([Heatmap], columns: Int)
        /// Coloured cells with a text in each (the logit lens: top token, coloured by probability).
        case labeledGrid(LabeledGrid)
        case bars([Bar])
        case histogram(values: [Float], bins: Int)
        case lines(LineChart)
        case table(Table)
    }

    public var kind: Kind
    public var title: String
    public var content: Content
    /// A line shown under the figure (a summary the picture does not carry).
    public var caption: String?

    public init(kind: Kind, title: String, content: Content, caption: String? = nil) {
        self.kind = kind; self.title = title; self.content = content; self.caption = caption
    }

    /// Whether the figure is a picture (SVG/PNG); tables are not.
    public var isPicture: Bool {
        if case .table = content { return false }
        return true
    }

    /// A standalone SVG document of the figure; nil for a table.
    public func svg() -> String? {
        switch content {
        case .heatmap(let heatmap): return SVGRenderer.render(heatmap)
        case .heatmapGrid(let heatmaps, let columns): return SVGRenderer.render(grid: heatmaps, columns: columns)
        case .labeledGrid(let grid): return SVGRenderer.render(grid)
        case .bars(let bars): return SVGRenderer.bars(bars.map { ($0.label, $0.value) }, title: title)
        case .histogram(let values, let bins): return SVGRenderer.histogram(values, bins: bins, title: title)
        case .lines(let chart):
            return SVGRenderer.lines(chart.series, title: title, xLabel: chart.xLabel, yLabel: chart.yLabel,
                                     points: chart.points)
        case .table: return nil
        }
    }

    /// The PNG bytes of the figure (pictures without text: labels belong to SVG).
    /// - Throws: `FiguresError.unsupportedFormat` for a table.
    public func png() throws -> [UInt8] {
        switch content {
        case .heatmap(let heatmap): return try PNGRenderer.render(heatmap)
        case .heatmapGrid(let heatmaps, let columns): return try PNGRenderer.render(grid: heatmaps, columns: columns)
        case .labeledGrid(let grid): return try PNGRenderer.render(grid.heatmap, cellSize: 16)
        case .bars(let bars): return try PNGRenderer.bars(bars)
        case .histogram(let values, let bins): return try PNGRenderer.histogram(values, bins: bins)
        case .lines(let chart): return try PNGRenderer.lines(chart)
        case .table: throw FiguresError.unsupportedFormat(path: title + ".png", reason: "a table has no picture")
        }
    }

    /// Writes the figure to `path` atomically, as SVG or PNG by the file's extension.
    /// - Throws: `FiguresError.unsupportedFormat` for another extension, or for a table.
    public func write(to path: String) throws {
        let lowered = path.lowercased()
        if lowered.hasSuffix(".png") {
            try AtomicFile.write(try png(), to: path)
        } else if lowered.hasSuffix(".svg") {
            guard let svg = svg() else {
                throw FiguresError.unsupportedFormat(path: path, reason: "a table has no picture")
            }
            try AtomicFile.write(Array(svg.utf8), to: path)
        } else {
            throw FiguresError.unsupportedFormat(path: path, reason: "use a .svg or .png file name")
        }
    }
}

/// A value that can be drawn: reports and exports ask it for its figures.
public protocol FigureConvertible {
    /// The figures showing the value, most important first; empty when there is nothing to draw.
    var figures: [Figure] { get }
}
