// The elementwise and row operations of the Gemma forward pass, with ggml's float semantics
// (llama.cpp's CPU backend) so that results can be compared with it closely.
import Foundation
import Kernels

/// RMSNorm: y = x / sqrt(mean(x²) + eps) * weight. The sum of squares is accumulated in
/// double as ggml does. llama.cpp's GGUFs store Gemma's (1 + w) already folded into `weight`.
@inline(__always)
func rmsNorm(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>?, count: Int, epsilon: Float,
             into y: UnsafeMutablePointer<Float>) {
    var sum: Double = 0
    for i in 0..<count { sum += Double(x[i] * x[i]) }
    let mean = Float(sum / Double(count))
    let scale = 1 / (mean + epsilon).squareRoot()
    if let weight {
        for i in 0..<count { y[i] = (x[i] * scale) * weight[i] }
    } else {
        for i in 0..<count { y[i] = x[i] * scale }
    }
}

/// The Gemma 2 soft-cap, `cap * tanh(x / cap)`, computed as llama.cpp does (x · (1/cap)).
@inline(__always)
public func softCap(_ x: Float, cap: Float) -> Float {
    cap * tanhf(x * (1 / cap))
}

/// Soft-caps `count` values in place.
func softCap(_ values: UnsafeMutablePointer<Float>, count: Int, cap: Float) {
    let inverse = 1 / cap
    for i in 0..<count { values[i] = cap * tanhf(values[i] * inverse) }
}

/// GELU, tanh approximation, in float32 (Gemma's GeGLU gate non-linearity).
@inline(__always)
public func geluTanh(_ x: Float) -> Float {
    let sqrtTwoOverPi: Float = 0.79788456080286535587989211986876
    return 0.5 * x * (1 + tanhf(sqrtTwoOverPi * x * (1 + 0.044715 * x * x)))
}

/// ggml evaluates GELU through a table indexed by the fp16 value of x, holding fp16 results.
let geluTable: [Float] = (0..<65536).map { bits in
    Half.toFloat(Half.fromFloat(geluTanh(Half.toFloat(UInt16(bits)))))
}

/// GeGLU as llama.cpp's CPU backend computes it: gelu(gate) through the fp16 table, times up.
func gatedGelu(gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int,
               into y: UnsafeMutablePointer<Float>) {
    geluTable.withUnsafeBufferPointer { table in
        for i in 0..<count {
            let x = gate[i]
            let g: Float
            if x <= -10 { g = 0 } else if x >= 10 { g = x } else { g = table[Int(Half.fromFloat(x))] }
            y[i] = g * up[i]
        }
    }
}

/// Softmax over `count` scores in place: exp(s - max) / Σ, the sum accumulated in double.
func softmax(_ scores: UnsafeMutablePointer<Float>, count: Int) {
    var maximum = -Float.infinity
    for i in 0..<count where scores[i] > maximum { maximum = scores[i] }
    guard maximum > -.infinity else { return }
    var sum: Double = 0
    for i in 0..<count {
        let e = expf(scores[i] - maximum)
        scores[i] = e
        sum += Double(e)
    }
    let inverse = Float(1 / sum)
    for i in 0..<count { scores[i] *= inverse }
}

/// Rotary position embedding, NEOX style (element i rotates with element i + dim/2), with the
/// angle for pair i at position p equal to p · scale · base^(-2i/dim), built by repeated
/// multiplication as ggml builds its cache.
struct Rope {
    let dim: Int
    let base: Float
    let scale: Float

    /// cos/sin pairs for one position: [cos0, sin0, cos1, sin1, ...] of dim/2 pairs.
    func table(position: Int) -> [Float] {
        let thetaScale = powf(base, -2 / Float(dim))
        var theta = Float(position)
        var table = [Float](repeating: 0, count: dim)
        for pair in 0..<(dim / 2) {
            let angle = scale * theta
            table[2 * pair] = cosf(angle)
            table[2 * pair + 1] = sinf(angle)
            theta *= thetaScale
        }
        return table
    }

    /// Rotates `heads` consecutive head vectors of width `dim` in place.
    func apply(_ x: UnsafeMutablePointer<Float>, heads: Int, table: [Float]) {
        let half = dim / 2
        for head in 0..<heads {
            let v = x + head * dim
            for i in 0..<half {
                let c = table[2 * i], s = table[2 * i + 1]
                let x0 = v[i], x1 = v[i + half]
                v[i] = x0 * c - x1 * s
                v[i + half] = x0 * s + x1 * c
            }
        }
    }
}
