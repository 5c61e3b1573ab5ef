// Dequantization refuses bad requests with KernelsError instead of trapping: rows that are not
// whole blocks, unsupported types, buffers too short, sizes that overflow.
import GGUF
import Kernels
import XCTest

final class DequantizeErrorTests: XCTestCase {
    func testRowsThatAreNotWholeBlocksThrow() throws {
        let bytes = [UInt8](repeating: 0, count: 4096)
        var out = [Float](repeating: 0, count: 1024)
        for type in Dequantize.supportedTypes where type.blockSize > 1 {
            for count in [1, type.blockSize - 1, type.blockSize + 1, -type.blockSize] {
                XCTAssertThrowsError(try bytes.withUnsafeBytes { raw in
                    try out.withUnsafeMutableBufferPointer { buffer in
                        try Dequantize.row(type, from: raw.baseAddress!, count: count, into: buffer.baseAddress!)
                    }
                }) { error in
                    XCTAssertEqual(error as? KernelsError, .notWholeBlocks(type: type, count: count))
                }
                XCTAssertThrowsError(try bytes.withUnsafeBytes { try Dequantize.toArray(type, $0, count: count) }) {
                    XCTAssertEqual($0 as? KernelsError, .notWholeBlocks(type: type, count: count))
                }
            }
        }
        XCTAssertThrowsError(try bytes.withUnsafeBytes { try Dequantize.toArray(.f32, $0, count: -1) })
    }

    func testUnsupportedTypesThrow() throws {
        let unsupported = GGMLType.allCases.filter { !Dequantize.supportedTypes.contains($0) }
        XCTAssertEqual(Set(unsupported), [.q8_1, .i8, .i16, .i32, .i64, .f64])
        let bytes = [UInt8](repeating: 0, count: 64)
        for type in unsupported {
            XCTAssertThrowsError(try bytes.withUnsafeBytes { try Dequantize.toArray(type, $0, count: type.blockSize) }) {
                XCTAssertEqual($0 as? KernelsError, .unsupportedType(type))
                XCTAssertTrue("\($0)".contains(type.name))
            }
        }
    }

    func testShortBufferThrows() throws {
        let bytes = [UInt8](repeating: 0, count: 143)          // one Q4_K block is 144 bytes
        XCTAssertThrowsError(try bytes.withUnsafeBytes { try Dequantize.toArray(.q4_K, $0, count: 256) }) {
            XCTAssertEqual($0 as? KernelsError, .bufferTooSmall(type: .q4_K, count: 256, needed: 144, available: 143))
            XCTAssertEqual("\($0)", "256 elements of Q4_K need 144 bytes, but only 143 are given")
        }
    }

    func testOverflowingSizeThrows() throws {
        let count = Int.max / 256 * 256
        let bytes = [UInt8](repeating: 0, count: 16)
        XCTAssertThrowsError(try bytes.withUnsafeBytes { try Dequantize.toArray(.q8_K, $0, count: count) }) {
            XCTAssertEqual($0 as? KernelsError, .sizeOverflow(type: .q8_K, count: count))
        }
    }

    func testEmptyRows() throws {
        for type in Dequantize.supportedTypes {
            XCTAssertEqual(try Dequantize.toArray(type, UnsafeRawBufferPointer(start: nil, count: 0), count: 0), [])
        }
    }

    func testErrorDescriptions() {
        XCTAssertEqual(KernelsError.notWholeBlocks(type: .q4_0, count: 33).description,
                       "33 elements are not a whole number of Q4_0 blocks (32 elements each)")
        XCTAssertEqual(KernelsError.unsupportedType(.i32).description, "cannot dequantize tensor type I32")
    }
}
