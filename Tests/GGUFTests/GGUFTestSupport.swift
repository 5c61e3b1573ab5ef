// Helpers for the GGUF tests: fixture paths, temporary files, a raw byte builder for
// hand-assembled (possibly invalid) GGUF files, and error assertions.
import Foundation
import XCTest
import GGUF

/// Path of a file under Tests/Fixtures.
func fixturePath(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)").path
}

/// The directory holding this test process's temporary files.
private var temporaryRoot: URL {
    FileManager.default.temporaryDirectory
        .appendingPathComponent("gguf-tests-\(ProcessInfo.processInfo.processIdentifier)")
}

/// A fresh empty directory under this process's temporary root.
func makeTemporaryDirectory() throws -> String {
    let url = temporaryRoot.appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}

/// Deletes every temporary file made so far (each test class calls this when it finishes).
func removeTemporaryFiles() {
    try? FileManager.default.removeItem(at: temporaryRoot)
}

/// Writes `bytes` to a new file named `name` in a fresh temporary directory; returns its path.
func writeTemporaryFile(_ bytes: [UInt8], name: String = "test.gguf") throws -> String {
    let path = try makeTemporaryDirectory() + "/" + name
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

/// Builds GGUF bytes field by field, with no validation, so tests can make broken files.
/// `mark()` returns the current length, i.e. the byte offset of the next field.
struct RawGGUF {
    var bytes: [UInt8] = []

    func mark() -> Int { bytes.count }

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func f32(_ value: Float) { u32(value.bitPattern) }
    mutating func rawString(_ raw: [UInt8]) { u64(UInt64(raw.count)); bytes.append(contentsOf: raw) }
    mutating func string(_ text: String) { rawString(Array(text.utf8)) }

    /// magic, version, tensor count, metadata count.
    mutating func header(version: UInt32 = 3, tensors: UInt64, entries: UInt64) {
        bytes.append(contentsOf: Array("GGUF".utf8))
        u32(version)
        u64(tensors)
        u64(entries)
    }

    /// A uint32 metadata entry.
    mutating func entry(_ key: String, uint32 value: UInt32) {
        string(key)
        u32(4)
        u32(value)
    }

    /// A string metadata entry.
    mutating func entry(_ key: String, string value: String) {
        string(key)
        u32(8)
        string(value)
    }

    /// A tensor record; returns the byte offset of its data offset field.
    @discardableResult
    mutating func tensor(_ name: String, shape: [UInt64], type: UInt32 = 0, offset: UInt64) -> Int {
        string(name)
        u32(UInt32(shape.count))
        for size in shape { u64(size) }
        u32(type)
        let at = mark()
        u64(offset)
        return at
    }

    mutating func pad(to alignment: Int) {
        while bytes.count % alignment != 0 { bytes.append(0) }
    }

    mutating func zeros(_ count: Int) { bytes.append(contentsOf: repeatElement(0, count: count)) }
}

/// Opens `bytes` as a file and returns the `GGUFError` it must fail with, plus the path used.
func openExpectingError(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line)
    throws -> (error: GGUFError, path: String)
{
    let path = try writeTemporaryFile(bytes)
    do {
        _ = try GGUFFile(path: path)
    } catch let error as GGUFError {
        return (error, path)
    }
    XCTFail("expected a GGUFError, but the file opened", file: file, line: line)
    throw UnexpectedSuccess()
}

/// Thrown by `openExpectingError` when a broken file opens.
struct UnexpectedSuccess: Error {}

/// Asserts that the error's description names the file, the byte offset and each fragment.
func assertDescription(_ error: GGUFError, path: String, offset: Int, mentions fragments: [String],
                       file: StaticString = #filePath, line: UInt = #line) {
    let text = error.description
    XCTAssertTrue(text.hasPrefix(path + ": "), "no file path in: \(text)", file: file, line: line)
    XCTAssertTrue(text.contains("byte \(offset):"), "no 'byte \(offset):' in: \(text)", file: file, line: line)
    for fragment in fragments {
        XCTAssertTrue(text.contains(fragment), "no '\(fragment)' in: \(text)", file: file, line: line)
    }
}

/// A small valid file covering every value type, arrays, and tensors of several types.
/// The last tensor's size is a multiple of 32, so the file has no trailing padding and every
/// proper prefix of it is invalid.
func makeSmallWriter() throws -> GGUFWriter {
    var writer = GGUFWriter()
    writer.add("general.architecture", .string("test"))
    writer.add("test.uint8", .uint8(200))
    writer.add("test.int8", .int8(-100))
    writer.add("test.uint16", .uint16(60000))
    writer.add("test.int16", .int16(-30000))
    writer.add("test.uint32", .uint32(4_000_000_000))
    writer.add("test.int32", .int32(-2_000_000_000))
    writer.add("test.float32", .float32(1.5))
    writer.add("test.bool", .bool(true))
    writer.add("test.uint64", .uint64(1 << 40))
    writer.add("test.int64", .int64(-(1 << 40)))
    writer.add("test.float64", .float64(-0.25))
    writer.add("test.strings", .array(.string(["a", "", "\u{2581}the"])))
    writer.add("test.floats", .array(.float32([0.5, -2])))
    writer.add("test.empty", .array(.int32([])))
    try writer.addTensor(name: "a", shape: [3], type: .f32, data: floatBytes([1, 2, 3]))
    try writer.addTensor(name: "b", shape: [32, 2], type: .q8_0, data: [UInt8](repeating: 7, count: 68))
    try writer.addTensor(name: "c", shape: [8, 2], type: .f16, data: [UInt8](repeating: 1, count: 32))
    return writer
}

/// The little-endian bytes of some floats.
func floatBytes(_ values: [Float]) -> [UInt8] {
    var sink: [UInt8] = []
    for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { sink.append(contentsOf: $0) } }
    return sink
}
