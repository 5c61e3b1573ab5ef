// Writing tensors as numpy .npy files (format version 1.0, little-endian float32, C order),
// readable by numpy.load. Spec: numpy.lib.format.
import AtomicWrite
import Figures
import Foundation
import Gemma

/// The .npy encoding of float32 tensors.
public enum NPY {
    /// The bytes of a .npy file holding `tensor` with its exact shape.
    public static func encode(_ tensor: Tensor) -> [UInt8] {
        let shape = tensor.shape.isEmpty ? "()" : tensor.shape.count == 1
            ? "(\(tensor.shape[0]),)" : "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }"
        // Magic (6) + version (2) + header length (2) + header + newline, padded to 64 bytes.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        let length = UInt16(header.utf8.count)
        bytes += [UInt8(length & 0xff), UInt8(length >> 8)]
        bytes += Array(header.utf8)
        bytes.reserveCapacity(bytes.count + tensor.data.count * 4)
        for value in tensor.data {
            let bits = value.bitPattern.littleEndian
            bytes += [UInt8(bits & 0xff), UInt8((bits >> 8) & 0xff), UInt8((bits >> 16) & 0xff), UInt8(bits >> 24)]
        }
        return bytes
    }

    /// Writes `tensor` to `path` atomically (temporary file, fsync, rename).
    public static func write(_ tensor: Tensor, to path: String) throws {
        try AtomicFile.write(encode(tensor), to: path)
    }
}

/// Errors reading a .npy file; each names the file and what is wrong.
public struct NPYError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}

extension NPY {
    /// Reads a little-endian float32, C-order .npy file (versions 1 to 3).
    public static func read(_ path: String) throws -> Tensor {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NPYError(path: path, reason: "cannot read the file")
        }
        let bytes = [UInt8](data)
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
            throw NPYError(path: path, reason: "byte 0: not a .npy file (bad magic)")
        }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw NPYError(path: path, reason: "byte 8: truncated header length") }
            headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
            headerStart = 12
        default:
            throw NPYError(path: path, reason: "byte 6: format version \(major) is not 1, 2 or 3")
        }
        guard headerStart + headerLength <= bytes.count else {
            throw NPYError(path: path, reason: "byte \(headerStart): header of \(headerLength) bytes runs past the end")
        }
        let header = String(decoding: bytes[headerStart ..< headerStart + headerLength], as: UTF8.self)
        guard header.contains("'descr': '<f4'") else {
            throw NPYError(path: path, reason: "header: only little-endian float32 ('<f4') is supported: \(header)")
        }
        guard header.contains("'fortran_order': False") else {
            throw NPYError(path: path, reason: "header: Fortran order is not supported")
        }
        guard let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")") else {
            throw NPYError(path: path, reason: "header: no shape")
        }
        var shape: [Int] = []
        for part in header[open.upperBound..<close].split(separator: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let n = Int(trimmed), n >= 0 else { throw NPYError(path: path, reason: "header: bad shape entry \"\(trimmed)\"") }
            shape.append(n)
        }
        let count = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
        let start = headerStart + headerLength
        guard count != Int.max, count <= (bytes.count - start) / 4 else {
            throw NPYError(path: path, reason: "data: shape \(shape) needs \(count) floats; the file has \((bytes.count - start) / 4)")
        }
        var values = [Float](repeating: 0, count: count)
        for i in 0..<count {
            let o = start + 4 * i
            let bits = UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
            values[i] = Float(bitPattern: bits)
        }
        return Tensor(shape: shape, data: values)
    }
}
