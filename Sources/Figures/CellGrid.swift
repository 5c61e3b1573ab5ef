// The grid of cells a renderer draws: the heatmap itself, or, when it is too big for the
// space, its adjacent rows/columns averaged (pooled) or its last rows/columns (cropped).

/// What to do with a heatmap larger than the space for it.
public enum Overflow: Sendable, Equatable {
    /// Average blocks of adjacent rows/columns.
    case pool
    /// Keep the last rows/columns (the most recent tokens).
    case cropToLast
}

/// The cells as drawn, with the way back to the heatmap's rows and columns.
struct CellGrid {
    let rows: Int
    let columns: Int
    let cells: [Cell]
    /// The first heatmap row/column of each drawn row/column.
    let rowStarts: [Int]
    let columnStarts: [Int]
    /// Heatmap rows/columns per drawn row/column (1 when not pooled).
    let rowFactor: Int
    let columnFactor: Int
    /// Heatmap rows/columns dropped at the start by cropping.
    let croppedRows: Int
    let croppedColumns: Int
    /// One line per pooling or cropping that happened, e.g. "pooled 512 keys into 64 columns (8 per column)".
    let notes: [String]

    subscript(row: Int, column: Int) -> Cell { cells[row * columns + column] }

    /// Fits `heatmap` into at most `maxRows` x `maxColumns` cells (each at least 1).
    init(_ heatmap: Heatmap, maxRows: Int, maxColumns: Int, overflow: Overflow) {
        let (sourceRows, sourceColumns) = heatmap.shape
        let rowPlan = AxisPlan(count: sourceRows, limit: max(maxRows, 1), overflow: overflow)
        let columnPlan = AxisPlan(count: sourceColumns, limit: max(maxColumns, 1), overflow: overflow)
        rows = rowPlan.starts.count
        columns = columnPlan.starts.count
        rowStarts = rowPlan.starts
        columnStarts = columnPlan.starts
        rowFactor = rowPlan.factor
        columnFactor = columnPlan.factor
        croppedRows = rowPlan.cropped
        croppedColumns = columnPlan.cropped
        var cells: [Cell] = []
        cells.reserveCapacity(rows * columns)
        for row in 0..<rows {
            let rowRange = rowPlan.range(row)
            for column in 0..<columns {
                cells.append(Self.pool(heatmap, rows: rowRange, columns: columnPlan.range(column)))
            }
        }
        self.cells = cells
        notes = rowPlan.note(axis: heatmap.rowAxis, unit: "row")
            + columnPlan.note(axis: heatmap.columnAxis, unit: "column")
    }

    /// The mean of a block's unmasked values: masked when all are masked, non-finite when any
    /// unmasked value is NaN or infinite (found early, so blocks past the end of `values` are cheap).
    static func pool(_ heatmap: Heatmap, rows: Range<Int>, columns: Range<Int>) -> Cell {
        if rows.count == 1 && columns.count == 1 { return heatmap.cell(rows.lowerBound, columns.lowerBound) }
        var sum = 0.0, count = 0
        for row in rows {
            for column in columns {
                switch heatmap.cell(row, column) {
                case .value(let v): sum += Double(v); count += 1
                case .nonFinite: return .nonFinite
                case .masked: break
                }
            }
        }
        if count == 0 { return .masked }
        let mean = Float(sum / Double(count))
        return mean.isFinite ? .value(mean) : .nonFinite
    }
}

/// How one axis of `count` cells fits into `limit`.
private struct AxisPlan {
    let count: Int
    let factor: Int
    let cropped: Int
    let starts: [Int]

    init(count: Int, limit: Int, overflow: Overflow) {
        self.count = count
        if count <= limit {
            factor = 1; cropped = 0
            starts = Array(0..<count)
        } else if overflow == .cropToLast {
            factor = 1; cropped = count - limit
            starts = Array(cropped..<count)
        } else {
            factor = count / limit + (count % limit == 0 ? 0 : 1)
            cropped = 0
            starts = Array(stride(from: 0, to: count, by: factor))
        }
    }

    func range(_ index: Int) -> Range<Int> {
        let start = starts[index]
        return start..<min(start + factor, count)
    }

    func note(axis: String, unit: String) -> [String] {
        if cropped > 0 {
            return ["showing the last \(starts.count) of \(count) \(axis)"]
        }
        guard factor > 1 else { return [] }
        var text = "pooled \(count) \(axis) into \(starts.count) \(unit)s (\(factor) per \(unit)"
        let last = count - (starts.last ?? 0)
        if last != factor { text += ", \(last) in the last" }
        return [text + ")"]
    }
}
