// Test data for the CKernels tests: a seeded random generator, random weight rows with
// realistic scales, activation rows prepared by the C kernels, and one call site per type
// for the C dot products and their Swift twins.
import CKernels
import GGUF
import Kernels
import SeededRandom
import XCTest

/// SplitMix64 seeded through a multiply, so that small seeds (1, 2, …) start far apart;
/// failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    var base: SplitMix64
    init(seed: UInt64) { base = SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15) }
    mutating func next() -> UInt64 { base.next() }
}

/// The kernel paths of CKernels this CPU can run: 0 is the portable C code, then the SIMD
/// paths (on x86-64: AVX2, AVX-VNNI, AVX-512 with VNNI; on ARM64: NEON DOTPROD).
enum KernelPaths {
    static var all: [Int32] {
        var paths: [Int32] = []
        while ck_path_name(Int32(paths.count)) != nil { paths.append(Int32(paths.count)) }
        return paths
    }
    static var available: [Int32] { all.filter { ck_path_available($0) != 0 } }
    static func name(_ path: Int32) -> String { ck_path_name(path).map { String(cString: $0) } ?? "none" }
}

extension Array where Element == UInt8 {
    /// Stores a 16-bit little-endian word at a byte offset.
    mutating func storeHalf(_ bits: UInt16, at offset: Int) {
        self[offset] = UInt8(bits & 0xff)
        self[offset + 1] = UInt8(bits >> 8)
    }
}

extension GGMLType {
    /// Bytes of the activation row that a weight row of this type is multiplied with.
    func activationBytes(_ count: Int) -> Int {
        let activation = GGMLType(rawValue: ck_activation_type(rawValue)) ?? .f32
        return activation.rowBytes(count) ?? 0
    }
}

enum TestData {
    static func randomBytes(_ count: Int, using generator: inout SeededGenerator) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// Activations as the model makes them: mostly small, with a few outliers.
    static func floats(_ count: Int, using generator: inout SeededGenerator) -> [Float] {
        (0..<count).map { _ in
            let value = Float.random(in: -1...1, using: &generator)
            return Int.random(in: 0..<17, using: &generator) == 0 ? 8 * value : value
        }
    }

    /// Random fp16 bits of magnitude between 2^-12 and 2^-6, either sign.
    static func randomScale(using generator: inout SeededGenerator) -> UInt16 {
        UInt16.random(in: 0x0c00...0x2400, using: &generator) | (Bool.random(using: &generator) ? 0x8000 : 0)
    }

    /// A weight row: random quants, realistic scales (never NaN or infinite).
    static func weights(_ type: GGMLType, count: Int, using generator: inout SeededGenerator) -> [UInt8] {
        var bytes = randomBytes(type.rowBytes(count) ?? 0, using: &generator)
        switch type {
        case .f32:
            for i in 0..<count {
                let bits = Float.random(in: -1...1, using: &generator).bitPattern
                for k in 0..<4 { bytes[4 * i + k] = UInt8((bits >> (8 * UInt32(k))) & 0xff) }
            }
        case .f16:
            for i in 0..<count { bytes.storeHalf(UInt16.random(in: 0x1000...0x3c00, using: &generator) | (Bool.random(using: &generator) ? 0x8000 : 0), at: 2 * i) }
        case .bf16:
            for i in 0..<count { bytes.storeHalf(UInt16.random(in: 0x3a00...0x3f80, using: &generator) | (Bool.random(using: &generator) ? 0x8000 : 0), at: 2 * i) }
        default:
            setScales(of: &bytes, type: type) { _ in randomScale(using: &generator) & 0x7fff }
            if type == .q4_0 || type == .q5_0 || type == .q8_0 || type == .q6_K {
                setScales(of: &bytes, type: type, dminToo: false) { _ in randomScale(using: &generator) }
            }
        }
        return bytes
    }

    /// Sets the fp16 super-scales of every block (d, and dmin of Q4_K / Q5_K).
    static func setScales(of bytes: inout [UInt8], type: GGMLType, dminToo: Bool = true, _ scale: (Int) -> UInt16) {
        let blocks = bytes.count / type.blockBytes
        for block in 0..<blocks {
            let base = block * type.blockBytes
            switch type {
            case .q6_K: bytes.storeHalf(scale(block), at: base + 208)
            case .q4_K, .q5_K:
                bytes.storeHalf(scale(block), at: base)
                if dminToo { bytes.storeHalf(scale(block), at: base + 2) }
            default: bytes.storeHalf(scale(block), at: base)
            }
        }
    }

    /// The activation row for a weight type, prepared by the C kernels.
    static func activationRow(for type: GGMLType, values: [Float]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: type.activationBytes(values.count))
        let n = Int64(values.count)
        out.withUnsafeMutableBytes { raw in
            let base = raw.baseAddress!
            switch ck_activation_type(type.rawValue) {
            case 8: ck_quantize_row_q8_0(values, base, n)
            case 15: ck_quantize_row_q8_K(values, base, n)
            case 1: ck_convert_row_f16(values, base.assumingMemoryBound(to: UInt16.self), n)
            case 30: ck_convert_row_bf16(values, base.assumingMemoryBound(to: UInt16.self), n)
            default: values.withUnsafeBytes { base.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            }
        }
        return out
    }

    /// The C dot product for a weight type (the named function, not the matvec switch).
    static func cDot(_ type: GGMLType, n: Int, _ w: [UInt8], _ a: [UInt8]) -> Float {
        w.withUnsafeBytes { wb in
            a.withUnsafeBytes { ab in
                let x = wb.baseAddress!, y = ab.baseAddress!, count = Int64(n)
                switch type {
                case .q4_0: return ck_dot_q4_0_q8_0(count, x, y)
                case .q5_0: return ck_dot_q5_0_q8_0(count, x, y)
                case .q8_0: return ck_dot_q8_0_q8_0(count, x, y)
                case .q4_K: return ck_dot_q4_K_q8_K(count, x, y)
                case .q5_K: return ck_dot_q5_K_q8_K(count, x, y)
                case .q6_K: return ck_dot_q6_K_q8_K(count, x, y)
                case .f16: return ck_dot_f16_f16(count, x.assumingMemoryBound(to: UInt16.self), y.assumingMemoryBound(to: UInt16.self))
                case .bf16: return ck_dot_bf16_bf16(count, x.assumingMemoryBound(to: UInt16.self), y.assumingMemoryBound(to: UInt16.self))
                case .f32: return ck_dot_f32_f32(count, x.assumingMemoryBound(to: Float.self), y.assumingMemoryBound(to: Float.self))
                default: return .nan
                }
            }
        }
    }

    /// The Swift twin for a weight type.
    static func twin(_ type: GGMLType) -> (Int, UnsafeRawPointer, UnsafeRawPointer) -> Float {
        switch type {
        case .q4_0: return ScalarDot.q4_0q8_0
        case .q5_0: return ScalarDot.q5_0q8_0
        case .q8_0: return ScalarDot.q8_0q8_0
        case .q4_K: return ScalarDot.q4_Kq8_K
        case .q5_K: return ScalarDot.q5_Kq8_K
        case .q6_K: return ScalarDot.q6_Kq8_K
        case .f16: return ScalarDot.f16f16
        case .bf16: return ScalarDot.bf16bf16
        default: return ScalarDot.f32f32
        }
    }

    static func twinDot(_ type: GGMLType, n: Int, _ w: [UInt8], _ a: [UInt8]) -> Float {
        w.withUnsafeBytes { wb in a.withUnsafeBytes { ab in twin(type)(n, wb.baseAddress!, ab.baseAddress!) } }
    }

    /// Sum of |contribution| over blocks (over values for float types), from the twin: the
    /// scale against which float rounding in a long sum is judged.
    static func blockMagnitude(_ type: GGMLType, n: Int, _ w: [UInt8], _ a: [UInt8]) -> Float {
        let step = max(type.blockSize, 1)
        let activationStep = type.activationBytes(step)
        return w.withUnsafeBytes { wb in
            a.withUnsafeBytes { ab in
                stride(from: 0, to: n, by: step).reduce(Float(0)) { sum, first in
                    let block = first / step
                    return sum + abs(twin(type)(step, wb.baseAddress! + block * type.blockBytes,
                                                ab.baseAddress! + block * activationStep))
                }
            }
        }
    }
}
