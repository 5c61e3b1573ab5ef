// TEMPORARY test-only GGUF metadata reader for the vocabulary fixture, used until the GGUF
// module's GGUFFile lands on main; then GemmaVocabulary.swift switches to GGUFFile and this file
// goes away. Reads only what the tokenizer needs (GGUF v3 metadata, no tensors).
import Foundation

/// GGUF metadata values as far as the tokenizer fixture needs them.
enum TemporaryMetadataValue {
    case integer(Int)
    case float(Double)
    case bool(Bool)
    case string(String)
    case array([TemporaryMetadataValue])
}

struct TemporaryVocabularyReader {
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    private let bytes: [UInt8]
    private var offset = 0
    private(set) var metadata: [String: TemporaryMetadataValue] = [:]

    init(path: String) throws {
        bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        guard bytes.starts(with: Array("GGUF".utf8)) else { throw Malformed(description: "\(path): not GGUF") }
        offset = 4
        _ = try scalar(4)  // version
        _ = try scalar(8)  // tensor count
        let keyCount = try scalar(8)
        for _ in 0 ..< keyCount {
            let key = try string()
            let type = try scalar(4)
            metadata[key] = try value(type: type)
        }
    }

    private mutating func scalar(_ size: Int) throws -> UInt64 {
        guard offset + size <= bytes.count else { throw Malformed(description: "truncated at \(offset)") }
        var result: UInt64 = 0
        for index in 0 ..< size { result |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
        offset += size
        return result
    }

    private mutating func string() throws -> String {
        let length = Int(try scalar(8))
        guard offset + length <= bytes.count else { throw Malformed(description: "string at \(offset)") }
        defer { offset += length }
        return String(decoding: bytes[offset ..< offset + length], as: UTF8.self)
    }

    private mutating func value(type: UInt64) throws -> TemporaryMetadataValue {
        switch type {
        case 0, 2, 4, 10: return .integer(Int(try scalar([0: 1, 2: 2, 4: 4, 10: 8][type]!)))
        case 1: return .integer(Int(Int8(truncatingIfNeeded: try scalar(1))))
        case 3: return .integer(Int(Int16(truncatingIfNeeded: try scalar(2))))
        case 5: return .integer(Int(Int32(truncatingIfNeeded: try scalar(4))))
        case 11: return .integer(Int(Int64(bitPattern: try scalar(8))))
        case 6: return .float(Double(Float(bitPattern: UInt32(try scalar(4)))))
        case 12: return .float(Double(bitPattern: try scalar(8)))
        case 7: return .bool(try scalar(1) != 0)
        case 8: return .string(try string())
        case 9:
            let elementType = try scalar(4)
            let count = Int(try scalar(8))
            var elements: [TemporaryMetadataValue] = []
            elements.reserveCapacity(count)
            for _ in 0 ..< count { elements.append(try value(type: elementType)) }
            return .array(elements)
        default: throw Malformed(description: "value type \(type) at \(offset)")
        }
    }

    func stringArray(_ key: String) throws -> [String] {
        guard case .array(let values)? = metadata[key] else { throw Malformed(description: "no \(key)") }
        return try values.map { value -> String in
            guard case .string(let text) = value else { throw Malformed(description: "\(key): not strings") }
            return text
        }
    }

    func floatArray(_ key: String) throws -> [Float] {
        guard case .array(let values)? = metadata[key] else { throw Malformed(description: "no \(key)") }
        return try values.map { value -> Float in
            guard case .float(let number) = value else { throw Malformed(description: "\(key): not floats") }
            return Float(number)
        }
    }

    func intArray(_ key: String) throws -> [Int] {
        guard case .array(let values)? = metadata[key] else { throw Malformed(description: "no \(key)") }
        return try values.map { value -> Int in
            guard case .integer(let number) = value else { throw Malformed(description: "\(key): not integers") }
            return number
        }
    }

    func optionalInt(_ key: String) -> Int? {
        if case .integer(let number)? = metadata[key] { return number }
        return nil
    }

    func optionalBool(_ key: String) -> Bool? {
        if case .bool(let flag)? = metadata[key] { return flag }
        return nil
    }
}
