// Structured fuzzing of model metadata: the tiny model with one to three hyperparameters set to
// edge values (0, 1, powers of two and their neighbours, the integer limits, NaN, the wrong
// type). Loading must fail with an error, or give a model that runs a forward pass and a
// generation without trapping.
import FuzzHarness
import Foundation
import GGUF
import Gemma
import SeededRandom
import XCTest

final class HyperparameterFuzzTests: XCTestCase {
    private static let integerKeys = [
        "gemma2.block_count", "gemma2.embedding_length", "gemma2.feed_forward_length", "gemma2.attention.head_count",
        "gemma2.attention.head_count_kv", "gemma2.attention.key_length", "gemma2.attention.value_length",
        "gemma2.context_length", "gemma2.attention.sliding_window", "tokenizer.ggml.bos_token_id",
        "tokenizer.ggml.eos_token_id", "tokenizer.ggml.unknown_token_id", "tokenizer.ggml.padding_token_id",
    ]
    private static let floatKeys = [
        "gemma2.attention.layer_norm_rms_epsilon", "gemma2.rope.freq_base", "gemma2.attn_logit_softcapping",
        "gemma2.final_logit_softcapping", "gemma2.rope.scaling.factor",
    ]
    private static let integers: [Int64] = [0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 511, 512,
                                            513, 1 << 16, (1 << 24) - 1, 1 << 24, Int64(Int32.max), Int64(UInt32.max),
                                            Int64.max, -1, Int64.min]
    private static let floats: [Float] = [0, -0.0, 1e-30, 1e-6, 0.5, 1, 2, 1e30, .greatestFiniteMagnitude, .infinity,
                                          -.infinity, .nan, -1]

    func testEdgeValuesLoadOrFailCleanly() throws {
        let folder = try Paths.scratchFolder(self)
        var random = SplitMix64(seed: 7)
        let iterations = 500
        var loaded = 0
        for iteration in 0..<iterations {
            var model = try EditableModel.tiny.get()
            var changes: [String] = []
            for _ in 0...Int(random.next() % 3) {
                let pick = Int(random.next() % UInt64(Self.integerKeys.count + Self.floatKeys.count + 2))
                if pick < Self.integerKeys.count {
                    let key = Self.integerKeys[pick]
                    let value = Self.integers[Int(random.next() % UInt64(Self.integers.count))]
                    model[key] = value >= 0 && value <= Int64(UInt32.max) && random.next() % 2 == 0
                        ? .uint32(UInt32(value)) : .int64(value)
                    changes.append("\(key)=\(value)")
                } else if pick < Self.integerKeys.count + Self.floatKeys.count {
                    let key = Self.floatKeys[pick - Self.integerKeys.count]
                    let value = Self.floats[Int(random.next() % UInt64(Self.floats.count))]
                    model[key] = .float32(value)
                    changes.append("\(key)=\(value)")
                } else if pick == Self.integerKeys.count + Self.floatKeys.count {
                    let key = Self.integerKeys[Int(random.next() % UInt64(Self.integerKeys.count))]
                    model[key] = .string("12")
                    changes.append("\(key)=\"12\"")
                } else {
                    let key = Self.integerKeys[Int(random.next() % UInt64(Self.integerKeys.count))]
                    model[key] = nil
                    changes.append("no \(key)")
                }
            }
            let path = try model.write("edge-\(iteration).gguf", in: folder)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let gemma: GemmaModel
            do {
                gemma = try GemmaModel(path: path)
            } catch {
                XCTAssertTrue("\(error)".contains("edge-\(iteration).gguf") || error is GGUFError,
                              "\(changes): the error does not name the file: \(error)")
                continue
            }
            loaded += 1
            let transformer = Transformer(model: gemma, threads: 2)
            do {
                _ = try transformer.forward([2, 305, 408], cache: KVCache(config: gemma.config))
                let generator = Generator(transformer: transformer)
                _ = try generator.generate(promptIds: gemma.tokenizer.encode("the man"), maxTokens: 3, sampler: SamplerSettings())
            } catch let error as GemmaError {
                switch error {
                case .promptTooLong, .contextFull: break
                default: XCTFail("\(changes): \(error)")
                }
            }
        }
        XCTAssertGreaterThan(loaded, 20, "too few edited models loaded to run anything")
        print("hyperparameter fuzz: \(loaded) of \(iterations) edited models loaded and ran")
    }
}
