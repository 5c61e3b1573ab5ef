// What each runtime value looks like as figures, for notebook reports and save(): the same
// things the terminal display shows (attention maps, the lens grid, soft-caps, top-k, tables).
import Figures
import Foundation
import Gemma
import Inspect

extension AttentionMapObject: FigureConvertible {
    /// The head, the mean over heads, or every head (`map()`), as displayed.
    public var figures: [Figure] {
        (try? map.figure(head: head, allHeads: grid)).map { [$0] } ?? []
    }
}

extension AttentionObject: FigureConvertible {
    /// Every head of the layer, as the display shows them.
    public var figures: [Figure] {
        (try? AttentionMap(trace: owner.trace, layer: layer).figure(head: nil, allHeads: true)).map { [$0] } ?? []
    }
}

extension TraceObject: FigureConvertible {
    /// The next-token bars of the display, under its first line.
    public var figures: [Figure] {
        var figure = topFigure(5)
        figure.caption = display(width: workspace.width).split(separator: "\n").first.map(String.init)
        return [figure]
    }
}

extension LensObject: FigureConvertible {
    /// The top token after each layer at every position, coloured by its probability.
    public var figures: [Figure] { [lens.gridFigure] }
}

extension SoftCapObject: FigureConvertible {
    /// The curves with the values seen, then the numbers of the report; none for a model
    /// without soft-caps (its text says so).
    public var figures: [Figure] {
        guard let curve = report.curveFigure else { return [] }
        return [curve, report.tableFigure]
    }

    /// The figure `save` writes: the curves, or an empty chart saying there are no caps.
    var curve: Figure {
        report.curveFigure ?? Figure(kind: .softCap, title: "this model has no soft-caps",
                                     content: .lines(LineChart(series: [], xLabel: "before the cap", yLabel: "after the cap")))
    }
}

extension PatchingObject: FigureConvertible {
    public var figures: [Figure] {
        let map = result.heatmap(labels: labels)
        return [Figure(kind: .heatmap, title: map.title, content: .heatmap(map),
                       caption: String(format: "metric: clean %.3f, corrupted %.3f", result.cleanMetric, result.corruptedMetric))]
    }
}

extension TokensObject: FigureConvertible {
    /// The table of the display: position, id, piece, type.
    public var figures: [Figure] {
        let rows = tableRows
        let more = ids.count > rows.count ? " (the first \(rows.count) shown)" : ""
        return [Figure(kind: .table, title: "tokens", content: .table(Table(header: ["#", "id", "piece", "type"], rows: rows, alignRight: [0, 1])),
                       caption: "\(ids.count) tokens" + more)]
    }

    /// One row per token (the first 200): position, id, piece, type.
    var tableRows: [[String]] {
        ids.prefix(200).enumerated().map { index, id in
            [String(index), String(id), LogitLens.visible(model.tokenizer.piece(id)), "\(model.tokenizer.type(of: id))"]
        }
    }
}

extension ModelObject: FigureConvertible {
    /// The model card: hyperparameters with their GGUF keys, and the local/global layer pattern.
    public var figures: [Figure] {
        [Figure(kind: .table, title: model.name, content: .table(Table(header: ["", "value", "GGUF key"], rows: cardRows)),
                caption: layerPattern)]
    }

    /// The file, each hyperparameter with the GGUF key it came from, the parameter count.
    var cardRows: [[String]] {
        var rows: [[String]] = model.configSources.map { [$0.name, $0.value, $0.key] }
        rows.insert(["file", model.name, String(format: "%.1f MB", Double(model.file.fileSize) / 1e6)], at: 0)
        rows.append(["parameters", String(format: "%.1f M", Double(model.parameterCount) / 1e6), ""])
        return rows
    }

    /// "26 layers: LGLG…  (L local sliding window, G global)".
    var layerPattern: String {
        let c = model.config
        return "\(c.layerCount) layers: " + c.layerKinds.map { $0 == .global ? "G" : "L" }.joined()
            + "  (L local sliding window, G global)"
    }
}
