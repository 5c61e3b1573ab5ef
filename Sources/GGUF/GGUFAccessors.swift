// Typed access to GGUF metadata: `file.uint32("gemma2.block_count")` and friends, throwing
// GGUFError.missingKey / .wrongType / .valueOutOfRange with the key in the message.

extension GGUFFile {
    /// An unsigned 32-bit value. Like llama.cpp, which is lenient about integer widths, any
    /// integer type (uint8...int64) is accepted when the value fits in UInt32.
    public func uint32(_ key: String) throws -> UInt32 {
        try integer(key, as: UInt32.self, expected: "uint32")
    }

    /// Any integer type whose value fits in `Int` (a uint64 above Int.max does not).
    public func int(_ key: String) throws -> Int {
        try integer(key, as: Int.self, expected: "integer")
    }

    /// A float32, or a float64 rounded to Float.
    public func float(_ key: String) throws -> Float {
        let value = try required(key)
        switch value {
        case .float32(let number): return number
        case .float64(let number): return Float(number)
        default: throw GGUFError.wrongType(key: key, expected: "float32", found: value.typeName)
        }
    }

    /// A bool.
    public func bool(_ key: String) throws -> Bool {
        let value = try required(key)
        guard case .bool(let flag) = value else {
            throw GGUFError.wrongType(key: key, expected: "bool", found: value.typeName)
        }
        return flag
    }

    /// A string.
    public func string(_ key: String) throws -> String {
        let value = try required(key)
        guard case .string(let text) = value else {
            throw GGUFError.wrongType(key: key, expected: "string", found: value.typeName)
        }
        return text
    }

    /// An array of strings.
    public func stringArray(_ key: String) throws -> [String] {
        let value = try required(key)
        guard case .array(.string(let strings)) = value else {
            throw GGUFError.wrongType(key: key, expected: "array of string", found: value.typeName)
        }
        return strings
    }

    /// An array of float32, or of float64 rounded to Float.
    public func floatArray(_ key: String) throws -> [Float] {
        let value = try required(key)
        switch value {
        case .array(.float32(let numbers)): return numbers
        case .array(.float64(let numbers)): return numbers.map { Float($0) }
        default: throw GGUFError.wrongType(key: key, expected: "array of float32", found: value.typeName)
        }
    }

    /// An array of any integer element type; every element must fit in `Int`.
    public func intArray(_ key: String) throws -> [Int] {
        let value = try required(key)
        guard case .array(let array) = value else {
            throw GGUFError.wrongType(key: key, expected: "array of integers", found: value.typeName)
        }
        switch array {
        case .uint8(let numbers): return numbers.map { Int($0) }
        case .int8(let numbers): return numbers.map { Int($0) }
        case .uint16(let numbers): return numbers.map { Int($0) }
        case .int16(let numbers): return numbers.map { Int($0) }
        case .uint32(let numbers): return numbers.map { Int($0) }
        case .int32(let numbers): return numbers.map { Int($0) }
        case .int64(let numbers): return numbers.map { Int($0) }
        case .uint64(let numbers):
            return try numbers.enumerated().map { element, number in
                guard let converted = Int(exactly: number) else {
                    throw GGUFError.valueOutOfRange(key: key, value: "element #\(element) = \(number)", expected: "Int")
                }
                return converted
            }
        case .float32, .float64, .bool, .string:
            throw GGUFError.wrongType(key: key, expected: "array of integers", found: value.typeName)
        }
    }

    // MARK: optional variants: nil when the key is absent, still throwing on a wrong type

    /// `uint32(key)`, or nil when the key is absent.
    public func optionalUInt32(_ key: String) throws -> UInt32? { self[key] == nil ? nil : try uint32(key) }
    /// `int(key)`, or nil when the key is absent.
    public func optionalInt(_ key: String) throws -> Int? { self[key] == nil ? nil : try int(key) }
    /// `float(key)`, or nil when the key is absent.
    public func optionalFloat(_ key: String) throws -> Float? { self[key] == nil ? nil : try float(key) }
    /// `bool(key)`, or nil when the key is absent.
    public func optionalBool(_ key: String) throws -> Bool? { self[key] == nil ? nil : try bool(key) }
    /// `string(key)`, or nil when the key is absent.
    public func optionalString(_ key: String) throws -> String? { self[key] == nil ? nil : try string(key) }
    /// `stringArray(key)`, or nil when the key is absent.
    public func optionalStringArray(_ key: String) throws -> [String]? {
        self[key] == nil ? nil : try stringArray(key)
    }
    /// `floatArray(key)`, or nil when the key is absent.
    public func optionalFloatArray(_ key: String) throws -> [Float]? {
        self[key] == nil ? nil : try floatArray(key)
    }
    /// `intArray(key)`, or nil when the key is absent.
    public func optionalIntArray(_ key: String) throws -> [Int]? { self[key] == nil ? nil : try intArray(key) }

    // MARK: helpers

    private func required(_ key: String) throws -> GGUFValue {
        guard let value = self[key] else { throw GGUFError.missingKey(key: key) }
        return value
    }

    /// Converts any scalar integer value exactly to `T`.
    private func integer<T: FixedWidthInteger>(_ key: String, as type: T.Type, expected: String) throws -> T {
        let value = try required(key)
        let converted: T?
        switch value {
        case .uint8(let number): converted = T(exactly: number)
        case .int8(let number): converted = T(exactly: number)
        case .uint16(let number): converted = T(exactly: number)
        case .int16(let number): converted = T(exactly: number)
        case .uint32(let number): converted = T(exactly: number)
        case .int32(let number): converted = T(exactly: number)
        case .uint64(let number): converted = T(exactly: number)
        case .int64(let number): converted = T(exactly: number)
        case .float32, .float64, .bool, .string, .array:
            throw GGUFError.wrongType(key: key, expected: expected, found: value.typeName)
        }
        guard let converted else {
            throw GGUFError.valueOutOfRange(key: key, value: "\(value) (\(value.typeName))", expected: expected)
        }
        return converted
    }
}
