// A bounds-checked little-endian reader over mapped bytes: every read checks the bytes left
// first and throws GGUFError.truncated naming the field, so file contents can never trap.

/// A position in a byte buffer. Reads advance the position; a read that does not fit throws
/// `.truncated` with the field being read (the field name is an autoclosure, so building it
/// costs nothing unless the read fails).
struct ByteCursor {
    /// The bytes being read (a view into the mapped file).
    let bytes: UnsafeRawBufferPointer
    /// The file path, for error messages.
    let file: String
    /// Offset of the next byte to read.
    private(set) var offset: Int = 0

    init(bytes: UnsafeRawBufferPointer, file: String) {
        self.bytes = bytes
        self.file = file
    }

    /// Bytes left after `offset`.
    var remaining: Int { bytes.count - offset }

    /// Throws `.truncated` unless `count` more bytes are available.
    func require(_ count: Int, _ field: @autoclosure () -> String) throws {
        guard count <= remaining else {
            throw GGUFError.truncated(file: file, offset: offset, field: field(),
                                      needed: count, available: remaining)
        }
    }

    /// Reads one little-endian integer.
    mutating func read<T: FixedWidthInteger>(_ type: T.Type, _ field: @autoclosure () -> String) throws -> T {
        let size = MemoryLayout<T>.size
        try require(size, field())
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += size
        return T(littleEndian: value)
    }

    /// Returns the next `count` bytes as a view and skips them.
    mutating func readBytes(_ count: Int, _ field: @autoclosure () -> String) throws -> UnsafeRawBufferPointer {
        try require(count, field())
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset ..< offset + count])
        offset += count
        return slice
    }

    /// Reads a GGUF string's uint64 length and returns a view of its bytes. A length larger than
    /// the bytes left throws `.stringTooLong` (reported at the length field) before anything is read.
    mutating func readStringBytes(_ field: @autoclosure () -> String) throws -> UnsafeRawBufferPointer {
        let start = offset
        let length = try read(UInt64.self, field())
        guard length <= UInt64(remaining) else {
            throw GGUFError.stringTooLong(file: file, offset: start, field: field(),
                                          length: length, available: remaining)
        }
        return try readBytes(Int(length), field())
    }

    /// Reads a string value; invalid UTF-8 is repaired with U+FFFD (ggml accepts any bytes).
    mutating func readString(_ field: @autoclosure () -> String) throws -> String {
        let raw = try readStringBytes(field())
        return String(decoding: raw, as: UTF8.self)
    }

    /// Reads `count` little-endian integers in one copy. The caller has already checked with
    /// `checkCount` that `count * MemoryLayout<T>.size` bytes are left.
    mutating func readIntegers<T: FixedWidthInteger>(_ type: T.Type, count: Int,
                                                     _ field: @autoclosure () -> String) throws -> [T] {
        let size = MemoryLayout<T>.size
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: size)
        guard !overflow else {
            throw GGUFError.truncated(file: file, offset: offset, field: field(), needed: Int.max, available: remaining)
        }
        let raw = try readBytes(byteCount, field())
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            if byteCount > 0 {
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: raw)
            }
            initialized = count
        }
        #if _endian(big)
        return values.map { T(littleEndian: $0) }
        #else
        return values
        #endif
    }

    /// Throws `.countTooLarge` unless `count` entries of at least `minimumBytes` each can fit in
    /// the bytes left. Call this before allocating anything sized by `count`.
    func checkCount(_ count: UInt64, minimumBytes: Int, at fieldOffset: Int,
                    _ field: @autoclosure () -> String) throws {
        let (needed, overflow) = count.multipliedReportingOverflow(by: UInt64(minimumBytes))
        guard !overflow, needed <= UInt64(remaining) else {
            throw GGUFError.countTooLarge(file: file, offset: fieldOffset, field: field(), count: count,
                                          minimumBytes: minimumBytes, bytesNeeded: overflow ? nil : needed,
                                          available: remaining)
        }
    }
}
