// Histogram bins over the finite values of a list, shared by the terminal and SVG histograms.

struct Binning {
    /// Bin edges: `counts.count + 1` of them, increasing.
    let edges: [Double]
    let counts: [Int]
    /// Values left out because they are NaN or infinite.
    let skipped: Int
    var total: Int { counts.reduce(0, +) }

    /// `bins` (clamped to 1...1000) equal-width bins over min...max of the finite values; when
    /// all values are equal the bins span value-0.5...value+0.5. No finite values: no bins.
    init(_ values: [Float], bins requested: Int) {
        let finite = values.filter(\.isFinite).map(Double.init)
        skipped = values.count - finite.count
        guard var lower = finite.min(), var upper = finite.max() else {
            edges = []; counts = []; return
        }
        if upper <= lower { lower -= 0.5; upper += 0.5 }
        let bins = min(max(requested, 1), 1000)
        let width = (upper - lower) / Double(bins)
        edges = (0...bins).map { $0 == bins ? upper : lower + Double($0) * width }
        var counts = Array(repeating: 0, count: bins)
        for value in finite {
            let position = (value - lower) / (upper - lower) * Double(bins)
            let index = position.isFinite ? min(max(Int(position), 0), bins - 1) : 0
            counts[index] += 1
        }
        self.counts = counts
    }
}
