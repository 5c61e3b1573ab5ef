// Tests of CKernels' matrix products and dispatch: ck_matvec and ck_matmul against the
// single-row dot products, the activation-type table, unsupported inputs, and the
// feature string of the dispatcher.
import CKernels
import Foundation
import GGUF
import Kernels
import XCTest

final class CKernelsMatrixTests: XCTestCase {
    static let supported: [GGMLType] = [.q4_0, .q5_0, .q8_0, .q4_K, .q5_K, .q6_K, .f16, .bf16, .f32]

    override func tearDown() {
        ck_use_path(-1)
        super.tearDown()
    }

    func testMatvecAndMatmulEqualRowDots() throws {
        var generator = SeededGenerator(seed: 20)
        let rows = 70, m = 5, n = 512, stride = 80
        for path in KernelPaths.available {
            ck_use_path(path)
            for type in Self.supported {
                let rowBytes = try XCTUnwrap(type.rowBytes(n))
                let matrix = (0..<rows).flatMap { _ in TestData.weights(type, count: n, using: &generator) }
                let activations = (0..<m).map { _ in TestData.activationRow(for: type, values: TestData.floats(n, using: &generator)) }
                let expected = (0..<m).map { j in
                    (0..<rows).map { r in TestData.cDot(type, n: n, Array(matrix[(r * rowBytes)..<((r + 1) * rowBytes)]), activations[j]) }
                }
                // matvec over rows [3, 67)
                var vector = [Float](repeating: .nan, count: 64)
                let status = matrix.withUnsafeBytes { w in
                    ck_matvec(type.rawValue, Int64(n), w.baseAddress!, rowBytes, 3, 67, activations[1], &vector)
                }
                XCTAssertEqual(status, 0)
                XCTAssertEqual(vector, Array(expected[1][3..<67]), "\(type) matvec path=\(KernelPaths.name(path))")
                // matmul over rows [1, 70) and every activation, output rows `stride` apart
                var product = [Float](repeating: -1, count: m * stride)
                let joined = activations.flatMap { $0 }
                let status2 = matrix.withUnsafeBytes { w in
                    ck_matmul(type.rawValue, Int64(n), w.baseAddress!, rowBytes, 1, 70,
                              joined, activations[0].count, Int64(m), &product, Int64(stride))
                }
                XCTAssertEqual(status2, 0)
                for j in 0..<m {
                    XCTAssertEqual(Array(product[(j * stride)..<(j * stride + 69)]), Array(expected[j][1..<70]), "\(type) matmul column \(j)")
                    XCTAssertEqual(Array(product[(j * stride + 69)..<((j + 1) * stride)]), [Float](repeating: -1, count: stride - 69), "untouched")
                }
            }
        }
    }

    func testMatmulTilesAndTheirRemaindersEqualRowDots() throws {
        // every count of activation rows from 1 to 9 (whole groups of the tiles and every
        // remainder) against odd and even numbers of weight rows, each (row, activation) pair
        // bit-identical to the single-row dot product
        var generator = SeededGenerator(seed: 22)
        for type: GGMLType in [.q4_0, .q5_0, .q8_0, .q4_K, .q6_K] {
            let n = type.blockSize == 256 ? 512 : 96
            let rowBytes = try XCTUnwrap(type.rowBytes(n))
            for rows in [1, 2, 5, 8, 11] {
                let matrix = TestData.weights(type, count: rows * n, using: &generator)
                for m in 1...9 {
                    let activations = (0..<m).map { _ in TestData.activationRow(for: type, values: TestData.floats(n, using: &generator)) }
                    var product = [Float](repeating: .nan, count: m * rows)
                    let status = matrix.withUnsafeBytes { w in
                        ck_matmul(type.rawValue, Int64(n), w.baseAddress!, rowBytes, 0, Int64(rows),
                                  activations.flatMap { $0 }, activations[0].count, Int64(m), &product, Int64(rows))
                    }
                    XCTAssertEqual(status, 0)
                    for j in 0..<m {
                        let expected = (0..<rows).map { r in
                            TestData.cDot(type, n: n, Array(matrix[(r * rowBytes)..<((r + 1) * rowBytes)]), activations[j])
                        }
                        XCTAssertEqual(Array(product[(j * rows)..<((j + 1) * rows)]), expected, "\(type) rows \(rows) m \(m) column \(j)")
                    }
                }
            }
        }
    }

    func testMatmulCoversMatricesLargerThanOneCacheBlock() throws {
        // 1000 rows of Q8_0 x 2304 (2.4 KB each) span several of matmul's 128 KiB row blocks
        var generator = SeededGenerator(seed: 21)
        let rows = 1000, m = 3, n = 2304, rowBytes = try XCTUnwrap(GGMLType.q8_0.rowBytes(n))
        let matrix = TestData.weights(.q8_0, count: rows * n, using: &generator)
        let activations = (0..<m).flatMap { _ in TestData.activationRow(for: .q8_0, values: TestData.floats(n, using: &generator)) }
        var product = [Float](repeating: .nan, count: m * rows), vector = [Float](repeating: .nan, count: rows)
        matrix.withUnsafeBytes { w in
            XCTAssertEqual(ck_matmul(8, Int64(n), w.baseAddress!, rowBytes, 0, Int64(rows), activations, activations.count / m, Int64(m), &product, Int64(rows)), 0)
            activations.withUnsafeBytes { a in
                for j in 0..<m {
                    XCTAssertEqual(ck_matvec(8, Int64(n), w.baseAddress!, rowBytes, 0, Int64(rows), a.baseAddress! + j * (activations.count / m), &vector), 0)
                    XCTAssertEqual(Array(product[(j * rows)..<((j + 1) * rows)]), vector)
                }
            }
        }
    }

    func testActivationTypes() {
        let expected: [GGMLType: UInt32] = [.q4_0: 8, .q5_0: 8, .q8_0: 8, .q4_K: 15, .q5_K: 15, .q6_K: 15, .f16: 1, .bf16: 30, .f32: 0]
        for type in GGMLType.allCases {
            XCTAssertEqual(ck_activation_type(type.rawValue), expected[type] ?? UInt32.max, "\(type)")
        }
    }

    func testUnsupportedTypesAndRaggedRowsAreRefused() {
        var out: [Float] = [0]
        let bytes = [UInt8](repeating: 0, count: 1024)
        for type in GGMLType.allCases where !Self.supported.contains(type) {
            XCTAssertEqual(ck_matvec(type.rawValue, 256, bytes, 256, 0, 1, bytes, &out), -1, "\(type)")
            XCTAssertEqual(ck_matmul(type.rawValue, 256, bytes, 256, 0, 1, bytes, 256, 1, &out, 1), -1, "\(type)")
        }
        XCTAssertEqual(ck_matvec(GGMLType.q4_0.rawValue, 48, bytes, 27, 0, 1, bytes, &out), -1)
        XCTAssertEqual(ck_matvec(GGMLType.q6_K.rawValue, 512 + 32, bytes, 0, 0, 1, bytes, &out), -1)
        XCTAssertEqual(ck_matvec(99, 32, bytes, 18, 0, 1, bytes, &out), -1)
        XCTAssertEqual(out, [0], "nothing written")
    }

    func testDispatcherReportsTheCPUFeaturesItUses() throws {
        let dispatched = String(cString: ck_cpu_features())
        ck_force_portable(1)
        XCTAssertEqual(String(cString: ck_cpu_features()), "portable")
        ck_force_portable(0)
        XCTAssertEqual(String(cString: ck_cpu_features()), dispatched)
        XCTAssertEqual(KernelPaths.name(KernelPaths.available.last!), dispatched, "the last path the CPU can run")
        XCTAssertEqual(ck_use_path(Int32(KernelPaths.all.count)), -1, "no such path")
        for path in KernelPaths.all where ck_path_available(path) == 0 {
            XCTAssertEqual(ck_use_path(path), -1, "\(KernelPaths.name(path)) is refused on this CPU")
            XCTAssertEqual(String(cString: ck_cpu_features()), dispatched, "and nothing changed")
        }
        #if arch(x86_64) && os(Linux)
        XCTAssertEqual(KernelPaths.all.map(KernelPaths.name), [
            "portable", "AVX2 FMA F16C", "AVX2 FMA F16C AVX-VNNI", "AVX2 FMA F16C AVX512F AVX512BW AVX512VL AVX512VNNI",
        ])
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flags = Set(cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") }?.split(separator: " ").map(String.init) ?? [])
        let hasAVX2 = flags.isSuperset(of: ["avx2", "fma", "f16c"])
        let expected = !hasAVX2 ? "portable"
            : flags.isSuperset(of: ["avx512f", "avx512bw", "avx512vl", "avx512_vnni"]) ? KernelPaths.name(3)
            : flags.contains("avx_vnni") ? KernelPaths.name(2) : KernelPaths.name(1)
        XCTAssertEqual(dispatched, expected)
        #endif
    }

    /// Every SIMD path of an architecture gives the first SIMD path's bits (x86-64: the
    /// VNNI and AVX-512 paths sum the same products in the same lanes as AVX2), for dot
    /// products, matvec and matmul. Paths this CPU lacks are checked under emulation by
    /// testEmulatedX86PathsMatchAVX2.
    func testSIMDPathsAreBitIdentical() throws {
        let simd = KernelPaths.available.filter { $0 > 0 }
        var generator = SeededGenerator(seed: 23)
        for type: GGMLType in [.q4_0, .q5_0, .q8_0, .q4_K, .q5_K, .q6_K, .f16, .bf16, .f32] {
            let n = type.blockSize == 256 ? 512 : 96, rows = 7, m = 5
            let rowBytes = try XCTUnwrap(type.rowBytes(n))
            let matrix = TestData.weights(type, count: rows * n, using: &generator)
            let activations = (0..<m).map { _ in TestData.activationRow(for: type, values: TestData.floats(n, using: &generator)) }
            var first: [Float]?
            for path in simd {
                XCTAssertEqual(ck_use_path(path), 0)
                var product = [Float](repeating: .nan, count: m * rows), vector = [Float](repeating: .nan, count: rows)
                matrix.withUnsafeBytes { w in
                    XCTAssertEqual(ck_matmul(type.rawValue, Int64(n), w.baseAddress!, rowBytes, 0, Int64(rows),
                                             activations.flatMap { $0 }, activations[0].count, Int64(m), &product, Int64(rows)), 0)
                    XCTAssertEqual(ck_matvec(type.rawValue, Int64(n), w.baseAddress!, rowBytes, 0, Int64(rows),
                                             activations[0], &vector), 0)
                }
                let results = product + vector
                if let first { XCTAssertEqual(results, first, "\(type) on \(KernelPaths.name(path))") } else { first = results }
            }
        }
    }

    /// The x86-64 paths this CPU may lack (AVX-VNNI, AVX-512 with VNNI), run with their
    /// instructions emulated by SIMD Everywhere: scripts/dev/x86-kernel-check.sh builds the C
    /// target with the check driver and requires every path to match the portable kernels
    /// and the AVX2 path's bits.
    func testEmulatedX86PathsMatchAVX2() throws {
        #if arch(x86_64) && os(Linux)
        guard KernelPaths.available.contains(1) else { throw XCTSkip("needs a CPU with AVX2, FMA and F16C") }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../scripts/dev/x86-kernel-check.sh").standardized
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [script.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, output)
        for name in KernelPaths.all.dropFirst().map(KernelPaths.name) {
            XCTAssertTrue(output.contains("path \(name): 0 failure(s)"), "\(name) was checked:\n\(output)")
        }
        #else
        throw XCTSkip("x86-64 Linux only")
        #endif
    }
}
