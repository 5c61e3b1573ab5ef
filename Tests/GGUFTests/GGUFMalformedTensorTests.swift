// One broken file per tensor-record and data-layout rule of GGUFFile, plus truncation at every
// byte and random corruption of a small valid file (must always throw, never crash).
import Foundation
import XCTest
import GGUF

final class GGUFMalformedTensorTests: XCTestCase {
    override class func tearDown() {
        removeTemporaryFiles()
        super.tearDown()
    }

    /// Header with `count` tensors and no metadata; `records` writes the tensor records; then
    /// padding to 32 and `dataBytes` zero bytes of tensor data.
    private func tensorFile(count: UInt64, dataBytes: Int, _ records: (inout RawGGUF) -> Void) -> [UInt8] {
        var raw = RawGGUF()
        raw.header(tensors: count, entries: 0)
        records(&raw)
        raw.pad(to: 32)
        raw.zeros(dataBytes)
        return raw.bytes
    }

    // MARK: records

    func testTensorNameTooLong() throws {
        let name = String(repeating: "n", count: 64)  // GGML_MAX_NAME = 64 includes the NUL
        let bytes = tensorFile(count: 1, dataBytes: 4) { $0.tensor(name, shape: [1], offset: 0) }
        let (error, path) = try openExpectingError(bytes)
        guard case .tensorNameTooLong(_, 24, 0, 64) = error else { return XCTFail("\(error)") }
        assertDescription(error, path: path, offset: 24, mentions: ["tensor #0 name", "fewer than 64 bytes, found 64"])
    }

    func testTensorNameOf63BytesIsAccepted() throws {
        let name = String(repeating: "n", count: 63)
        let bytes = tensorFile(count: 1, dataBytes: 4) { $0.tensor(name, shape: [1], offset: 0) }
        XCTAssertEqual(try GGUFFile(path: try writeTemporaryFile(bytes)).tensors.first?.name, name)
    }

    func testTensorNameWithInvalidUTF8() throws {
        let bytes = tensorFile(count: 1, dataBytes: 4) { raw in
            raw.rawString([0x77, 0xFF])
            raw.u32(1); raw.u64(1); raw.u32(0); raw.u64(0)
        }
        let (error, path) = try openExpectingError(bytes)
        guard case .invalidTensorName(_, 24, 0, _) = error else { return XCTFail("\(error)") }
        assertDescription(error, path: path, offset: 24, mentions: ["tensor #0 name", "not valid UTF-8"])
    }

    func testDuplicateTensorName() throws {
        var at = 0
        let bytes = tensorFile(count: 2, dataBytes: 64) { raw in
            raw.tensor("w", shape: [8], offset: 0)
            at = raw.mark()
            raw.tensor("w", shape: [8], offset: 32)
        }
        let (error, path) = try openExpectingError(bytes)
        guard case .duplicateTensorName(_, at, "w", 1, 0) = error else { return XCTFail("\(error)") }
        assertDescription(error, path: path, offset: at, mentions: ["tensor #1 \"w\"", "duplicate tensor name", "tensor #0"])
    }

    func testMoreThanFourDimensions() throws {
        let bytes = tensorFile(count: 1, dataBytes: 4) { raw in
            raw.string("w")
            raw.u32(5)
            for _ in 0 ..< 5 { raw.u64(1) }
            raw.u32(0); raw.u64(0)
        }
        let (error, path) = try openExpectingError(bytes)
        guard case .tooManyDimensions(_, 33, "w", 5) = error else { return XCTFail("\(error)") }
        assertDescription(error, path: path, offset: 33, mentions: ["tensor \"w\" n_dims", "at most 4, found 5"])
    }

    func testZeroDimension() throws {
        let bytes = tensorFile(count: 1, dataBytes: 32) { $0.tensor("w", shape: [4, 0], offset: 0) }
        let (error, path) = try openExpectingError(bytes)
        guard case .invalidDimension(_, 45, "w", 1, 0) = error else { return XCTFail("\(error)") }
        assertDescription(error, path: path, offset: 45, mentions: ["tensor \"w\" dimension 1", "found 0"])
    }

    func testNegativeDimension() throws {
        let bytes = tensorFile(count: 1, dataBytes: 32) { $0.tensor("w", shape: [UInt64.max], offset: 0) }
        let (error, path) = try openExpectingError(bytes)
        guard case .invalidDimension(_, 37, "w", 0, UInt64.max) = error else { return XCTFail("\(error)") }
        assertDescription(error, path: path, offset: 37, mentions: ["tensor \"w\" dimension 0", "negative as int64"])
    }

    func testElementCountOverflow() throws {
        let big = 4 * UInt64(Int32.max)  // test-gguf.cpp TENSORS_NE_TOO_BIG
        let bytes = tensorFile(count: 1, dataBytes: 32) { $0.tensor("w", shape: [big, big], offset: 0) }
        let (error, path) = try openExpectingError(bytes)
        guard case .elementCountOverflow(_, 33, "w", let shape) = error else { return XCTFail("\(error)") }
        XCTAssertEqual(shape, [Int(big), Int(big)])
        assertDescription(error, path: path, offset: 33, mentions: ["tensor \"w\" shape", "element count overflows int64"])
    }

    func testByteSizeOverflow() throws {
        // 2^62 elements fit an int64, 2^62 x 4 bytes do not.
        let bytes = tensorFile(count: 1, dataBytes: 32) { $0.tensor("w", shape: [1 << 31, 1 << 31], type: 0, offset: 0) }
        let (error, path) = try openExpectingError(bytes)
        guard case .byteSizeOverflow(_, 53, "w", _, .f32) = error else { return XCTFail("\(error)") }
        assertDescription(error, path: path, offset: 53, mentions: ["tensor \"w\"", "type F32", "size in bytes overflows"])
    }

    func testUnknownTensorType() throws {
        for typeID: UInt32 in [4, 99] {  // 4 was Q4_2, removed from ggml
            let bytes = tensorFile(count: 1, dataBytes: 32) { $0.tensor("w", shape: [32], type: typeID, offset: 0) }
            let (error, path) = try openExpectingError(bytes)
            guard case .unsupportedTensorType(_, 45, "w", typeID) = error else { return XCTFail("\(error)") }
            assertDescription(error, path: path, offset: 45, mentions: ["tensor \"w\" type", "ggml type \(typeID) is unknown"])
        }
    }

    func testIQTensorTypeIsReportedAsUnsupported() throws {
        let bytes = tensorFile(count: 1, dataBytes: 256) { $0.tensor("w", shape: [256], type: 16, offset: 0) }
        let (error, path) = try openExpectingError(bytes)
        guard case .unsupportedTensorType(_, 45, "w", 16) = error else { return XCTFail("\(error)") }
        assertDescription(error, path: path, offset: 45, mentions: ["ggml type 16 (IQ2_XXS) is not supported"])
    }

    func testRowNotAWholeNumberOfBlocks() throws {
        let bytes = tensorFile(count: 1, dataBytes: 64) { $0.tensor("w", shape: [48, 2], type: 2, offset: 0) }
        let (error, path) = try openExpectingError(bytes)
        guard case .rowNotWholeBlocks(_, 37, "w", 48, .q4_0) = error else { return XCTFail("\(error)") }
        assertDescription(error, path: path, offset: 37, mentions: ["tensor \"w\" dimension 0", "multiple of Q4_0's block size 32, found 48"])
    }

    // MARK: data layout

    func testMisalignedTensorOffset() throws {
        var at = 0
        let bytes = tensorFile(count: 2, dataBytes: 96) { raw in
            raw.tensor("a", shape: [8], offset: 0)
            at = raw.tensor("b", shape: [8], offset: 48)
        }
        let (error, path) = try openExpectingError(bytes)
        guard case .misalignedTensorOffset(_, at, "b", 48, 32) = error else { return XCTFail("\(error)") }
        assertDescription(error, path: path, offset: at, mentions: ["tensor \"b\" offset", "multiple of the alignment 32, found 48"])
    }

    func testOverlappingTensors() throws {
        var at = 0
        let bytes = tensorFile(count: 2, dataBytes: 96) { raw in
            raw.tensor("a", shape: [16], offset: 0)  // 64 bytes
            at = raw.tensor("b", shape: [8], offset: 32)
        }
        let (error, path) = try openExpectingError(bytes)
        guard case .tensorOverlap(_, at, "b", 32, "a", 64) = error else { return XCTFail("\(error)") }
        assertDescription(error, path: path, offset: at, mentions: ["tensor \"b\" offset", "overlaps tensor \"a\"", "expected 64"])
    }

    func testGapsBetweenTensorsAreRejected() throws {
        var at = 0
        let bytes = tensorFile(count: 2, dataBytes: 96) { raw in
            raw.tensor("a", shape: [8], offset: 0)
            at = raw.tensor("b", shape: [8], offset: 64)  // ggml expects 32
        }
        let (error, path) = try openExpectingError(bytes)
        guard case .tensorGap(_, at, "b", 64, 32) = error else { return XCTFail("\(error)") }
        assertDescription(error, path: path, offset: at, mentions: ["tensor \"b\" offset", "expected 32", "found 64"])

        let first = tensorFile(count: 1, dataBytes: 64) { raw in at = raw.tensor("a", shape: [8], offset: 32) }
        let (firstError, firstPath) = try openExpectingError(first)
        guard case .tensorGap(_, at, "a", 32, 0) = firstError else { return XCTFail("\(firstError)") }
        assertDescription(firstError, path: firstPath, offset: at, mentions: ["tensor \"a\" offset", "expected 0"])
    }

    func testTensorPastTheEndOfTheFile() throws {
        var at = 0
        let short = tensorFile(count: 1, dataBytes: 31) { raw in at = raw.tensor("a", shape: [8], offset: 0) }
        let (error, path) = try openExpectingError(short)
        guard case .tensorOutOfBounds(_, at, "a", 64, 96, 95) = error else { return XCTFail("\(error)") }
        assertDescription(error, path: path, offset: at, mentions: ["tensor \"a\" data", "from byte 64 to 96", "end of the file at 95"])

        // A 4 TiB tensor in a tiny file fails without touching or allocating anything.
        let huge = tensorFile(count: 1, dataBytes: 32) { raw in at = raw.tensor("big", shape: [1 << 40], offset: 0) }
        let (hugeError, _) = try openExpectingError(huge)
        guard case .tensorOutOfBounds(_, at, "big", 64, 64 + (1 << 42), 96) = hugeError else { return XCTFail("\(hugeError)") }
    }

    func testTensorSizesThatOverflowTogether() throws {
        // test-gguf.cpp DATA_MEM_SIZE_OVERFLOW: two I8 tensors of 2^63 - 64 bytes each; each
        // size fits an int64, their sum does not. The first already runs past the end.
        let size: UInt64 = 0x7FFF_FFFF_FFFF_FFC0
        var at = 0
        let bytes = tensorFile(count: 2, dataBytes: 32) { raw in
            at = raw.tensor("a", shape: [size], type: 24, offset: 0)
            raw.tensor("b", shape: [size], type: 24, offset: size)
        }
        let (error, path) = try openExpectingError(bytes)
        guard case .tensorOutOfBounds(_, at, "a", let start, let end, 128) = error else { return XCTFail("\(error)") }
        XCTAssertEqual(end, UInt64(start) + size)
        assertDescription(error, path: path, offset: at, mentions: ["tensor \"a\" data", "end of the file at 128"])
    }

    func testMissingPaddingBeforeTheDataSection() throws {
        var raw = RawGGUF()
        raw.header(tensors: 1, entries: 0)
        raw.tensor("a", shape: [1], offset: 0)
        let end = raw.mark()  // 57: the file stops before the padding to 64
        let (error, path) = try openExpectingError(raw.bytes)
        guard case .truncated(_, end, "padding before the tensor data section", 7, 0) = error else {
            return XCTFail("\(error)")
        }
        assertDescription(error, path: path, offset: end, mentions: ["padding before the tensor data section", "truncated"])
    }

    // MARK: robustness

    func testTruncationAtEveryByteAlwaysFails() throws {
        let bytes = try makeSmallWriter().bytes()
        let path = try makeTemporaryDirectory() + "/truncated.gguf"
        let url = URL(fileURLWithPath: path)
        try Data(bytes).write(to: url)
        XCTAssertEqual(try GGUFFile(path: path).tensors.count, 3)
        var failures = 0
        for length in 0 ..< bytes.count {
            try Data(bytes[0 ..< length]).write(to: url)
            do {
                _ = try GGUFFile(path: path)
                XCTFail("a prefix of \(length) of \(bytes.count) bytes opened")
            } catch let error as GGUFError {
                if case .cannotOpen = error { XCTFail("\(error)") }
                XCTAssertTrue(error.description.hasPrefix(path + ": byte "), error.description)
                failures += 1
            }
        }
        XCTAssertEqual(failures, bytes.count)
    }

    func testRandomCorruptionNeverCrashes() throws {
        let original = try makeSmallWriter().bytes()
        let path = try makeTemporaryDirectory() + "/corrupt.gguf"
        let url = URL(fileURLWithPath: path)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {  // xorshift64
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Int(truncatingIfNeeded: state >> 1)
        }
        var rejected = 0
        for _ in 0 ..< 400 {
            var bytes = original
            for _ in 0 ..< 1 + next() % 4 {
                let position = next() % 400  // the header and records, where structure lives
                bytes[position] = [0x00, 0xFF, 0x7F, 0x80, UInt8(truncatingIfNeeded: next())][next() % 5]
            }
            try Data(bytes).write(to: url)
            do {
                _ = try GGUFFile(path: path)
            } catch is GGUFError {
                rejected += 1
            }
        }
        XCTAssertGreaterThan(rejected, 100)
    }
}
