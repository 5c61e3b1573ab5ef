// Broken models through GemmaModel(path:): the tiny fixture read, one key or tensor changed,
// written with GGUFWriter, loaded. Each must fail with its own error naming the file and field.
// (Malformed GGUF structure, as ggml's test-gguf covers it, is in Tests/GGUFTests.)
import Foundation
import GGUF
import Gemma
import XCTest

final class MalformedModelTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = try Paths.scratchFolder(self)
    }

    /// Writes the tiny model after `edit` as `name`, loads it and returns the error, its byte
    /// offset removed unless `keepOffset` (the offsets are checked in their own test).
    private func loadError(_ name: String, keepOffset: Bool = false, _ edit: (inout EditableModel) -> Void,
                           file: StaticString = #filePath, line: UInt = #line) throws -> GemmaError? {
        var model = try EditableModel.tiny.get()
        edit(&model)
        let path = try model.write(name, in: folder)
        do {
            _ = try GemmaModel(path: path)
            XCTFail("\(name) loaded", file: file, line: line)
            return nil
        } catch let error as GemmaError {
            XCTAssertTrue(error.description.hasPrefix(name + ": "), "\(error) does not name \(name)", file: file, line: line)
            if keepOffset { return error }
            switch error {
            case let .badHyperparameter(file, _, key, value, reason):
                return .badHyperparameter(file: file, key: key, value: value, reason: reason)
            case let .metadata(file, _, key, reason):
                return .metadata(file: file, key: key, reason: reason)
            default:
                return error
            }
        }
    }

    /// The offset in an error is where the value's type field starts: read the bytes there.
    func testErrorsGiveTheOffsetOfTheValue() throws {
        let scores = try loadError("scores-int.gguf", keepOffset: true) {
            $0["tokenizer.ggml.scores"] = .array(.int32(Array(repeating: 0, count: 512)))
        }
        guard case let .metadata(_, offset?, _, _) = scores else { return XCTFail("no offset in \(String(describing: scores))") }
        let bytes = try Data(contentsOf: folder.appendingPathComponent("scores-int.gguf"))
        XCTAssertEqual(Array(bytes[offset ..< offset + 8]), [9, 0, 0, 0, 5, 0, 0, 0])  // array of int32
        XCTAssertEqual("\(scores!)", "scores-int.gguf: byte \(offset): tokenizer.ggml.scores: expected array of float32, found array of int32")

        let heads = try loadError("zero-heads.gguf", keepOffset: true) { $0["gemma2.attention.head_count"] = .uint32(0) }
        guard case let .badHyperparameter(_, headsOffset?, _, _, _) = heads else { return XCTFail("\(String(describing: heads))") }
        let written = try Data(contentsOf: folder.appendingPathComponent("zero-heads.gguf"))
        XCTAssertEqual(Array(written[headsOffset ..< headsOffset + 8]), [4, 0, 0, 0, 0, 0, 0, 0])  // uint32 0
        XCTAssertEqual("\(heads!)", "zero-heads.gguf: byte \(headsOffset): gemma2.attention.head_count = 0: must be between 1 and 2^24")
        // A product of two keys has no single place.
        let product = try loadError("key-length.gguf", keepOffset: true) { $0["gemma2.attention.key_length"] = .uint32(32) }
        guard case .badHyperparameter(_, nil, _, _, _) = product else { return XCTFail("\(String(describing: product))") }
    }

    func testTheUneditedCopyLoads() throws {
        let path = try EditableModel.tiny.get().write("copy.gguf", in: folder)
        XCTAssertEqual(try GemmaModel(path: path).config, try GemmaModel(path: Paths.tinyModel).config)
    }

    func testScoresStoredAsIntegersNameTheKey() throws {
        let error = try loadError("scores-int.gguf") { $0["tokenizer.ggml.scores"] = .array(.int32(Array(repeating: 0, count: 512))) }
        XCTAssertEqual(error, .metadata(file: "scores-int.gguf", key: "tokenizer.ggml.scores",
                                        reason: "expected array of float32, found array of int32"))
    }

    func testOtherWronglyTypedOrMissingMetadata() throws {
        XCTAssertEqual(try loadError("blocks-string.gguf") { $0["gemma2.block_count"] = .string("four") },
                       .metadata(file: "blocks-string.gguf", key: "gemma2.block_count", reason: "expected integer, found string"))
        XCTAssertEqual(try loadError("no-tokens.gguf") { $0["tokenizer.ggml.tokens"] = nil },
                       .metadata(file: "no-tokens.gguf", key: "tokenizer.ggml.tokens", reason: "required key is missing"))
        XCTAssertEqual(try loadError("eps-string.gguf") { $0["gemma2.attention.layer_norm_rms_epsilon"] = .string("1e-6") },
                       .metadata(file: "eps-string.gguf", key: "gemma2.attention.layer_norm_rms_epsilon",
                                 reason: "expected float32, found string"))
        XCTAssertEqual(try loadError("bos-negative.gguf") { $0["tokenizer.ggml.bos_token_id"] = .int32(-1) },
                       .vocabulary(file: "bos-negative.gguf", reason: "tokenizer.ggml.bos_token_id = -1 is outside the vocabulary of 512"))
        let types = try loadError("type-9.gguf") { $0["tokenizer.ggml.token_type"] = .array(.int32([9] + Array(repeating: 1, count: 511))) }
        XCTAssertEqual(types, .vocabulary(file: "type-9.gguf", reason: "tokenizer.ggml.token_type[0] = 9 is not a token type (1-6)"))
    }

    func testVocabularyThatDisagreesWithTheEmbeddingRows() throws {
        for extra in [10, -12] {
            let error = try loadError("vocabulary\(extra).gguf") { model in
                guard case .array(.string(var pieces)) = model["tokenizer.ggml.tokens"],
                      case .array(.float32(var scores)) = model["tokenizer.ggml.scores"],
                      case .array(.int32(var types)) = model["tokenizer.ggml.token_type"] else { return XCTFail("fixture keys") }
                if extra > 0 {
                    pieces += (0..<extra).map { "extra\($0)" }
                    scores += Array(repeating: -100, count: extra)
                    types += Array(repeating: 1, count: extra)
                } else {
                    pieces.removeLast(-extra)
                    scores.removeLast(-extra)
                    types.removeLast(-extra)
                }
                model["tokenizer.ggml.tokens"] = .array(.string(pieces))
                model["tokenizer.ggml.scores"] = .array(.float32(scores))
                model["tokenizer.ggml.token_type"] = .array(.int32(types))
            }
            XCTAssertEqual(error, .vocabulary(file: "vocabulary\(extra).gguf",
                                              reason: "tokenizer.ggml.tokens has \(512 + extra) entries but token_embd.weight has 512 rows"))
        }
        let scores = try loadError("short-scores.gguf") { $0["tokenizer.ggml.scores"] = .array(.float32([0, 1])) }
        XCTAssertEqual(scores, .vocabulary(file: "short-scores.gguf",
                                           reason: "tokenizer.ggml.tokens has 512 entries, scores 2, token_type 512"))
    }

    func testZeroHeadsAndKVHeadsThatDoNotDivide() throws {
        XCTAssertEqual(try loadError("zero-heads.gguf") { $0["gemma2.attention.head_count"] = .uint32(0) },
                       .badHyperparameter(file: "zero-heads.gguf", key: "gemma2.attention.head_count", value: "0",
                                          reason: "must be between 1 and 2^24"))
        XCTAssertEqual(try loadError("zero-kv.gguf") { $0["gemma2.attention.head_count_kv"] = .uint32(0) },
                       .badHyperparameter(file: "zero-kv.gguf", key: "gemma2.attention.head_count_kv", value: "0",
                                          reason: "must be between 1 and 2^24"))
        XCTAssertEqual(try loadError("kv-3.gguf") { $0["gemma2.attention.head_count_kv"] = .uint32(3) },
                       .badHyperparameter(file: "kv-3.gguf", key: "gemma2.attention.head_count_kv", value: "3",
                                          reason: "does not divide the 4 query heads"))
    }

    func testHeadDimensionsThatDisagreeWithTheTensors() throws {
        XCTAssertEqual(try loadError("key-length.gguf") { $0["gemma2.attention.key_length"] = .uint32(32) },
                       .badHyperparameter(file: "key-length.gguf", key: "gemma2.attention.head_count × gemma2.attention.key_length",
                                          value: "4 × 32 = 128", reason: "blk.0.attn_q.weight has 64 rows (shape [64, 64])"))
        XCTAssertEqual(try loadError("kv-heads.gguf") { $0["gemma2.attention.head_count_kv"] = .uint32(4) },
                       .badHyperparameter(file: "kv-heads.gguf", key: "gemma2.attention.head_count_kv × gemma2.attention.key_length",
                                          value: "4 × 16 = 64", reason: "blk.0.attn_k.weight has 32 rows (shape [64, 32])"))
        XCTAssertEqual(try loadError("value-length.gguf") { $0["gemma2.attention.value_length"] = .uint32(8) },
                       .badHyperparameter(file: "value-length.gguf", key: "gemma2.attention.head_count_kv × gemma2.attention.value_length",
                                          value: "2 × 8 = 16", reason: "blk.0.attn_v.weight has 32 rows (shape [64, 32])"))
        XCTAssertEqual(try loadError("ffn.gguf") { $0["gemma2.feed_forward_length"] = .uint32(256) },
                       .badHyperparameter(file: "ffn.gguf", key: "gemma2.feed_forward_length", value: "256",
                                          reason: "blk.0.ffn_gate.weight has 128 rows (shape [64, 128])"))
        XCTAssertEqual(try loadError("width.gguf") { $0["gemma2.embedding_length"] = .uint32(32) },
                       .badHyperparameter(file: "width.gguf", key: "gemma2.embedding_length", value: "32",
                                          reason: "token_embd.weight has rows of 64 (shape [64, 512])"))
        // A later block that disagrees is caught tensor by tensor.
        let later = try loadError("block-2.gguf") { model in
            model.removeTensors { $0.name == "blk.2.attn_q.weight" }
            model.tensors.append(.init(name: "blk.2.attn_q.weight", shape: [64, 32], type: .f32,
                                       data: [UInt8](repeating: 0, count: 64 * 32 * 4)))
        }
        XCTAssertEqual(later, .tensorShape(file: "block-2.gguf", name: "blk.2.attn_q.weight", expected: [64, 64], found: [64, 32]))
    }

    func testBlockCountLargerThanTheTensorsPresent() throws {
        XCTAssertEqual(try loadError("blocks-6.gguf") { $0["gemma2.block_count"] = .uint32(6) },
                       .badHyperparameter(file: "blocks-6.gguf", key: "gemma2.block_count", value: "6",
                                          reason: "the file has tensors for blocks 0...3 only"))
        XCTAssertEqual(try loadError("blocks-huge.gguf") { $0["gemma2.block_count"] = .uint32(1 << 23) },
                       .badHyperparameter(file: "blocks-huge.gguf", key: "gemma2.block_count", value: "\(1 << 23)",
                                          reason: "the file has tensors for blocks 0...3 only"))
        let missing = try loadError("missing-up.gguf") { $0.removeTensors { $0.name == "blk.3.ffn_up.weight" } }
        XCTAssertEqual(missing, .missingTensor(file: "missing-up.gguf", name: "blk.3.ffn_up.weight"))
    }

    func testAbsurdContextLengths() throws {
        for (label, value) in [("zero", GGUFValue.uint32(0)), ("2^40", .uint64(1 << 40)), ("negative", .int64(-5)),
                               ("2^24", .uint32(1 << 24))] {
            let name = "context-\(label).gguf"
            let error = try loadError(name) { $0["gemma2.context_length"] = value }
            guard case let .badHyperparameter(file, _, key, _, reason) = error else { XCTFail("\(String(describing: error))"); continue }
            XCTAssertEqual([file, key, reason], [name, "gemma2.context_length", "must be between 1 and 2^24"])
        }
    }

    func testUnsupportedArchitectureAndStructuralDamage() throws {
        XCTAssertEqual(try loadError("llama.gguf") { $0["general.architecture"] = .string("llama") },
                       .unsupportedArchitecture(file: "llama.gguf", found: "llama"))
        // A cut file is a GGUF error with the path, the byte offset and the tensor.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Paths.tinyModel))
        let cut = folder.appendingPathComponent("cut.gguf")
        try bytes.prefix(bytes.count / 2).write(to: cut)
        XCTAssertThrowsError(try GemmaModel(path: cut.path)) { error in
            guard case let .tensorOutOfBounds(file, offset, tensor, _, _, _) = error as? GGUFError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(file, cut.path)
            XCTAssertGreaterThan(offset, 0)
            XCTAssertFalse(tensor.isEmpty)
            XCTAssertTrue("\(error)".contains("cut.gguf: byte \(offset): tensor \"\(tensor)\""), "\(error)")
        }
    }
}
