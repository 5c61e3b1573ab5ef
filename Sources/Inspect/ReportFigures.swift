// The inspection results as figures for reports and files: attention maps (one head, the mean,
// every head), the logit-lens grid, and the soft-cap curves with the values a run saw.
import Figures
import Foundation
import Gemma

extension AttentionMap {
    /// One head's map (nil: the mean over heads), or with `allHeads` every head side by side.
    public func figure(head: Int?, allHeads: Bool = false) throws -> Figure {
        if allHeads {
            let maps = try grid()
            return Figure(kind: .attention, title: "layer \(layer), \(heads) heads (\(kind))",
                          content: .heatmapGrid(maps, columns: min(heads, 4)))
        }
        let map = try heatmap(head: head)
        return Figure(kind: .attention, title: map.title, content: .heatmap(map))
    }
}

extension LogitLens {
    /// The lens as a grid: one row per layer, one column per position, each cell the top token
    /// coloured by its probability, the top-k list on hover.
    public var gridFigure: Figure {
        var texts: [String] = [], titles: [String] = [], values: [Float] = []
        for (stage, row) in top.enumerated() {
            for (position, entries) in row.enumerated() {
                let first = entries.first
                texts.append(first.map { Self.visible($0.piece) } ?? "")
                values.append(first?.probability ?? .nan)
                let list = entries.map { "\(Self.visible($0.piece)) \(String(format: "%.3f", $0.probability))" }
                let where_ = "\(stages[stage] == "embed" ? "embed" : "layer " + stages[stage]), position \(position)"
                    + (position < pieces.count ? " (\(Self.visible(pieces[position])))" : "")
                titles.append(where_ + ": " + list.joined(separator: ", "))
            }
        }
        let title = "logit lens: top token after each layer (colour: its probability)"
        let heatmap = Heatmap(values: values, rows: stages.count, columns: pieces.count,
                              rowLabels: stages.map { $0 == "embed" ? "embed" : "layer \($0)" },
                              columnLabels: pieces.enumerated().map { "\($0.offset):" + Self.visible($0.element) }, title: title,
                              range: 0...1, colormap: .magma,
                              rowAxis: "layers", columnAxis: "positions")
        return Figure(kind: .logitLens, title: title,
                      content: .labeledGrid(LabeledGrid(heatmap: heatmap, cellTexts: texts, cellTitles: titles)))
    }
}

extension SoftCapReport {
    /// At most this many points of the values seen are drawn.
    static let plottedSamples = 400

    /// cap·tanh(x/cap) for each cap against the identity, with values the run saw before and
    /// after the cap as points; nil when the model has no soft-caps.
    public var curveFigure: Figure? {
        let effects = attention + (logits.map { [$0] } ?? [])
        guard !effects.isEmpty else { return nil }
        var caps: [Float] = []
        for effect in effects where !caps.contains(effect.cap) { caps.append(effect.cap) }
        let largestSeen = effects.map(\.maxPrecap).max() ?? 0
        let reach = max(1.5 * (caps.max() ?? 1), 1.05 * largestSeen)
        let xs = stride(from: -reach, through: reach, by: reach / 100).map { $0 }
        var series = caps.map { cap -> Series in
            let users = [attention.contains { $0.cap == cap } ? "attention" : nil, logits?.cap == cap ? "final logits" : nil]
            let name = "\(formatCap(cap))·tanh(x/\(formatCap(cap))) (" + users.compactMap { $0 }.joined(separator: ", ") + ")"
            return Series(name: name, xs: xs, ys: xs.map { softCap($0, cap: cap) })
        }
        series.append(Series(name: "identity", xs: xs, ys: xs, dashed: true))
        var points: [Point] = []
        for effect in effects {
            let index = caps.firstIndex(of: effect.cap)
            points += effect.samples.map { Point(x: $0.before, y: $0.after, label: effect.label, series: index) }
        }
        if points.count > Self.plottedSamples {
            let step = Double(points.count) / Double(Self.plottedSamples)
            points = (0..<Self.plottedSamples).map { points[Int(Double($0) * step)] }
        }
        let title = "soft-caps: " + caps.map(formatCap).joined(separator: " and ") + ", with values this run saw"
        return Figure(kind: .softCap, title: title,
                      content: .lines(LineChart(series: series, points: points, xLabel: "before the cap", yLabel: "after the cap")),
                      caption: summary)
    }

    /// The numbers of the text report as a table, one row per head and one for the logits.
    public var tableFigure: Figure {
        let rows = (attention + (logits.map { [$0] } ?? [])).map { e -> [String] in
            let share = e.count > 0 ? 100 * Double(e.bent) / Double(e.count) : 0
            return [e.label, formatCap(e.cap), String(e.bent), String(e.count), String(format: "%.1f%%", share),
                    String(format: "%.3f", e.maxPrecap), String(format: "%.4f", e.meanDistortion),
                    String(format: "%.3f", e.maxDistortion), String(format: "%.2e", e.meanKL)]
        }
        let table = Table(header: ["values", "cap", "bent", "of", "share", "max before", "mean |Δ|", "max |Δ|", "KL"],
                          rows: rows, alignRight: Set(1...8))
        return Figure(kind: .table, title: "values bent by more than \(threshold)", content: .table(table))
    }

    /// The soft-cap curves as a standalone SVG (an empty chart for a model without caps).
    public func curveSVG() -> String {
        curveFigure?.svg() ?? SVGRenderer.lines([], title: "this model has no soft-caps", xLabel: "before", yLabel: "after")
    }

    private func formatCap(_ cap: Float) -> String {
        cap == cap.rounded() && abs(cap) < 1e6 ? String(Int(cap)) : String(format: "%g", Double(cap))
    }
}
