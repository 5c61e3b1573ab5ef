// One broken file per validation rule of GGUFFile (classes from ggml tests/test-gguf.cpp plus
// our own), each asserting its error case, the byte offset and the field named in the message.
import Foundation
import XCTest
import GGUF

final class GGUFMalformedTests: XCTestCase {
    override class func tearDown() {
        removeTemporaryFiles()
        super.tearDown()
    }

    // MARK: header

    func testEmptyFileIsTruncated() throws {
        let (error, path) = try openExpectingError([])
        guard case .truncated(_, 0, "header.magic", 4, 0) = error else { return XCTFail("\(error)") }
        assertDescription(error, path: path, offset: 0, mentions: ["header.magic", "truncated", "needed 4 bytes"])
    }

    func testBadMagic() throws {
        var raw = RawGGUF()
        raw.header(tensors: 0, entries: 0)
        raw.bytes[0 ..< 4] = [0x46, 0x55, 0x47, 0x47]  // "FUGG", as in test-gguf.cpp
        let (error, path) = try openExpectingError(raw.bytes)
        guard case .badMagic(_, let found) = error else { return XCTFail("\(error)") }
        XCTAssertEqual(found, Array("FUGG".utf8))
        assertDescription(error, path: path, offset: 0, mentions: ["header.magic", "expected \"GGUF\"", "found \"FUGG\""])
    }

    func testVersion1IsRejected() throws {
        var raw = RawGGUF()
        raw.header(version: 1, tensors: 0, entries: 0)
        let (error, path) = try openExpectingError(raw.bytes)
        guard case .unsupportedVersion(_, 4, 1) = error else { return XCTFail("\(error)") }
        assertDescription(error, path: path, offset: 4, mentions: ["header.version", "found 1", "v1 is obsolete"])
    }

    func testVersion0AndFutureVersionsAreRejected() throws {
        for version: UInt32 in [0, 4] {
            var raw = RawGGUF()
            raw.header(version: version, tensors: 0, entries: 0)
            let (error, path) = try openExpectingError(raw.bytes)
            guard case .unsupportedVersion(_, 4, version) = error else { return XCTFail("\(error)") }
            assertDescription(error, path: path, offset: 4, mentions: ["header.version", "expected 2 or 3, found \(version)"])
        }
    }

    func testBigEndianFileIsRejected() throws {
        var raw = RawGGUF()
        raw.header(version: 0x0300_0000, tensors: 0, entries: 0)
        let (error, path) = try openExpectingError(raw.bytes)
        guard case .unsupportedVersion(_, 4, 0x0300_0000) = error else { return XCTFail("\(error)") }
        assertDescription(error, path: path, offset: 4, mentions: ["header.version", "big-endian"])
    }

    func testTensorCountLargerThanTheFileFailsFast() throws {
        var raw = RawGGUF()
        raw.header(tensors: 1 << 60, entries: 0)
        raw.zeros(64)
        let (error, path) = try openExpectingError(raw.bytes)
        guard case .countTooLarge(_, 8, "header.tensor_count", 1 << 60, 24, _, 64) = error else {
            return XCTFail("\(error)")
        }
        assertDescription(error, path: path, offset: 8, mentions: ["header.tensor_count", "count 1152921504606846976", "64 bytes left"])
    }

    func testMetadataCountLargerThanTheFileFailsFast() throws {
        var raw = RawGGUF()
        raw.header(tensors: 0, entries: .max)  // test-gguf.cpp HEADER_BAD_N_KV
        let (error, path) = try openExpectingError(raw.bytes)
        guard case .countTooLarge(_, 16, "header.metadata_kv_count", UInt64.max, 14, nil, 0) = error else {
            return XCTFail("\(error)")
        }
        assertDescription(error, path: path, offset: 16, mentions: ["header.metadata_kv_count", "more than 2^64 bytes"])
    }

    // MARK: metadata

    func testKeyLengthLargerThanTheFile() throws {
        var raw = RawGGUF()
        raw.header(tensors: 0, entries: 1)
        raw.u64(.max)  // test-gguf.cpp KV_BAD_KEY_SIZE
        raw.zeros(20)
        let (error, path) = try openExpectingError(raw.bytes)
        guard case .stringTooLong(_, 24, "metadata key #0", UInt64.max, 20) = error else { return XCTFail("\(error)") }
        assertDescription(error, path: path, offset: 24, mentions: ["metadata key #0", "string length 18446744073709551615"])
    }

    func testStringValueLongerThanTheFile() throws {
        var raw = RawGGUF()
        raw.header(tensors: 0, entries: 1)
        raw.string("general.name")
        raw.u32(8)
        let at = raw.mark()
        raw.u64(1 << 62)
        raw.bytes += Array("tiny".utf8)
        let (error, path) = try openExpectingError(raw.bytes)
        guard case .stringTooLong(_, at, "metadata key #0 \"general.name\"", 1 << 62, 4) = error else {
            return XCTFail("\(error)")
        }
        assertDescription(error, path: path, offset: at, mentions: ["\"general.name\"", "exceeds the 4 bytes left"])
    }

    func testArrayLengthLargerThanTheFileFailsFast() throws {
        var raw = RawGGUF()
        raw.header(tensors: 0, entries: 1)
        raw.string("tokenizer.ggml.tokens")
        raw.u32(9)
        raw.u32(8)
        let at = raw.mark()
        raw.u64(1 << 60)
        raw.string("a")
        let (error, path) = try openExpectingError(raw.bytes)
        guard case .countTooLarge(_, at, let field, 1 << 60, 8, _, 9) = error else { return XCTFail("\(error)") }
        XCTAssertEqual(field, "metadata key #0 \"tokenizer.ggml.tokens\" array length")
        assertDescription(error, path: path, offset: at, mentions: ["\"tokenizer.ggml.tokens\" array length", "9 bytes left"])
    }

    func testUnknownValueType() throws {
        var raw = RawGGUF()
        raw.header(tensors: 0, entries: 2)
        raw.entry("general.architecture", string: "gemma2")
        raw.string("gemma2.block_count")
        let at = raw.mark()
        raw.u32(13)
        raw.u32(4)
        let (error, path) = try openExpectingError(raw.bytes)
        guard case .unknownValueType(_, at, "metadata key #1 \"gemma2.block_count\"", 13) = error else {
            return XCTFail("\(error)")
        }
        XCTAssertEqual(error.description, "\(path): byte \(at): metadata key #1 \"gemma2.block_count\": value type 13 is unknown (expected 0...12)")
    }

    func testUnknownArrayElementType() throws {
        var raw = RawGGUF()
        raw.header(tensors: 0, entries: 1)
        raw.string("list")
        raw.u32(9)
        let at = raw.mark()
        raw.u32(77)
        raw.u64(0)
        let (error, path) = try openExpectingError(raw.bytes)
        guard case .unknownValueType(_, at, "metadata key #0 \"list\" array element type", 77) = error else {
            return XCTFail("\(error)")
        }
        assertDescription(error, path: path, offset: at, mentions: ["\"list\" array element type", "value type 77 is unknown"])
    }

    func testNestedArrayIsRejected() throws {
        var raw = RawGGUF()
        raw.header(tensors: 0, entries: 1)
        raw.string("matrix")
        raw.u32(9)
        let at = raw.mark()
        raw.u32(9)
        raw.u64(1)
        raw.u32(4)
        raw.u64(1)
        raw.u32(1)
        let (error, path) = try openExpectingError(raw.bytes)
        guard case .nestedArray(_, at, "metadata key #0 \"matrix\"") = error else { return XCTFail("\(error)") }
        assertDescription(error, path: path, offset: at, mentions: ["\"matrix\"", "array of arrays"])
    }

    func testEmptyKey() throws {
        var raw = RawGGUF()
        raw.header(tensors: 0, entries: 2)
        raw.entry("a", uint32: 1)
        let at = raw.mark()
        raw.entry("", uint32: 2)
        let (error, path) = try openExpectingError(raw.bytes)
        guard case .emptyKey(_, at, 1) = error else { return XCTFail("\(error)") }
        assertDescription(error, path: path, offset: at, mentions: ["metadata key #1", "key is empty"])
    }

    func testKeyWithInvalidUTF8OrNULIsRejected() throws {
        for (bad, reason) in [([0x61, 0xC3] as [UInt8], "not valid UTF-8"), ([0x61, 0x00, 0x62], "NUL")] {
            var raw = RawGGUF()
            raw.header(tensors: 0, entries: 1)
            raw.rawString(bad)
            raw.u32(4)
            raw.u32(1)
            let (error, path) = try openExpectingError(raw.bytes)
            guard case .invalidKey(_, 24, 0, _) = error else { return XCTFail("\(error)") }
            assertDescription(error, path: path, offset: 24, mentions: ["metadata key #0", reason])
        }
    }

    func testDuplicateKey() throws {
        var raw = RawGGUF()
        raw.header(tensors: 0, entries: 3)
        raw.entry("general.name", string: "x")
        raw.entry("gemma2.block_count", uint32: 4)
        let at = raw.mark()
        raw.entry("general.name", string: "y")
        let (error, path) = try openExpectingError(raw.bytes)
        guard case .duplicateKey(_, at, "general.name", 2, 0) = error else { return XCTFail("\(error)") }
        assertDescription(error, path: path, offset: at, mentions: ["metadata key #2 \"general.name\"", "duplicate key", "key #0"])
    }

    /// A file whose only entry is `general.alignment` with the given type id and value bytes;
    /// returns the bytes and the offset of the value type field.
    private func alignmentFile(type: UInt32, value: [UInt8]) -> ([UInt8], Int) {
        var raw = RawGGUF()
        raw.header(tensors: 0, entries: 1)
        raw.string("general.alignment")
        let at = raw.mark()
        raw.u32(type)
        raw.bytes += value
        return (raw.bytes, at)
    }

    func testAlignmentOfWrongType() throws {
        let (bytes, at) = alignmentFile(type: 10, value: [32, 0, 0, 0, 0, 0, 0, 0])  // uint64
        let (error, path) = try openExpectingError(bytes)
        guard case .alignmentWrongType(_, at, "uint64") = error else { return XCTFail("\(error)") }
        assertDescription(error, path: path, offset: at, mentions: ["general.alignment", "expected uint32, found uint64"])
    }

    func testAlignmentZero() throws {
        let (bytes, at) = alignmentFile(type: 4, value: [0, 0, 0, 0])
        let (error, path) = try openExpectingError(bytes)
        guard case .invalidAlignment(_, at, 0) = error else { return XCTFail("\(error)") }
        assertDescription(error, path: path, offset: at, mentions: ["general.alignment", "found 0", "it is 0"])
    }

    func testAlignmentNotAPowerOfTwo() throws {
        let (bytes, at) = alignmentFile(type: 4, value: [13, 0, 0, 0])  // test-gguf.cpp KV_BAD_ALIGN
        let (error, path) = try openExpectingError(bytes)
        guard case .invalidAlignment(_, at, 13) = error else { return XCTFail("\(error)") }
        assertDescription(error, path: path, offset: at, mentions: ["general.alignment", "found 13", "not a power of two"])
    }

    func testAlignmentAboveOneMebibyte() throws {
        let (bytes, at) = alignmentFile(type: 4, value: [0, 0, 0x20, 0])  // 2 MiB
        let (error, path) = try openExpectingError(bytes)
        guard case .invalidAlignment(_, at, 0x20_0000) = error else { return XCTFail("\(error)") }
        assertDescription(error, path: path, offset: at, mentions: ["general.alignment", "found 2097152", "exceeds the maximum"])
    }
}
