// A realistic set of figures (a causal sliding-window attention pattern, the soft-cap curve,
// top-k bars), written to $FIGURES_DEMO_DIR when set so that a person can look at them.
import XCTest
import Foundation
import AtomicWrite
@testable import Figures

final class DemoTests: XCTestCase {
    static let tokens = ["<bos>", "The", " quick", " brown", " fox", " jumps", " over", " the", " lazy", " dog",
                         ".", " It", " was", " not", " amused", " by", " the", " <cat>", " &", " 🦊"]

    /// Softmax rows of pseudo-random scores favouring <bos> and the previous token, masked
    /// outside a causal window of `window` keys.
    static func attention(window: Int, seed: UInt64) -> Heatmap {
        let n = tokens.count
        var state = seed
        func random() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        var values = [Float](repeating: 0, count: n * n), masked = [Bool](repeating: false, count: n * n)
        for query in 0..<n {
            var scores: [Double] = []
            for key in 0..<n {
                let visible = key <= query && query - key < window
                masked[query * n + key] = !visible
                scores.append(visible ? 2 * random() + (key == 0 ? 2.5 : 0) + (key == query - 1 ? 2 : 0) : -.infinity)
            }
            let top = scores.max() ?? 0
            let exps = scores.map { $0 == -.infinity ? 0 : exp($0 - top) }
            let sum = exps.reduce(0, +)
            for key in 0..<n { values[query * n + key] = Float(exps[key] / sum) }
        }
        return Heatmap(values: values, rows: n, columns: n, rowLabels: tokens, columnLabels: tokens,
                       title: "layer 4, head 2: attention", masked: masked,
                       windowNote: "sliding window \(window) (local layer)", rowAxis: "queries", columnAxis: "keys")
    }

    func testDemoFigures() throws {
        let keep = ProcessInfo.processInfo.environment["FIGURES_DEMO_DIR"]
        let directory = keep ?? FileManager.default.temporaryDirectory.appendingPathComponent("figures-demo-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { if keep == nil { try? FileManager.default.removeItem(atPath: directory) } }

        let pattern = Self.attention(window: 8, seed: 42)
        try PNGRenderer.write(pattern, to: directory + "/attention.png", cellSize: 16)
        try AtomicFile.write(Array(SVGRenderer.render(pattern).utf8), to: directory + "/attention.svg")

        var scores = Self.attention(window: 64, seed: 7)
        scores.values = scores.values.map { $0 > 0 ? log($0) + 2 : 0 }
        scores.colormap = .diverging
        scores.title = "layer 5: log attention + 2 (diverging)"
        scores.windowNote = nil
        let heads = (0..<4).map { head -> Heatmap in
            var map = Self.attention(window: head % 2 == 0 ? 6 : 64, seed: UInt64(head))
            map.title = "head \(head)"
            map.colormap = .magma
            return map
        }
        try AtomicFile.write(Array(SVGRenderer.render(grid: heads, columns: 2).utf8), to: directory + "/heads.svg")

        let cap: Float = 50
        let xs = stride(from: Float(-150), through: 150, by: 2).map { $0 }
        let seen = (0..<40).map { i -> Point in
            let x = Float(i * 7 % 160) - 40
            return Point(x: x, y: cap * tanh(x / cap), label: "head \(i % 8)")
        }
        let softCap = SVGRenderer.lines(
            [Series(name: "50·tanh(x/50)", xs: xs, ys: xs.map { cap * tanh($0 / cap) }),
             Series(name: "identity", xs: xs, ys: xs, dashed: true)],
            title: "Attention logit soft-cap (Gemma 2)", xLabel: "score before cap", yLabel: "score after cap",
            points: seen)
        try AtomicFile.write(Array(softCap.utf8), to: directory + "/softcap.svg")
        let topK: [(label: String, value: Float)] = [(" dog", 0.62), (" cat", 0.21), (" fox", 0.08), (" <eos>", 0.03), (" 犬", 0.01)]
        try AtomicFile.write(Array(SVGRenderer.bars(topK, title: "next token").utf8), to: directory + "/bars.svg")
        let normals = (0..<2000).map { i -> Float in Float(sin(Double(i) * 12.9898) * 43758.5453).truncatingRemainder(dividingBy: 1) * 4 }
        try AtomicFile.write(Array(SVGRenderer.histogram(normals, bins: 24, title: "residual values").utf8),
                             to: directory + "/histogram.svg")

        var terminal = ""
        for mode in ColorMode.allCases {
            terminal += TerminalRenderer.render(pattern, mode: mode, width: 100) + "\n\n"
        }
        terminal += TerminalRenderer.render(scores, mode: .trueColor, width: 100) + "\n\n"
        terminal += TerminalRenderer.render(grid: heads, columns: 2, mode: .trueColor, width: 100) + "\n\n"
        let wide = Self.attention(window: 20, seed: 3)
        terminal += TerminalRenderer.render(wide, mode: .trueColor, width: 30) + "\n\n"
        // A long context: 96 queries x 600 keys, causal: packed two rows a line, keys pooled.
        var long: [Float] = [], longMask: [Bool] = []
        for query in 0..<96 {
            for key in 0..<600 {
                let wave = sin(Double(key) / 30) * cos(Double(query) / 9)
                long.append(Float(1 + wave))
                longMask.append(key > 504 + query)
            }
        }
        terminal += TerminalRenderer.render(
            Heatmap(values: long, rows: 96, columns: 600, title: "long context", masked: longMask,
                    rowAxis: "queries", columnAxis: "keys"), mode: .ansi256, width: 100) + "\n\n"
        terminal += TerminalRenderer.bars(topK, mode: .trueColor, width: 60) + "\n\n"
        terminal += TerminalRenderer.histogram(normals, bins: 12, mode: .trueColor, width: 60) + "\n\n"
        terminal += "sparkline " + TerminalRenderer.sparkline(xs.map { cap * tanh($0 / cap) }) + "\n\n"
        terminal += TerminalRenderer.table(header: ["token", "prob", "logit"],
                                           rows: topK.map { [$0.label, String(format: "%.2f", $0.value), "-"] },
                                           alignRight: [1]) + "\n"
        try AtomicFile.write(Array(terminal.utf8), to: directory + "/terminal.txt")

        let files = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        XCTAssertEqual(files, ["attention.png", "attention.svg", "bars.svg", "heads.svg", "histogram.svg",
                               "softcap.svg", "terminal.txt"])
    }
}
