// Small terminal charts: labelled bars (top-k probabilities), sparklines, histograms and tables
// (display-width aware, so CJK and emoji labels stay aligned).

extension TerminalRenderer {
    /// Partial blocks for the eighths of a character, from none to seven eighths.
    static let eighths = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
    static let positiveBar = RGB(70, 130, 180)
    static let negativeBar = RGB(214, 96, 77)

    /// One line per item: label, bar, value (through printf `format`, which must hold one
    /// floating-point conversion, else "%.3f" is used). Bars are scaled to 1 when every value
    /// lies in 0...1 (probabilities), else to the largest magnitude; negative values draw "░".
    public static func bars(_ items: [(label: String, value: Float)], mode: ColorMode, width: Int,
                            format: String = "%.3f") -> String {
        guard !items.isEmpty else { return "" }
        let width = max(width, 1)
        let finite = items.map(\.value).filter(\.isFinite)
        let isProbability = finite.allSatisfy { $0 >= 0 && $0 <= 1 }
        let scale = isProbability ? 1 : Double(finite.map(abs).max() ?? 0)
        let labels = items.map { Text.sanitize($0.label) }
        let valueTexts = items.map { NumberFormat.printf(format, $0.value) }
        let labelWidth = min(labels.map(Text.width).max() ?? 0, 20, width / 3)
        let valueWidth = valueTexts.map(Text.width).max() ?? 0
        let barWidth = max(width - labelWidth - valueWidth - 2, 1)
        let ansi = ANSI(mode: mode)
        var lines: [String] = []
        for (index, item) in items.enumerated() {
            var bar = "", drawn = 0
            if item.value.isFinite && scale > 0 {
                let fraction = min(Double(abs(item.value)) / scale, 1)
                if item.value >= 0 {
                    let units = Int((fraction * Double(barWidth * 8)).rounded())
                    bar = String(repeating: "█", count: units / 8) + eighths[units % 8]
                    drawn = units / 8 + (units % 8 > 0 ? 1 : 0)
                } else {
                    drawn = Int((fraction * Double(barWidth)).rounded())
                    bar = String(repeating: "░", count: drawn)
                }
                if !bar.isEmpty {
                    bar = ansi.foreground(item.value >= 0 ? positiveBar : negativeBar) + bar + ansi.reset
                }
            }
            let label = Text.padRight(Text.truncate(labels[index], to: labelWidth), to: labelWidth)
            let padding = String(repeating: " ", count: max(barWidth - drawn, 0))
            lines.append(label + " " + bar + padding + " " + Text.padLeft(valueTexts[index], to: valueWidth))
        }
        return lines.joined(separator: "\n")
    }

    /// One block per value, "▁" at the minimum to "█" at the maximum (all "▅" when constant);
    /// NaN and infinite values are spaces.
    public static func sparkline(_ values: [Float]) -> String {
        let blocks = Array("▁▂▃▄▅▆▇█")
        let finite = values.filter(\.isFinite)
        guard let lower = finite.min(), let upper = finite.max() else {
            return String(repeating: " ", count: values.count)
        }
        let normalize = Normalizer(lower...upper)
        return String(values.map { value -> Character in
            guard value.isFinite else { return " " }
            return blocks[min(Int(normalize(value) * 8), 7)]
        })
    }

    /// One line per bin: "lower … upper │bar count", then the number of values counted.
    public static func histogram(_ values: [Float], bins: Int, mode: ColorMode, width: Int) -> String {
        let binning = Binning(values, bins: bins)
        var footer = "n = \(binning.total)"
        if binning.skipped > 0 { footer += ", \(binning.skipped) non-finite skipped" }
        guard !binning.counts.isEmpty else { return "(no finite values)\n" + footer }
        let starts = binning.edges.dropLast().map { NumberFormat.short($0, digits: 3) }
        let ends = binning.edges.dropFirst().map { NumberFormat.short($0, digits: 3) }
        let startWidth = starts.map(Text.width).max() ?? 0
        let endWidth = ends.map(Text.width).max() ?? 0
        let countWidth = String(binning.counts.max() ?? 0).count
        let barWidth = max(max(width, 1) - startWidth - endWidth - countWidth - 6, 1)
        let peak = Double(binning.counts.max() ?? 1)
        let ansi = ANSI(mode: mode)
        var lines: [String] = []
        for (index, count) in binning.counts.enumerated() {
            let units = peak > 0 ? Int((Double(count) / peak * Double(barWidth * 8)).rounded()) : 0
            var bar = String(repeating: "█", count: units / 8) + eighths[units % 8]
            let drawn = units / 8 + (units % 8 > 0 ? 1 : 0)
            if !bar.isEmpty { bar = ansi.foreground(positiveBar) + bar + ansi.reset }
            lines.append(Text.padLeft(starts[index], to: startWidth) + " … "
                + Text.padRight(ends[index], to: endWidth) + " │" + bar
                + String(repeating: " ", count: barWidth - drawn) + " "
                + Text.padLeft(String(count), to: countWidth))
        }
        return (lines + [footer]).joined(separator: "\n")
    }

    /// A table with box-drawing borders. Rows may be ragged (missing cells are empty); cells are
    /// sanitised and cut to `maxColumnWidth`; columns in `alignRight` are right-aligned.
    public static func table(header: [String], rows: [[String]], alignRight: Set<Int> = [],
                             maxColumnWidth: Int = 40) -> String {
        let columnCount = max(header.count, rows.map(\.count).max() ?? 0)
        guard columnCount > 0 else { return "" }
        func cells(_ row: [String]) -> [String] {
            (0..<columnCount).map { $0 < row.count ? Text.label(row[$0], limit: max(maxColumnWidth, 1)) : "" }
        }
        let head = header.isEmpty ? nil : cells(header)
        let body = rows.map(cells)
        var widths = Array(repeating: 0, count: columnCount)
        for row in (head.map { [$0] } ?? []) + body {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], Text.width(cell)) }
        }
        func rule(_ left: String, _ middle: String, _ right: String) -> String {
            left + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: middle) + right
        }
        func line(_ row: [String]) -> String {
            let parts = row.enumerated().map { column, cell in
                alignRight.contains(column) ? Text.padLeft(cell, to: widths[column])
                    : Text.padRight(cell, to: widths[column])
            }
            return "│ " + parts.joined(separator: " │ ") + " │"
        }
        var lines = [rule("┌", "┬", "┐")]
        if let head { lines += [line(head), rule("├", "┼", "┤")] }
        lines += body.map(line)
        lines.append(rule("└", "┴", "┘"))
        return lines.joined(separator: "\n")
    }
}
