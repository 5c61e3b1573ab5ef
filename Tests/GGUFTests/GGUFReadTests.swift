// Reading the reference GGUF fixtures (see /work/shared/reference/README.md sections 1 and 5)
// and the typed metadata accessors.
import Foundation
import XCTest
import GGUF

final class GGUFReadTests: XCTestCase {
    override class func tearDown() {
        removeTemporaryFiles()
        super.tearDown()
    }

    /// The bytes at an absolute position, read with FileHandle (independent of the map).
    private func fileBytes(_ path: String, at offset: Int, count: Int) throws -> [UInt8] {
        let handle = try XCTUnwrap(FileHandle(forReadingAtPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(offset))
        return [UInt8](try XCTUnwrap(handle.read(upToCount: count)))
    }

    /// The tensor names and shapes of a Gemma 2 block, from the hyperparameters.
    private func expectedLayerTensors(layer: Int, model: Int, heads: Int, kvHeads: Int, headDim: Int,
                                      ffn: Int) -> [(String, [Int])] {
        let prefix = "blk.\(layer)."
        return [
            ("attn_norm.weight", [model]), ("attn_q.weight", [model, heads * headDim]),
            ("attn_k.weight", [model, kvHeads * headDim]), ("attn_v.weight", [model, kvHeads * headDim]),
            ("attn_output.weight", [heads * headDim, model]), ("post_attention_norm.weight", [model]),
            ("ffn_norm.weight", [model]), ("ffn_gate.weight", [model, ffn]), ("ffn_up.weight", [model, ffn]),
            ("ffn_down.weight", [ffn, model]), ("post_ffw_norm.weight", [model]),
        ].map { (prefix + $0.0, $0.1) }
    }

    func testTinyGemma2F32() throws {
        let path = fixturePath("reference/tiny-gemma2-f32.gguf")
        let file = try GGUFFile(path: path)
        XCTAssertEqual(file.version, 3)
        XCTAssertEqual(file.fileSize, 740_192)
        XCTAssertEqual(file.alignment, 32)
        XCTAssertEqual(file.dataOffset, 14_944)
        XCTAssertEqual(file.metadata.count, 27)
        XCTAssertEqual(file.metadata.first?.key, "general.architecture")

        XCTAssertEqual(try file.string("general.architecture"), "gemma2")
        XCTAssertEqual(try file.uint32("gemma2.block_count"), 4)
        XCTAssertEqual(try file.int("gemma2.embedding_length"), 64)
        XCTAssertEqual(try file.int("gemma2.attention.head_count"), 4)
        XCTAssertEqual(try file.int("gemma2.attention.head_count_kv"), 2)
        XCTAssertEqual(try file.int("gemma2.attention.key_length"), 16)
        XCTAssertEqual(try file.int("gemma2.attention.value_length"), 16)
        XCTAssertEqual(try file.int("gemma2.feed_forward_length"), 128)
        XCTAssertEqual(try file.int("gemma2.context_length"), 64)
        XCTAssertEqual(try file.int("gemma2.attention.sliding_window"), 4)
        XCTAssertEqual(try file.float("gemma2.attn_logit_softcapping"), 5.0)
        XCTAssertEqual(try file.float("gemma2.final_logit_softcapping"), 3.0)
        XCTAssertEqual(try file.float("gemma2.attention.layer_norm_rms_epsilon"), 1e-6)
        XCTAssertEqual(try file.float("gemma2.rope.freq_base"), 10_000)

        let tokens = try file.stringArray("tokenizer.ggml.tokens")
        XCTAssertEqual(tokens.count, 512)
        XCTAssertEqual(Array(tokens[0 ... 3]), ["<pad>", "<eos>", "<bos>", "<unk>"])
        XCTAssertEqual(tokens[4], "<0x00>")
        XCTAssertEqual(tokens[259], "<0xFF>")
        XCTAssertEqual(tokens[260], "\u{2581}")
        XCTAssertEqual(tokens[305], "\u{2581}the")
        let scores = try file.floatArray("tokenizer.ggml.scores")
        XCTAssertEqual(scores.count, 512)
        XCTAssertEqual(scores[0], -1000)
        XCTAssertEqual(scores[261], -1)
        XCTAssertEqual(file["tokenizer.ggml.token_type"]?.typeName, "array of int32")
        XCTAssertEqual(try file.intArray("tokenizer.ggml.token_type").count, 512)
        XCTAssertEqual(try file.uint32("tokenizer.ggml.bos_token_id"), 2)
        XCTAssertEqual(try file.bool("tokenizer.ggml.add_bos_token"), true)
        XCTAssertEqual(try file.bool("tokenizer.ggml.add_space_prefix"), false)

        var expected: [(String, [Int])] = [("token_embd.weight", [64, 512])]
        for layer in 0 ..< 4 {
            expected += expectedLayerTensors(layer: layer, model: 64, heads: 4, kvHeads: 2, headDim: 16, ffn: 128)
        }
        expected.append(("output_norm.weight", [64]))
        XCTAssertEqual(file.tensors.map(\.name), expected.map(\.0))
        XCTAssertEqual(file.tensors.map(\.shape), expected.map(\.1))
        XCTAssertTrue(file.tensors.allSatisfy { $0.type == .f32 && $0.byteCount == $0.elementCount * 4 })
        XCTAssertNil(file.tensor(named: "output.weight"))

        let embedding = try XCTUnwrap(file.tensor(named: "token_embd.weight"))
        XCTAssertEqual(embedding.offset, 0)
        XCTAssertEqual(embedding.elementCount, 64 * 512)
        let norm = try XCTUnwrap(file.tensor(named: "output_norm.weight"))
        XCTAssertEqual(file.dataOffset + norm.offset + norm.byteCount, file.fileSize)
        for tensor in [embedding, norm] {
            let view = file.data(of: tensor)
            XCTAssertEqual(view.count, tensor.byteCount)
            XCTAssertEqual(Array(view), try fileBytes(path, at: file.dataOffset + tensor.offset, count: tensor.byteCount))
        }
        // Norm weights are stored with Gemma's +1 folded in: around 1.0 (README quirk 1).
        let normValues = file.data(of: norm).withMemoryRebound(to: Float.self) { Array($0) }
        XCTAssertEqual(normValues.reduce(0, +) / Float(normValues.count), 1.0, accuracy: 0.1)
    }

    func testSmallGemma2Q4_0() throws {
        let path = fixturePath("reference/small-gemma2-q4_0.gguf")
        let file = try GGUFFile(path: path)
        XCTAssertEqual(file.version, 3)
        XCTAssertEqual(file.fileSize, 760_192)
        XCTAssertEqual(file.metadata.count, 28)
        XCTAssertEqual(file.tensors.count, 24)
        XCTAssertEqual(try file.int("gemma2.block_count"), 2)
        XCTAssertEqual(try file.int("gemma2.embedding_length"), 256)
        XCTAssertEqual(try file.int("gemma2.attention.head_count"), 4)
        XCTAssertEqual(try file.int("gemma2.attention.head_count_kv"), 2)
        XCTAssertEqual(try file.int("gemma2.attention.key_length"), 64)
        XCTAssertEqual(try file.int("gemma2.feed_forward_length"), 512)
        XCTAssertEqual(try file.uint32("general.quantization_version"), 2)
        XCTAssertEqual(try file.uint32("general.file_type"), 2)

        var expected: [(String, [Int])] = [("token_embd.weight", [256, 512]), ("output_norm.weight", [256])]
        for layer in 0 ..< 2 {
            expected += expectedLayerTensors(layer: layer, model: 256, heads: 4, kvHeads: 2, headDim: 64, ffn: 512)
        }
        XCTAssertEqual(Set(file.tensors.map(\.name)), Set(expected.map(\.0)))
        for (name, shape) in expected {
            let tensor = try XCTUnwrap(file.tensor(named: name), name)
            XCTAssertEqual(tensor.shape, shape, name)
            // Pure Q4_0: every 2-D weight (the tied embedding too) is Q4_0; norms stay F32.
            XCTAssertEqual(tensor.type, shape.count == 2 ? .q4_0 : .f32, name)
            XCTAssertEqual(tensor.byteCount, tensor.elementCount / tensor.type.blockSize * tensor.type.blockBytes)
            XCTAssertEqual(tensor.offset % file.alignment, 0)
        }
        let embedding = try XCTUnwrap(file.tensor(named: "token_embd.weight"))
        XCTAssertEqual(embedding.byteCount, 73_728)
        XCTAssertEqual(Array(file.data(of: embedding)),
                       try fileBytes(path, at: file.dataOffset + embedding.offset, count: embedding.byteCount))
    }

    func testGemma3VocabularyOnlyParsesQuickly() throws {
        let start = Date()
        let file = try GGUFFile(path: fixturePath("reference/gemma3-vocab-only.gguf"))
        let seconds = Date().timeIntervalSince(start)
        #if DEBUG
        XCTAssertLessThan(seconds, 10, "parse time in a debug build")
        #else
        XCTAssertLessThan(seconds, 1, "parse time in a release build")
        #endif
        XCTAssertEqual(file.metadata.count, 34)
        XCTAssertTrue(file.tensors.isEmpty)
        XCTAssertEqual(file.dataOffset, file.fileSize, "no tensors: the data section starts at the header end")
        XCTAssertEqual(try file.string("general.architecture"), "gemma3")
        XCTAssertEqual(try file.stringArray("general.tags"), ["gemma3", "gemma", "google", "text-generation"])
        let tokens = try file.stringArray("tokenizer.ggml.tokens")
        XCTAssertEqual(tokens.count, 262_144)
        XCTAssertEqual(tokens[2], "<bos>")
        XCTAssertEqual(tokens[106], "<end_of_turn>")
        XCTAssertEqual(try file.floatArray("tokenizer.ggml.scores").count, 262_144)
        XCTAssertEqual(try file.intArray("tokenizer.ggml.token_type").count, 262_144)
        XCTAssertEqual(try file.int("gemma3.attention.sliding_window"), 512)
        XCTAssertEqual(try file.float("gemma3.rope.freq_base"), 1_000_000)
    }

    func testVersion2IsRead() throws {
        var bytes = try makeSmallWriter().bytes()
        bytes[4] = 2
        let file = try GGUFFile(path: try writeTemporaryFile(bytes))
        XCTAssertEqual(file.version, 2)
        XCTAssertEqual(file.tensors.map(\.name), ["a", "b", "c"])
    }

    func testInvalidUTF8InStringValueIsRepaired() throws {
        var raw = RawGGUF()
        raw.header(tensors: 0, entries: 2)
        raw.string("bad.text")
        raw.u32(8)
        raw.rawString([0x61, 0xFF, 0x62])
        raw.string("flag")
        raw.u32(7)
        raw.u8(2)  // any nonzero byte is true, as in ggml
        let file = try GGUFFile(path: try writeTemporaryFile(raw.bytes))
        XCTAssertEqual(try file.string("bad.text"), "a\u{FFFD}b")
        XCTAssertEqual(try file.bool("flag"), true)
    }

    func testZeroDimensionalTensorHasOneElement() throws {
        var raw = RawGGUF()
        raw.header(tensors: 1, entries: 0)
        raw.tensor("scalar", shape: [], type: 0, offset: 0)
        raw.pad(to: 32)
        raw.f32(42)
        let file = try GGUFFile(path: try writeTemporaryFile(raw.bytes))
        let scalar = try XCTUnwrap(file.tensor(named: "scalar"))
        XCTAssertEqual(scalar.shape, [])
        XCTAssertEqual(scalar.elementCount, 1)
        XCTAssertEqual(file.data(of: scalar).load(as: Float.self), 42)
    }

    func testTypedAccessors() throws {
        var writer = GGUFWriter()
        writer.add("count.int32", .int32(7))
        writer.add("count.negative", .int32(-1))
        writer.add("count.uint64", .uint64(1 << 40))
        writer.add("count.huge", .uint64(.max))
        writer.add("ratio.float64", .float64(0.5))
        writer.add("name", .string("x"))
        writer.add("ids", .array(.uint16([1, 2, 3])))
        writer.add("big.ids", .array(.uint64([1, .max])))
        writer.add("weights", .array(.float64([0.25, 4])))
        let file = try GGUFFile(path: try writeTemporaryFile(try writer.bytes()))

        XCTAssertEqual(try file.uint32("count.int32"), 7)
        XCTAssertEqual(try file.int("count.uint64"), 1 << 40)
        XCTAssertEqual(try file.float("ratio.float64"), 0.5)
        XCTAssertEqual(try file.intArray("ids"), [1, 2, 3])
        XCTAssertEqual(try file.floatArray("weights"), [0.25, 4])
        XCTAssertNil(try file.optionalInt("absent"))
        XCTAssertNil(try file.optionalString("absent"))
        XCTAssertNil(try file.optionalFloat("absent"))
        XCTAssertEqual(try file.optionalString("name"), "x")

        func expectError(_ body: () throws -> Any?, _ message: String, line: UInt = #line) {
            XCTAssertThrowsError(try body(), line: line) { error in
                XCTAssertEqual((error as? GGUFError)?.description, message, line: line)
            }
        }
        expectError({ try file.uint32("name") }, "name: expected uint32, found string")
        expectError({ try file.optionalInt("name") }, "name: expected integer, found string")
        expectError({ try file.string("count.int32") }, "count.int32: expected string, found int32")
        expectError({ try file.stringArray("ids") }, "ids: expected array of string, found array of uint16")
        expectError({ try file.float("absent") }, "absent: key not found")
        expectError({ try file.uint32("count.negative") }, "count.negative: value -1 (int32) does not fit uint32")
        expectError({ try file.uint32("count.uint64") }, "count.uint64: value 1099511627776 (uint64) does not fit uint32")
        expectError({ try file.int("count.huge") }, "count.huge: value 18446744073709551615 (uint64) does not fit integer")
        expectError({ try file.intArray("big.ids") }, "big.ids: value element #1 = 18446744073709551615 does not fit Int")
        expectError({ try file.bool("ratio.float64") }, "ratio.float64: expected bool, found float64")
    }

    func testDataOfForeignTensorIsEmpty() throws {
        let small = try GGUFFile(path: try writeTemporaryFile(try makeSmallWriter().bytes()))
        let tiny = try GGUFFile(path: fixturePath("reference/tiny-gemma2-f32.gguf"))
        let foreign = try XCTUnwrap(tiny.tensor(named: "token_embd.weight"))
        XCTAssertEqual(small.data(of: foreign).count, 0)
    }

    func testMissingFileIsReported() {
        XCTAssertThrowsError(try GGUFFile(path: "/nonexistent/model.gguf")) { error in
            guard case .cannotOpen(let file, _)? = error as? GGUFError else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(file, "/nonexistent/model.gguf")
            XCTAssertTrue("\(error)".hasPrefix("/nonexistent/model.gguf: cannot open: "))
        }
    }
}
