// Attention maps: per layer and head, query positions × key positions labelled with tokens,
// with the causal mask and, on local layers, the sliding window visible; a grid of all heads
// of a layer; the mean over heads. Rendered by Figures to the terminal, SVG and PNG.
import Figures
import Foundation
import Gemma

/// The attention of one layer of a trace, ready to draw.
public struct AttentionMap: Sendable {
    public let layer: Int
    public let kind: AttentionKind
    /// [heads, queries, keys]
    public let pattern: Tensor
    public let labels: [String]

    public init(trace: Trace, layer: Int) throws {
        guard layer >= 0, layer < trace.config.layerCount else {
            throw InspectError.mismatch("layer \(layer) is outside 0..<\(trace.config.layerCount)")
        }
        self.layer = layer
        kind = trace.config.layerKinds[layer]
        pattern = try trace.value(.block(layer, .pattern))
        labels = trace.pieces.enumerated().map { "\($0.offset):" + LogitLens.visible($0.element) }
    }

    public var heads: Int { pattern.shape[0] }
    var queries: Int { pattern.shape[1] }
    var keys: Int { pattern.shape[2] }

    /// Whether query `q` can see key `k` (causal, and inside the window on local layers).
    public func visible(query q: Int, key k: Int) -> Bool {
        guard k <= q else { return false }
        if case let .local(window) = kind { return q - k < window }
        return true
    }

    private var mask: [Bool] {
        (0..<queries).flatMap { q in (0..<keys).map { k in !visible(query: q, key: k) } }
    }

    private var note: String? {
        switch kind {
        case let .local(window): return "local layer: sliding window of \(window) tokens"
        case .global: return "global layer: every earlier token"
        }
    }

    /// One head's map (nil head: the mean over heads).
    public func heatmap(head: Int?) throws -> Heatmap {
        let size = queries * keys
        let values: [Float]
        let title: String
        if let head {
            guard head >= 0, head < heads else { throw InspectError.mismatch("head \(head) is outside 0..<\(heads)") }
            values = Array(pattern.data[head * size ..< (head + 1) * size])
            title = "layer \(layer) head \(head) (\(kind))"
        } else {
            var sum = [Float](repeating: 0, count: size)
            for h in 0..<heads { for i in 0..<size { sum[i] += pattern.data[h * size + i] } }
            values = sum.map { $0 / Float(heads) }
            title = "layer \(layer), mean of \(heads) heads (\(kind))"
        }
        return Heatmap(values: values, rows: queries, columns: keys, rowLabels: labels, columnLabels: labels,
                       title: title, range: 0...1, masked: mask, colormap: .viridis, windowNote: note,
                       rowAxis: "queries", columnAxis: "keys", slidingWindow: window)
    }

    /// The window of a local layer; nil on a global one.
    private var window: Int? {
        if case let .local(window) = kind { return window }
        return nil
    }

    /// Every head of the layer.
    public func grid() throws -> [Heatmap] { try (0..<heads).map { try heatmap(head: $0) } }

    public func terminal(head: Int?, mode: ColorMode, width: Int) throws -> String {
        TerminalRenderer.render(try heatmap(head: head), mode: mode, width: width)
    }

    public func terminalGrid(mode: ColorMode, width: Int) throws -> String {
        TerminalRenderer.render(grid: try grid(), columns: max(1, min(heads, width / 40)), mode: mode, width: width)
    }

    public func svg(head: Int?) throws -> String {
        head == nil && heads > 1 ? SVGRenderer.render(grid: try grid(), columns: min(heads, 4)) : SVGRenderer.render(try heatmap(head: head))
    }

    public func png(head: Int?, to path: String) throws {
        try PNGRenderer.write(try heatmap(head: head), to: path)
    }
}

extension LogitLens {
    /// Probability of each position's final top-1 token at every stage: [stages, positions].
    public var heatmap: Heatmap {
        Heatmap(values: finalTokenProbability.flatMap { $0 }, rows: stages.count, columns: pieces.count,
                rowLabels: stages.map { $0 == "embed" ? "embed" : "layer \($0)" },
                columnLabels: pieces.map(LogitLens.visible), title: "logit lens: probability of the final top token",
                range: 0...1, colormap: .magma, rowAxis: "layers", columnAxis: "positions")
    }
}

extension PatchingResult {
    /// Fraction of the clean metric restored by each (layer, position) patch.
    public func heatmap(labels: [String]) -> Heatmap {
        Heatmap(values: restored.flatMap { $0 }, rows: restored.count, columns: restored.first?.count ?? 0,
                rowLabels: (0..<restored.count).map { "layer \($0)" }, columnLabels: labels,
                title: "activation patching (\(hook.rawValue)): fraction of the clean metric restored",
                colormap: .diverging, rowAxis: "layers", columnAxis: "positions")
    }
}
