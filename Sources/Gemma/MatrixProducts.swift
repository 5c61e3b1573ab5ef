// Matrix products of the forward pass: activations are rounded to the weight's dot-product
// type (Q8_0 blocks for Q4_0/Q5_0/Q8_0, Q8_K for K-quants, fp16 for F16, bf16 for BF16),
// as ggml does, then the C kernels compute integer dot products, rows split over the pool.
import CKernels
import GGUF

/// Computes y = x Wᵀ for weight matrices that share one input, reusing the prepared activations.
final class MatrixProducts: @unchecked Sendable {  // one per forward pass; not shared across threads
    let pool: ThreadPool
    /// Prepared activations per activation type: (buffer, capacity in bytes).
    private var scratch: [UInt32: (buffer: UnsafeMutableRawPointer, capacity: Int)] = [:]

    init(pool: ThreadPool) {
        self.pool = pool
    }

    deinit {
        for (_, entry) in scratch { entry.buffer.deallocate() }
    }

    /// For each (matrix, output) pair: output[t * rows + r] = row r of the matrix · x[t].
    /// All matrices must have `columns` equal to the input width.
    func project(_ input: UnsafePointer<Float>, tokens: Int, width: Int,
                 _ jobs: [(matrix: WeightMatrix, output: UnsafeMutablePointer<Float>)]) {
        // Prepare the input once per activation type.
        var prepared: [UInt32: (pointer: UnsafeRawPointer, rowBytes: Int)] = [:]
        for job in jobs {
            let kind = ck_activation_type(job.matrix.type.rawValue)
            if prepared[kind] == nil { prepared[kind] = prepare(input, tokens: tokens, width: width, kind: kind) }
        }
        // Split rows into tasks: a few per thread so that uneven cores still finish together.
        let chunksPerMatrix = jobs.map { job in
            max(1, min(pool.threadCount * 4, job.matrix.rows / 16))
        }
        var tasks: [(job: Int, row0: Int, row1: Int)] = []
        for (index, job) in jobs.enumerated() {
            let rows = job.matrix.rows
            let chunks = chunksPerMatrix[index]
            for chunk in 0..<chunks {
                let row0 = rows * chunk / chunks, row1 = rows * (chunk + 1) / chunks
                if row1 > row0 { tasks.append((index, row0, row1)) }
            }
        }
        pool.run(tasks.count) { index in
            let task = tasks[index]
            let job = jobs[task.job]
            let matrix = job.matrix
            let activation = prepared[ck_activation_type(matrix.type.rawValue)]!
            let status: Int32
            if tokens == 1 {
                status = ck_matvec(matrix.type.rawValue, Int64(width), matrix.base, matrix.rowBytes,
                                   Int64(task.row0), Int64(task.row1), activation.pointer, job.output + task.row0)
            } else {
                status = ck_matmul(matrix.type.rawValue, Int64(width), matrix.base, matrix.rowBytes,
                                   Int64(task.row0), Int64(task.row1), activation.pointer, activation.rowBytes,
                                   Int64(tokens), job.output + task.row0, Int64(matrix.rows))
            }
            if status != 0 {
                Self.dequantizedProduct(matrix, rows: task.row0..<task.row1, input, tokens: tokens, width: width,
                                        output: job.output)
            }
        }
    }

    /// The plain path for types the C kernels do not cover: each row converted to float32.
    private static func dequantizedProduct(_ matrix: WeightMatrix, rows: Range<Int>, _ input: UnsafePointer<Float>,
                                           tokens: Int, width: Int, output: UnsafeMutablePointer<Float>) {
        let row = UnsafeMutablePointer<Float>.allocate(capacity: width)
        defer { row.deallocate() }
        for r in rows {
            matrix.dequantizedRow(r, into: row)
            for t in 0..<tokens {
                let x = input + t * width
                var sum: Float = 0
                for c in 0..<width { sum += row[c] * x[c] }
                output[t * matrix.rows + r] = sum
            }
        }
    }

    /// llama.cpp rounds Q8_0 activations differently per CPU family (x86: round-half-even of
    /// x·127/amax; ARM: of x/d); we round as it does on the machine we run on.
    #if arch(arm64)
    static let q8_0Rounding = Int32(CK_Q8_0_ARM)
    #else
    static let q8_0Rounding = Int32(CK_Q8_0_X86)
    #endif

    /// Rounds the input rows to the activation type `kind` (a ggml type id) in a scratch buffer.
    private func prepare(_ input: UnsafePointer<Float>, tokens: Int, width: Int,
                         kind: UInt32) -> (pointer: UnsafeRawPointer, rowBytes: Int) {
        if kind == GGMLType.f32.rawValue {
            return (UnsafeRawPointer(input), width * 4)
        }
        let type = GGMLType(rawValue: kind) ?? .f32
        let rowBytes = type.rowBytes(width) ?? width * 4
        let needed = rowBytes * tokens
        var entry = scratch[kind] ?? (UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 64), 64)
        if entry.capacity < needed {
            entry.buffer.deallocate()
            entry = (UnsafeMutableRawPointer.allocate(byteCount: needed, alignment: 64), needed)
        }
        scratch[kind] = entry
        for t in 0..<tokens {
            let x = input + t * width
            let out = entry.buffer + t * rowBytes
            switch type {
            case .q8_0: ck_quantize_row_q8_0_variant(x, out, Int64(width), Self.q8_0Rounding)
            case .q8_K: ck_quantize_row_q8_K(x, out, Int64(width))
            case .f16: ck_convert_row_f16(x, out.assumingMemoryBound(to: UInt16.self), Int64(width))
            case .bf16: ck_convert_row_bf16(x, out.assumingMemoryBound(to: UInt16.self), Int64(width))
            default: break
            }
        }
        return (UnsafeRawPointer(entry.buffer), rowBytes)
    }
}
