// GGUFWriter: read -> write -> read round trips of the fixtures, a file built from scratch,
// the writer's own input checks, and the atomic write.
import Foundation
import XCTest
import GGUF

final class GGUFWriterTests: XCTestCase {
    override class func tearDown() {
        removeTemporaryFiles()
        super.tearDown()
    }

    /// A writer holding everything `file` holds, in the same order.
    private func copy(of file: GGUFFile) throws -> GGUFWriter {
        var writer = GGUFWriter(alignment: file.alignment)
        for entry in file.metadata { writer.add(entry.key, entry.value) }
        for tensor in file.tensors {
            try writer.addTensor(name: tensor.name, shape: tensor.shape, type: tensor.type,
                                 data: Array(file.data(of: tensor)))
        }
        return writer
    }

    /// Asserts identical metadata (keys, order, types, values) and identical tensors and bytes.
    private func assertSameContents(_ original: GGUFFile, _ copy: GGUFFile, line: UInt = #line) {
        XCTAssertEqual(copy.metadata.map(\.key), original.metadata.map(\.key), line: line)
        XCTAssertEqual(copy.metadata.map(\.value.typeName), original.metadata.map(\.value.typeName), line: line)
        XCTAssertEqual(copy.metadata.map(\.value), original.metadata.map(\.value), line: line)
        XCTAssertEqual(copy.tensors, original.tensors, line: line)
        XCTAssertEqual(copy.alignment, original.alignment, line: line)
        for (left, right) in zip(original.tensors, copy.tensors) {
            XCTAssertTrue(original.data(of: left).elementsEqual(copy.data(of: right)), left.name, line: line)
        }
    }

    func testRoundTripOfModelFixturesIsByteIdentical() throws {
        for name in ["reference/tiny-gemma2-f32.gguf", "reference/small-gemma2-q4_0.gguf"] {
            let path = fixturePath(name)
            let original = try GGUFFile(path: path)
            let writer = try copy(of: original)
            let bytes = try writer.bytes()
            let written = try writeTemporaryFile([])  // placeholder path in a fresh directory
            try writer.write(to: written)
            let copy = try GGUFFile(path: written)
            assertSameContents(original, copy)
            // gguf-py lays files out exactly as ggml does, so the copy is the same file.
            let originalBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            XCTAssertTrue(bytes == originalBytes, "\(name): bytes() differs from the original")
            let writtenBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: written)))
            XCTAssertTrue(writtenBytes == originalBytes, "\(name): write(to:) differs from the original")
        }
    }

    func testRoundTripOfVocabularyOnlyFile() throws {
        let original = try GGUFFile(path: fixturePath("reference/gemma3-vocab-only.gguf"))
        let path = try writeTemporaryFile(try copy(of: original).bytes())
        let copy = try GGUFFile(path: path)
        assertSameContents(original, copy)
        XCTAssertEqual(copy.metadata.count, 34)
    }

    func testFileBuiltFromScratch() throws {
        var writer = GGUFWriter(alignment: 64)
        let values: [(String, GGUFValue)] = [
            ("u8", .uint8(1)), ("i8", .int8(-2)), ("u16", .uint16(3)), ("i16", .int16(-4)),
            ("u32", .uint32(5)), ("i32", .int32(-6)), ("f32", .float32(7.5)), ("flag", .bool(false)),
            ("text", .string("h\u{E9}llo \u{1F600}")), ("u64", .uint64(.max)), ("i64", .int64(.min)),
            ("f64", .float64(.pi)),
            ("a.u8", .array(.uint8([1, 255]))), ("a.i8", .array(.int8([-128, 127]))),
            ("a.u16", .array(.uint16([65535]))), ("a.i16", .array(.int16([-1]))),
            ("a.u32", .array(.uint32([1, 2]))), ("a.i32", .array(.int32([-3]))),
            ("a.f32", .array(.float32([.infinity, -0.0]))), ("a.bool", .array(.bool([true, false, true]))),
            ("a.string", .array(.string(["x", "", "\u{2581}y"]))), ("a.u64", .array(.uint64([.max]))),
            ("a.i64", .array(.int64([.min, 0]))), ("a.f64", .array(.float64([1e300]))),
            ("a.empty", .array(.string([]))),
        ]
        for (key, value) in values { writer.add(key, value) }
        let q4 = (0 ..< 2 * 18).map { UInt8($0) }
        try writer.addTensor(name: "weights.q4_0", shape: [64], type: .q4_0, data: q4)
        try writer.addTensor(name: "weights.f32", shape: [2, 3, 1, 2], type: .f32, data: floatBytes((0 ..< 12).map(Float.init)))
        try writer.addTensor(name: "weights.q6_K", shape: [256, 2], type: .q6_K, data: [UInt8](repeating: 9, count: 2 * 210))

        let file = try GGUFFile(path: try writeTemporaryFile(try writer.bytes()))
        XCTAssertEqual(file.version, 3)
        XCTAssertEqual(file.alignment, 64)
        XCTAssertEqual(file.dataOffset % 64, 0)
        // The writer appends general.alignment because 64 is not the default.
        XCTAssertEqual(file.metadata.map(\.key), values.map(\.0) + ["general.alignment"])
        XCTAssertEqual(file.metadata.dropLast().map(\.value), values.map(\.1))
        XCTAssertEqual(file["general.alignment"], .uint32(64))
        XCTAssertEqual(file.tensors.map(\.offset), [0, 64, 128])
        XCTAssertEqual(file.tensors.map(\.shape), [[64], [2, 3, 1, 2], [256, 2]])
        XCTAssertEqual(file.tensors.map(\.type), [.q4_0, .f32, .q6_K])
        XCTAssertEqual(Array(file.data(of: file.tensors[0])), q4)
        XCTAssertEqual(file.data(of: file.tensors[1]).withMemoryRebound(to: Float.self) { Array($0) },
                       (0 ..< 12).map(Float.init))
        XCTAssertEqual(file.fileSize, file.dataOffset + 128 + 448, "last tensor padded to 64")
    }

    func testAddTensorRejectsWrongDataSize() throws {
        var writer = GGUFWriter()
        XCTAssertThrowsError(try writer.addTensor(name: "w", shape: [32, 2], type: .q8_0, data: [UInt8](repeating: 0, count: 67))) {
            XCTAssertEqual("\($0)", "GGUF writer: tensor \"w\": shape [32, 2] of type Q8_0 needs 68 bytes, data has 67")
        }
    }

    func testAddTensorRejectsInvalidShapesAndNames() throws {
        var writer = GGUFWriter()
        try writer.addTensor(name: "w", shape: [1], type: .f32, data: [0, 0, 0, 0])
        let cases: [(String, [Int], GGMLType, String)] = [
            ("w", [1], .f32, "duplicate tensor name"),
            (String(repeating: "n", count: 64), [1], .f32, "name is 64 bytes"),
            ("five", [1, 1, 1, 1, 1], .f32, "5 dimensions"),
            ("zero", [4, 0], .f32, "dimension below 1"),
            ("blocks", [48], .q4_0, "not a multiple of Q4_0's block size 32"),
            ("overflow", [1 << 32, 1 << 32], .f32, "element count overflows"),
        ]
        for (name, shape, type, fragment) in cases {
            XCTAssertThrowsError(try writer.addTensor(name: name, shape: shape, type: type, data: [])) { error in
                guard case .invalidWriterInput? = error as? GGUFError else { return XCTFail("\(error)") }
                XCTAssertTrue("\(error)".contains(fragment), "\(error)")
            }
        }
    }

    func testBytesRejectsBadMetadata() {
        func failure(_ writer: GGUFWriter) -> String {
            do {
                _ = try writer.bytes()
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        var duplicate = GGUFWriter()
        duplicate.add("k", .uint8(1))
        duplicate.add("k", .uint8(2))
        XCTAssertEqual(failure(duplicate), "GGUF writer: metadata key #1 \"k\": duplicate key (first added as key #0)")
        var empty = GGUFWriter()
        empty.add("", .bool(true))
        XCTAssertEqual(failure(empty), "GGUF writer: metadata key #0 \"\": key is empty")
        var mismatch = GGUFWriter(alignment: 32)
        mismatch.add("general.alignment", .uint32(64))
        XCTAssertTrue(failure(mismatch).contains("but the writer's alignment is uint32 32"), failure(mismatch))
        var wrongType = GGUFWriter()
        wrongType.add("general.alignment", .int32(32))
        XCTAssertTrue(failure(wrongType).contains("(int32)"), failure(wrongType))
        XCTAssertTrue(failure(GGUFWriter(alignment: 48)).contains("48 is not a power of two"))
        XCTAssertTrue(failure(GGUFWriter(alignment: 0)).contains("0 is not a power of two"))
        XCTAssertTrue(failure(GGUFWriter(alignment: 1 << 21)).contains("not a power of two in 1...1048576"))
    }

    func testWriteReplacesAtomicallyAndLeavesNoTemporaryFiles() throws {
        let directory = try makeTemporaryDirectory()
        let path = directory + "/model.gguf"
        try Data("old contents".utf8).write(to: URL(fileURLWithPath: path))
        let writer = try makeSmallWriter()
        try writer.write(to: path)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), ["model.gguf"])
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), try writer.bytes())
        XCTAssertEqual(try GGUFFile(path: path).tensors.count, 3)
    }

    func testWriteIntoMissingDirectoryFails() throws {
        let path = try makeTemporaryDirectory() + "/missing/model.gguf"
        XCTAssertThrowsError(try makeSmallWriter().write(to: path)) { error in
            guard case .writeFailed(let file, _)? = error as? GGUFError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, path)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }

    func testWriteFailureLeavesTheOldFileAlone() throws {
        let directory = try makeTemporaryDirectory()
        let path = directory + "/model.gguf"
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        var bad = GGUFWriter()
        bad.add("k", .uint8(1))
        bad.add("k", .uint8(1))
        XCTAssertThrowsError(try bad.write(to: path))
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "old")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), ["model.gguf"])
    }
}
