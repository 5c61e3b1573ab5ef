// Dumps read back by numpy (python3 run as a separate process): .npy per hook, .npz, and
// .safetensors parsed by hand; the sidecar's model sha256 against sha256sum; the .npy reader.
import Foundation
import Gemma
import Inspect
import XCTest

final class DumpTests: XCTestCase {
    let patterns = ["hook_embed", "blocks.*.attn.hook_pattern", "blocks.1.attn.hook_q", "blocks.3.mlp.hook_post", "hook_logits"]

    func makeTrace() throws -> Trace {
        try Tracer.run(try Fixtures.tiny(), tokens: Fixtures.seq7, capture: HookSelector(patterns))
    }

    /// Parses python's `{name: {"shape": [...], "values": [...]}}` and compares it with the trace.
    func assertSame(_ json: String, _ trace: Trace, file: StaticString = #filePath, line: UInt = #line) throws {
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: [String: Any]],
                                   "python printed: \(json.prefix(200))", file: file, line: line)
        XCTAssertEqual(Set(object.keys), Set(trace.points.map(\.name)), file: file, line: line)
        for point in trace.points {
            let tensor = try trace.value(point)
            let entry = try XCTUnwrap(object[point.name], file: file, line: line)
            XCTAssertEqual(entry["shape"] as? [Int], tensor.shape, point.name, file: file, line: line)
            let values = try XCTUnwrap(entry["values"] as? [Double], file: file, line: line).map { Float($0) }
            XCTAssertEqual(values, tensor.data, point.name, file: file, line: line)
        }
    }

    func testNpyFilesLoadInNumpyWithTheirShapesAndValues() throws {
        let trace = try makeTrace()
        let folder = try scratchFolder(self)
        let files = try Dumps.write(trace, format: .npy, to: folder, prompt: "the man", modelPath: Fixtures.tinyPath)
        XCTAssertEqual(files, trace.points.map { folder + "/" + $0.name + ".npy" } + [folder + "/trace.json"])
        for point in trace.points {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/" + point.name + ".npy")))
            let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            XCTAssertEqual((10 + headerLength) % 64, 0, "\(point.name): data must start 64-byte aligned")
            XCTAssertEqual(bytes[10 + headerLength - 1], UInt8(ascii: "\n"))
            XCTAssertEqual(bytes.count, 10 + headerLength + 4 * (try trace.value(point)).count)
        }
        let output = try python("""
            import glob, os
            out = {}
            for path in glob.glob('\(folder)/*.npy'):
                a = np.load(path)
                assert a.dtype == np.float32 and a.flags['C_CONTIGUOUS'], a.dtype
                out[os.path.basename(path)[:-4]] = {'shape': list(a.shape), 'values': a.ravel().astype(float).tolist()}
            print(json.dumps(out))
            """)
        try assertSame(output, trace)
    }

    func testNpzArchiveLoadsInNumpyWithHookNamesAsKeys() throws {
        let trace = try makeTrace()
        let folder = try scratchFolder(self)
        let files = try Dumps.write(trace, format: .npz, to: folder, prompt: nil, modelPath: Fixtures.tinyPath)
        XCTAssertEqual(files, [folder + "/activations.npz", folder + "/trace.json"])
        let output = try python("""
            z = np.load('\(folder)/activations.npz')
            out = {k: {'shape': list(z[k].shape), 'values': z[k].ravel().astype(float).tolist()} for k in z.files}
            assert all(z[k].dtype == np.float32 for k in z.files)
            print(json.dumps(out))
            """)
        try assertSame(output, trace)
    }

    func testSafetensorsHeaderAndDataParseInPython() throws {
        let trace = try makeTrace()
        let folder = try scratchFolder(self)
        try Dumps.write(trace, format: .safetensors, to: folder, prompt: nil, modelPath: Fixtures.tinyPath)
        let output = try python("""
            b = open('\(folder)/activations.safetensors', 'rb').read()
            n = int.from_bytes(b[:8], 'little')
            assert n % 8 == 0, n
            header = json.loads(b[8:8 + n])
            meta = header.pop('__metadata__')
            assert meta == {'model': 'tiny-gemma2-f32.gguf'}, meta
            out = {}
            end = 0
            for name, info in header.items():
                assert info['dtype'] == 'F32'
                start, stop = info['data_offsets']
                end = max(end, stop)
                a = np.frombuffer(b[8 + n + start:8 + n + stop], dtype='<f4').reshape(info['shape'])
                out[name] = {'shape': list(a.shape), 'values': a.ravel().astype(float).tolist()}
            assert 8 + n + end == len(b), (8 + n + end, len(b))
            print(json.dumps(out))
            """)
        try assertSame(output, trace)
    }

    func testSidecarNamesThePromptTokensHooksAndTheModelsSha256() throws {
        let trace = try makeTrace()
        let folder = try scratchFolder(self)
        try Dumps.write(trace, format: .npy, to: folder + "/nested/deeper", prompt: "the man", modelPath: Fixtures.tinyPath)
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/nested/deeper/trace.json"))
        let sidecar = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(sidecar["prompt"] as? String, "the man")
        XCTAssertEqual(sidecar["token_ids"] as? [Int], Fixtures.seq7)
        XCTAssertEqual(sidecar["pieces"] as? [String], trace.pieces)
        XCTAssertEqual(sidecar["model"] as? String, "tiny-gemma2-f32.gguf")
        XCTAssertEqual(sidecar["format"] as? String, "npy")
        let hooks = try XCTUnwrap(sidecar["hooks"] as? [[String: Any]])
        XCTAssertEqual(hooks.map { $0["name"] as? String }, trace.points.map(\.name))
        XCTAssertEqual(hooks.map { $0["shape"] as? [Int] }, try trace.points.map { try trace.value($0).shape })

        let sum = try runProcess("/usr/bin/env", ["sha256sum", Fixtures.tinyPath])
        guard sum.status == 0 else { throw XCTSkip("sha256sum is not available") }
        let expected = String(sum.output.prefix(64))
        XCTAssertEqual(expected.count, 64)
        XCTAssertEqual(sidecar["model_sha256"] as? String, expected)
        XCTAssertEqual(try FileDigest.sha256(Fixtures.tinyPath), expected)
    }

    func testNpyRoundTripAndNumpysOwnFiles() throws {
        let folder = try scratchFolder(self)
        let tensors = [Tensor(shape: [], data: [2.5]), Tensor(shape: [5], data: [1, -2, 3.25, .infinity, 0]),
                       Tensor(shape: [2, 3, 4], data: (0..<24).map { Float($0) * 0.1 - 1 }), Tensor(shape: [0, 3], data: [])]
        for (i, tensor) in tensors.enumerated() {
            let path = folder + "/t\(i).npy"
            try NPY.write(tensor, to: path)
            XCTAssertEqual(try NPY.read(path), tensor)
            XCTAssertEqual(NPY.encode(tensor).count % 64, (tensor.count * 4) % 64, "header padded to 64 bytes")
        }
        // What numpy writes, we read (including a version 2 file).
        _ = try python("""
            np.save('\(folder)/numpy.npy', np.arange(12, dtype=np.float32).reshape(3, 4) / 8)
            np.lib.format.write_array(open('\(folder)/v2.npy', 'wb'), np.array([1.5, -2], dtype=np.float32), version=(2, 0))
            np.save('\(folder)/f64.npy', np.zeros(3))
            """)
        XCTAssertEqual(try NPY.read(folder + "/numpy.npy"), Tensor(shape: [3, 4], data: (0..<12).map { Float($0) / 8 }))
        XCTAssertEqual(try NPY.read(folder + "/v2.npy"), Tensor(shape: [2], data: [1.5, -2]))
        XCTAssertThrowsError(try NPY.read(folder + "/f64.npy")) { XCTAssertTrue("\($0)".contains("float32"), "\($0)") }
        // The reference goldens are numpy files too.
        XCTAssertEqual(try NPY.read(Fixtures.path("tiny-gemma2-f32.seq7.logits.npy")).shape, [7, 512])
    }

    func testNpyReaderRejectsTruncatedAndForeignFiles() throws {
        let folder = try scratchFolder(self)
        let bytes = NPY.encode(Tensor(shape: [4, 4], data: (0..<16).map(Float.init)))
        func write(_ name: String, _ content: [UInt8]) throws -> String {
            let path = folder + "/" + name
            try Data(content).write(to: URL(fileURLWithPath: path))
            return path
        }
        let cases: [(String, [UInt8], String)] = [
            ("data.npy", Array(bytes.dropLast(5)), "needs 16 floats"),
            ("header.npy", Array(bytes.prefix(40)), "runs past the end"),
            ("magic.npy", Array(bytes.prefix(6)), "not a .npy file"),
            ("empty.npy", [], "not a .npy file"),
            ("text.npy", Array("hello, this is not numpy at all".utf8), "not a .npy file"),
        ]
        for (name, content, reason) in cases {
            let path = try write(name, content)
            XCTAssertThrowsError(try NPY.read(path), name) { error in
                XCTAssertTrue("\(error)".contains(path), "\(error)")
                XCTAssertTrue("\(error)".contains(reason), "\(name): \(error)")
            }
        }
        XCTAssertThrowsError(try NPY.read(folder + "/missing.npy")) { XCTAssertTrue("\($0)".contains("cannot read")) }
    }
}
