// Heatmaps in the terminal: one row per line (two-character cells), or two rows per line with
// the upper-half block "▀" in colour modes; pooled or cropped to the width; labels and a legend.
import Foundation

public enum TerminalRenderer {
    /// At most this many source rows are drawn one per line; beyond, colour modes pack two per line.
    static let rowsPerLineLimit = 32
    /// At most this many drawn lines of cells; beyond, rows are pooled (or cropped).
    static let lineLimit = 64
    /// Row labels are cut to this many columns.
    static let labelLimit = 10

    /// `heatmap` as lines of text for a terminal `width` columns wide (no trailing newline).
    /// Too many columns (or rows, past 64 lines) are averaged in blocks or, with `.cropToLast`,
    /// cut to the last ones; a note under the map says which.
    public static func render(_ heatmap: Heatmap, mode: ColorMode, width: Int,
                              overflow: Overflow = .pool) -> String {
        lines(heatmap, mode: mode, width: width, overflow: overflow).joined(separator: "\n")
    }

    /// Several heatmaps (e.g. all heads of a layer) side by side, `columns` to a row. Panels
    /// without their own `range` share one, so their colours compare.
    public static func render(grid heatmaps: [Heatmap], columns: Int, mode: ColorMode, width: Int,
                              overflow: Overflow = .pool) -> String {
        guard !heatmaps.isEmpty else { return "" }
        let perRow = min(max(columns, 1), heatmaps.count)
        let gap = 2
        let panelWidth = max(1, (max(width, 1) - gap * (perRow - 1)) / perRow)
        let shared = sharedRange(heatmaps)
        var output: [String] = []
        for start in stride(from: 0, to: heatmaps.count, by: perRow) {
            let panels = heatmaps[start..<min(start + perRow, heatmaps.count)].map { panel -> [String] in
                var panel = panel
                if panel.range == nil { panel.range = shared }
                return lines(panel, mode: mode, width: panelWidth, overflow: overflow)
            }
            let height = panels.map(\.count).max() ?? 0
            if start > 0 { output.append("") }
            for index in 0..<height {
                let parts = panels.enumerated().map { number, panel -> String in
                    let line = index < panel.count ? panel[index] : ""
                    return number == panels.count - 1 ? line : Text.padRight(line, to: panelWidth)
                }
                output.append(parts.joined(separator: String(repeating: " ", count: gap)))
            }
        }
        return output.map { trimTrailingSpaces($0) }.joined(separator: "\n")
    }

    /// The union of the display ranges of the panels that have no range of their own.
    static func sharedRange(_ heatmaps: [Heatmap]) -> ClosedRange<Float>? {
        var lower = Float.infinity, upper = -Float.infinity
        for heatmap in heatmaps where heatmap.range == nil && heatmap.shape.rows > 0 {
            let range = heatmap.displayRange
            lower = min(lower, range.lowerBound)
            upper = max(upper, range.upperBound)
        }
        return lower <= upper ? lower...upper : nil
    }

    static func lines(_ heatmap: Heatmap, mode: ColorMode, width requested: Int, overflow: Overflow) -> [String] {
        let width = max(requested, 1)
        var output: [String] = []
        var caption = Text.sanitize(heatmap.title)
        if let note = heatmap.windowNote, !note.isEmpty {
            caption += (caption.isEmpty ? "" : " — ") + Text.sanitize(note)
        }
        if !caption.isEmpty { output.append(Text.truncate(caption, to: width)) }
        let rows = heatmap.shape.rows
        guard rows > 0 else {
            output.append(Text.truncate("(empty: \(heatmap.rows) x \(heatmap.columns))", to: width))
            return output
        }

        // Rows: one per line, or two per line ("▀") in colour modes; pooled past the line limit.
        let packed = mode != .plain && rows > rowsPerLineLimit
        let maxRows = packed ? 2 * lineLimit : lineLimit
        let indexedLabels = packed || rows > maxRows
        func rowText(_ row: Int) -> String {
            let label = Text.sanitize(heatmap.rowLabel(row))
            return indexedLabels && row < heatmap.rowLabels.count ? "\(row) \(label)" : label
        }
        let labelled = min(rows, heatmap.rowLabels.count)
        let widest = max((0..<labelled).lazy.map { Text.width(rowText($0)) }.max() ?? 0,
                         labelled < rows ? String(rows - 1).count : 0)
        let labelWidth = min(widest, labelLimit, width / 3)
        let available = max(width - labelWidth - 1, 1)
        let grid = CellGrid(heatmap, maxRows: maxRows, maxColumns: available, overflow: overflow)
        let cellWidth = grid.columns * 2 <= available ? 2 : 1
        let painter = CellPainter(mode: mode, normalize: Normalizer(heatmap.displayRange),
                                  colormap: heatmap.colormap, cellWidth: cellWidth)

        let step = packed ? 2 : 1
        for row in stride(from: 0, to: grid.rows, by: step) {
            let label = Text.padLeft(Text.truncate(rowText(grid.rowStarts[row]), to: labelWidth), to: labelWidth)
            let cells = packed
                ? painter.packedLine(grid, top: row, bottom: row + 1 < grid.rows ? row + 1 : nil)
                : painter.line(grid, row: row)
            output.append(label + "│" + cells)
        }
        output += columnLabelLines(heatmap, grid: grid, cellWidth: cellWidth, indent: labelWidth + 1, width: width)
        var notes = grid.notes
        if packed { notes.append("two rows per line: upper half ▀ = upper row") }
        output += notes.map { Text.truncate($0, to: width) }
        output.append(painter.legend(range: heatmap.displayRange, grid: grid, nonFinite: heatmap.nonFiniteCount,
                                     packed: packed, width: width))
        return output
    }

    /// Column labels: written downwards under two-character cells when every column is shown;
    /// otherwise an index ruler, plus a list "index label" when the columns are not pooled.
    static func columnLabelLines(_ heatmap: Heatmap, grid: CellGrid, cellWidth: Int, indent: Int, width: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        let labels = grid.columnStarts.map { Array(Text.sanitize(heatmap.columnLabel($0))) }
        if cellWidth == 2 && grid.columnFactor == 1 {
            // Written downwards, a leading or trailing space would only shift the label.
            let labels = labels.map { Array(String($0).trimmingCharacters(in: .whitespaces)) }
            let height = min(labels.map(\.count).max() ?? 0, 6)
            return (0..<height).map { line in
                var text = pad
                for label in labels {
                    var character: Character = " "
                    if line < label.count { character = line == height - 1 && label.count > height ? "…" : label[line] }
                    switch Text.width(of: character) {
                    case 1: text += String(character) + " "
                    case 2: text += String(character)
                    default: text += "  "  // a mark or format character on its own
                    }
                }
                return trimTrailingSpaces(text)
            }
        }
        // Index ruler: the first source column of every `stride`-th drawn column.
        let digits = String(grid.columnStarts.last ?? 0).count
        let stride = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].first { $0 * cellWidth >= digits + 1 } ?? 1000
        var ruler = pad
        for column in Swift.stride(from: 0, to: grid.columns, by: stride) {
            let position = indent + column * cellWidth
            let number = String(grid.columnStarts[column])
            if ruler.count < position { ruler += String(repeating: " ", count: position - ruler.count) }
            if ruler.count == position { ruler += number }
        }
        var output = [ruler]
        guard grid.columnFactor == 1, !heatmap.columnLabels.isEmpty else { return output }
        var line = Text.sanitize(heatmap.columnAxis) + ":"
        for (index, start) in grid.columnStarts.enumerated() {
            let item = " \(start) " + Text.truncate(String(labels[index]), to: 16)
            if Text.width(line) + Text.width(item) > width {
                if output.count == 3 { line += " …"; break }
                output.append(line)
                line = " "
            }
            line += item
        }
        output.append(Text.truncate(line, to: width))
        return output
    }

    static func trimTrailingSpaces(_ text: String) -> String {
        var text = text
        while text.last == " " { text.removeLast() }
        return text
    }
}
