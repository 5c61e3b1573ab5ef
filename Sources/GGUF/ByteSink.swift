// Little-endian encoding of GGUF header fields and metadata values (ggml docs/gguf.md),
// the writer's counterpart of ByteCursor.

/// A growing byte buffer with GGUF encoders.
struct ByteSink {
    var bytes: [UInt8] = []

    /// Appends one integer, little-endian.
    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends a string: uint64 byte length, then the UTF-8 bytes.
    mutating func append(_ text: String) {
        append(UInt64(text.utf8.count))
        bytes.append(contentsOf: text.utf8)
    }

    /// Appends zeros until the length is a multiple of `alignment`.
    mutating func pad(to alignment: Int) {
        let target = padded(bytes.count, to: alignment)
        bytes.append(contentsOf: repeatElement(0, count: target - bytes.count))
    }

    /// Appends a value's type id and the value.
    mutating func append(_ value: GGUFValue) {
        append(value.valueType.rawValue)
        switch value {
        case .uint8(let number): append(number)
        case .int8(let number): append(number)
        case .uint16(let number): append(number)
        case .int16(let number): append(number)
        case .uint32(let number): append(number)
        case .int32(let number): append(number)
        case .float32(let number): append(number.bitPattern)
        case .bool(let flag): append(UInt8(flag ? 1 : 0))
        case .string(let text): append(text)
        case .uint64(let number): append(number)
        case .int64(let number): append(number)
        case .float64(let number): append(number.bitPattern)
        case .array(let array): append(array)
        }
    }

    /// Appends an array's element type id, its length and its elements.
    mutating func append(_ array: GGUFArray) {
        append(array.elementType.rawValue)
        append(UInt64(array.count))
        switch array {
        case .uint8(let numbers): bytes.append(contentsOf: numbers)
        case .int8(let numbers): for number in numbers { append(number) }
        case .uint16(let numbers): for number in numbers { append(number) }
        case .int16(let numbers): for number in numbers { append(number) }
        case .uint32(let numbers): for number in numbers { append(number) }
        case .int32(let numbers): for number in numbers { append(number) }
        case .float32(let numbers): for number in numbers { append(number.bitPattern) }
        case .bool(let flags): for flag in flags { append(UInt8(flag ? 1 : 0)) }
        case .string(let strings): for text in strings { append(text) }
        case .uint64(let numbers): for number in numbers { append(number) }
        case .int64(let numbers): for number in numbers { append(number) }
        case .float64(let numbers): for number in numbers { append(number.bitPattern) }
        }
    }
}
