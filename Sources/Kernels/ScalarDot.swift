// Plain-Swift twins of the C dot products in CKernels, written as ggml's scalar code writes
// them (ggml/src/ggml-cpu/quants.c, ggml_vec_dot_*_generic; layouts from ggml-common.h).
// They are slow and obvious on purpose: tests hold the C kernels against them.

/// Scalar reference dot products of one weight row with one prepared activation row.
///
/// `n` is the number of values (a whole number of the weight type's blocks); `w` points at
/// the weight row and `a` at the activation row in the format `ck_activation_type` names
/// (Q8_0 for Q4_0 / Q5_0 / Q8_0 weights, Q8_K for K-quants). Neither pointer needs any
/// alignment. Integer parts are computed exactly; float parts in ggml's order.
public enum ScalarDot {
    /// Bytes per block (ggml-common.h).
    static let q4_0Bytes = 18, q5_0Bytes = 22, q8_0Bytes = 34
    static let q4_KBytes = 144, q5_KBytes = 176, q6_KBytes = 210, q8_KBytes = 292

    /// Q4_0 x Q8_0: per block `Float(sum((q_w - 8) * q_a)) * d_w * d_a`.
    public static func q4_0q8_0(n: Int, w: UnsafeRawPointer, a: UnsafeRawPointer) -> Float {
        var sum: Float = 0
        for block in 0..<(n / 32) {
            let x = w + block * q4_0Bytes, y = a + block * q8_0Bytes
            var low = 0, high = 0
            for j in 0..<16 {
                let packed = Int(x.load(fromByteOffset: 2 + j, as: UInt8.self))
                low += ((packed & 15) - 8) * int8(y, 2 + j)
                high += ((packed >> 4) - 8) * int8(y, 2 + j + 16)
            }
            sum += Float(low + high) * half(x, 0) * half(y, 0)
        }
        return sum
    }

    /// Q5_0 x Q8_0: per block `(d_w * d_a) * Float(sum((q_w - 16) * q_a))`; the 5th bit of
    /// value j is bit j of the 32-bit `qh`.
    public static func q5_0q8_0(n: Int, w: UnsafeRawPointer, a: UnsafeRawPointer) -> Float {
        var sum: Float = 0
        for block in 0..<(n / 32) {
            let x = w + block * q5_0Bytes, y = a + block * q8_0Bytes
            let highBits = UInt32(littleEndian: x.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
            var low = 0, high = 0
            for j in 0..<16 {
                let packed = Int(x.load(fromByteOffset: 6 + j, as: UInt8.self))
                let value0 = (packed & 15) | Int((highBits >> UInt32(j)) & 1) << 4
                let value1 = (packed >> 4) | Int((highBits >> UInt32(j + 16)) & 1) << 4
                low += (value0 - 16) * int8(y, 2 + j)
                high += (value1 - 16) * int8(y, 2 + j + 16)
            }
            sum += (half(x, 0) * half(y, 0)) * Float(low + high)
        }
        return sum
    }

    /// Q8_0 x Q8_0: per block `Float(sum(q_w * q_a)) * (d_w * d_a)`.
    public static func q8_0q8_0(n: Int, w: UnsafeRawPointer, a: UnsafeRawPointer) -> Float {
        var sum: Float = 0
        for block in 0..<(n / 32) {
            let x = w + block * q8_0Bytes, y = a + block * q8_0Bytes
            var total = 0
            for j in 0..<32 { total += int8(x, 2 + j) * int8(y, 2 + j) }
            sum += Float(total) * (half(x, 0) * half(y, 0))
        }
        return sum
    }

    /// F32 x F32 in one running f32 sum (ggml sums in double for its scalar loop; the
    /// tests allow for the difference).
    public static func f32f32(n: Int, w: UnsafeRawPointer, a: UnsafeRawPointer) -> Float {
        var sum: Float = 0
        for i in 0..<n {
            sum += w.loadUnaligned(fromByteOffset: 4 * i, as: Float.self)
                * a.loadUnaligned(fromByteOffset: 4 * i, as: Float.self)
        }
        return sum
    }

    /// BF16 x BF16: each value widened to f32 (bits << 16), products summed in f32.
    public static func bf16bf16(n: Int, w: UnsafeRawPointer, a: UnsafeRawPointer) -> Float {
        var sum: Float = 0
        for i in 0..<n {
            let x = Float(bitPattern: UInt32(w.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16)
            let y = Float(bitPattern: UInt32(a.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16)
            sum += x * y
        }
        return sum
    }

    /// F16 x F16: each value widened to f32, products summed in f32.
    public static func f16f16(n: Int, w: UnsafeRawPointer, a: UnsafeRawPointer) -> Float {
        var sum: Float = 0
        for i in 0..<n { sum += half(w, 2 * i) * half(a, 2 * i) }
        return sum
    }

    // MARK: byte access

    @inline(__always)
    static func int8(_ base: UnsafeRawPointer, _ offset: Int) -> Int {
        Int(base.load(fromByteOffset: offset, as: Int8.self))
    }

    @inline(__always)
    static func half(_ base: UnsafeRawPointer, _ offset: Int) -> Float {
        Half.toFloat(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
    }
}
