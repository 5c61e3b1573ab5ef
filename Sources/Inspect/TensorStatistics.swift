// Numbers helpers on captured tensors: shape, mean, std, min, max, L2 norm, histogram, top-k,
// cosine similarity, slicing along the first axis, and differences between two tensors.
import Foundation
import Gemma

/// Errors of tensor arithmetic: the shapes involved and what was wrong.
public struct TensorError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

extension Tensor {
    public var mean: Float {
        guard !data.isEmpty else { return .nan }
        return Float(data.reduce(0.0) { $0 + Double($1) } / Double(data.count))
    }

    /// Population standard deviation.
    public var standardDeviation: Float {
        guard !data.isEmpty else { return .nan }
        let m = Double(mean)
        return Float((data.reduce(0.0) { $0 + (Double($1) - m) * (Double($1) - m) } / Double(data.count)).squareRoot())
    }

    public var minimum: Float { data.min() ?? .nan }
    public var maximum: Float { data.max() ?? .nan }
    public var norm: Float { Float(data.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()) }

    /// Index of the first NaN or infinite value, if any.
    public var firstNonFinite: Int? { data.firstIndex { !$0.isFinite } }

    /// The `k` largest values with their flat indices, largest first (ties: lowest index).
    public func topK(_ k: Int) -> [(index: Int, value: Float)] {
        let k = min(max(0, k), data.count)
        guard k > 0 else { return [] }
        // One pass keeping the best k in order: O(n·k) with small k, no sort of the whole
        // vocabulary (262,144 logits). NaN never enters.
        var best: [(index: Int, value: Float)] = []
        best.reserveCapacity(k + 1)
        data.withUnsafeBufferPointer { values in
            for i in 0..<values.count {
                let v = values[i]
                if best.count == k, !(v > best[k - 1].value) { continue }
                if v.isNaN { continue }
                var position = best.count
                while position > 0 && best[position - 1].value < v { position -= 1 }
                best.insert((i, v), at: position)
                if best.count > k { best.removeLast() }
            }
        }
        return best
    }

    /// Counts of values in `bins` equal-width bins between the finite minimum and maximum.
    public func histogram(bins: Int) -> (edges: [Float], counts: [Int]) {
        let finite = data.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max(), bins > 0 else { return ([], []) }
        let width = hi > lo ? (hi - lo) / Float(bins) : 1
        var counts = [Int](repeating: 0, count: bins)
        for value in finite { counts[min(bins - 1, Int((value - lo) / width))] += 1 }
        return ((0...bins).map { lo + Float($0) * width }, counts)
    }

    /// Cosine similarity of two tensors of the same size.
    public func cosine(_ other: Tensor) throws -> Float {
        guard count == other.count else {
            throw TensorError(message: "cosine: sizes differ (\(shape) and \(other.shape))")
        }
        var dot = 0.0, a = 0.0, b = 0.0
        for (x, y) in zip(data, other.data) {
            dot += Double(x) * Double(y); a += Double(x) * Double(x); b += Double(y) * Double(y)
        }
        return Float(dot / max((a * b).squareRoot(), 1e-30))
    }

    /// Rows `range` of the first axis.
    public func rows(_ range: Range<Int>) -> Tensor {
        let width = shape.dropFirst().reduce(1, *)
        return Tensor(shape: [range.count] + shape.dropFirst(), data: Array(data[range.lowerBound * width ..< range.upperBound * width]))
    }

    /// Elementwise combination with a tensor of the same shape, or with a scalar.
    public func combined(with other: Tensor, _ operation: (Float, Float) -> Float) throws -> Tensor {
        if other.count == 1 { return Tensor(shape: shape, data: data.map { operation($0, other.data[0]) }) }
        if count == 1 { return Tensor(shape: other.shape, data: other.data.map { operation(data[0], $0) }) }
        guard shape == other.shape else {
            throw TensorError(message: "shapes \(shape) and \(other.shape) do not match")
        }
        return Tensor(shape: shape, data: zip(data, other.data).map(operation))
    }

    public func mapped(_ transform: (Float) -> Float) -> Tensor { Tensor(shape: shape, data: data.map(transform)) }

    /// A one-line summary: shape, mean, std, min, max, norm.
    public var summary: String {
        let dims = shape.map(String.init).joined(separator: "×")
        func f(_ x: Float) -> String { String(format: "%.4g", x) }
        return "Tensor[\(dims)] mean \(f(mean)) std \(f(standardDeviation)) min \(f(minimum)) max \(f(maximum)) norm \(f(norm))"
    }
}

/// Softmax of one row of logits, in double for the sums.
public func softmaxRow(_ logits: ArraySlice<Float>) -> [Double] {
    let maximum = Double(logits.max() ?? 0)
    let exps = logits.map { exp(Double($0) - maximum) }
    let total = exps.reduce(0, +)
    return exps.map { $0 / total }
}

/// KL(p ‖ q) of two distributions over the same support.
public func klDivergence(_ p: [Double], _ q: [Double]) -> Double {
    var sum = 0.0
    for (a, b) in zip(p, q) where a > 0 { sum += a * log(a / max(b, 1e-300)) }
    return max(0, sum)
}
