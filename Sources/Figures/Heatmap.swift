// A heatmap as plain data (e.g. an attention pattern: rows = query tokens, columns = key tokens),
// with the safe accessors, colour range and normalisation that every renderer shares.
import Foundation

/// A matrix of values to draw as coloured cells. Renderers accept any contents: a `values` array
/// shorter than `rows * columns` reads as NaN, missing labels read as indices.
public struct Heatmap: Sendable {
    /// Row-major values, `rows * columns` of them.
    public var values: [Float]
    public var rows: Int
    public var columns: Int
    public var rowLabels: [String]
    public var columnLabels: [String]
    public var title: String
    /// The values that map to the ends of the colour map; nil = min...max of the finite, unmasked
    /// values. With `.diverging` the range is made symmetric about 0.
    public var range: ClosedRange<Float>?
    /// `true` for cells outside the causal or sliding window: drawn distinctly, not as a value.
    public var masked: [Bool]?
    public var colormap: Colormap
    /// Shown in the caption, e.g. "sliding window 4096 (local layer)".
    public var windowNote: String?
    /// What a row and a column stand for, in the plural ("queries", "keys"); used in notes.
    public var rowAxis: String
    public var columnAxis: String
    /// For a local attention layer: query row `q` sees keys `q - slidingWindow + 1 ... q`. The
    /// SVG marks the window's edge and tells masked cells outside it from future ones.
    public var slidingWindow: Int?

    public init(
        values: [Float], rows: Int, columns: Int,
        rowLabels: [String] = [], columnLabels: [String] = [], title: String = "",
        range: ClosedRange<Float>? = nil, masked: [Bool]? = nil, colormap: Colormap = .viridis,
        windowNote: String? = nil, rowAxis: String = "rows", columnAxis: String = "columns",
        slidingWindow: Int? = nil
    ) {
        self.values = values
        self.rows = rows
        self.columns = columns
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.title = title
        self.range = range
        self.masked = masked
        self.colormap = colormap
        self.windowNote = windowNote
        self.rowAxis = rowAxis
        self.columnAxis = columnAxis
        self.slidingWindow = slidingWindow
    }

    /// Rows and columns as drawn: negative counts are 0, an empty side empties both, and so
    /// does a cell count that overflows `Int`.
    var shape: (rows: Int, columns: Int) {
        let r = max(rows, 0), c = max(columns, 0)
        guard r > 0, c > 0, !r.multipliedReportingOverflow(by: c).overflow else { return (0, 0) }
        return (r, c)
    }

    /// The number of cells, `rows * columns` of the shape.
    var cellCount: Int { shape.rows * shape.columns }

    /// The value at a cell; NaN when `values` is too short.
    func value(_ row: Int, _ column: Int) -> Float {
        let (index, overflow) = row.multipliedReportingOverflow(by: max(columns, 0))
        guard !overflow, row >= 0, column >= 0, column < columns else { return .nan }
        let (flat, overflow2) = index.addingReportingOverflow(column)
        return !overflow2 && flat < values.count ? values[flat] : .nan
    }

    func isMasked(_ row: Int, _ column: Int) -> Bool {
        guard let masked, row >= 0, column >= 0, column < columns else { return false }
        let (index, overflow) = row.multipliedReportingOverflow(by: columns)
        guard !overflow else { return false }
        let (flat, overflow2) = index.addingReportingOverflow(column)
        return !overflow2 && flat < masked.count && masked[flat]
    }

    /// What a cell shows.
    func cell(_ row: Int, _ column: Int) -> Cell {
        if isMasked(row, column) { return .masked }
        let v = value(row, column)
        return v.isFinite ? .value(v) : .nonFinite
    }

    func rowLabel(_ row: Int) -> String {
        row >= 0 && row < rowLabels.count ? rowLabels[row] : String(row)
    }

    func columnLabel(_ column: Int) -> String {
        column >= 0 && column < columnLabels.count ? columnLabels[column] : String(column)
    }

    /// The range the colours span: `range` when given (with any infinite bound replaced by the
    /// data's), else the finite unmasked min...max (0...0 when there is none); symmetric about 0
    /// for a diverging map.
    public var displayRange: ClosedRange<Float> {
        var lower = Float.infinity, upper = -Float.infinity
        // Cells past the end of `values` are NaN, so only the stored values can count.
        for index in 0..<min(values.count, cellCount) where values[index].isFinite && !isMasked(flat: index) {
            lower = min(lower, values[index])
            upper = max(upper, values[index])
        }
        if lower > upper { lower = 0; upper = 0 }
        if let range {
            if range.lowerBound.isFinite { lower = range.lowerBound }
            if range.upperBound.isFinite { upper = range.upperBound }
            if lower > upper { swap(&lower, &upper) }
        }
        if colormap.isDiverging {
            let magnitude = max(abs(lower), abs(upper))
            return -magnitude...magnitude
        }
        return lower...upper
    }

    private func isMasked(flat index: Int) -> Bool {
        guard let masked, index < masked.count else { return false }
        return masked[index]
    }

    /// The number of unmasked cells that are NaN, infinite, or missing from `values`.
    var nonFiniteCount: Int {
        let cells = cellCount, stored = min(values.count, cells)
        var count = 0
        for index in 0..<stored where !values[index].isFinite && !isMasked(flat: index) { count += 1 }
        var missing = cells - stored
        if let masked, masked.count > stored {
            missing -= masked[stored..<min(masked.count, cells)].filter { $0 }.count
        }
        return count + missing
    }
}

/// One cell as drawn.
enum Cell: Equatable {
    case value(Float)
    case masked
    case nonFinite
}

/// Maps values to 0...1 over a range; a range of zero width maps everything to 0.5.
struct Normalizer {
    let lower: Double
    let upper: Double

    init(_ range: ClosedRange<Float>) {
        lower = Double(range.lowerBound)
        upper = Double(range.upperBound)
    }

    func callAsFunction(_ value: Float) -> Float {
        let width = upper - lower
        guard width > 0, width.isFinite, value.isFinite else { return 0.5 }
        return Float(min(max((Double(value) - lower) / width, 0), 1))
    }
}
