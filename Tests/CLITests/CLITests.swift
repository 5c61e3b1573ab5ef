// The gemma-repl command line, run as a user runs it: exit status, output, files written.
import Foundation
import XCTest

final class CLITests: XCTestCase {
    func fixture(_ name: String) -> String { CLI.fixture(name) }
    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        try CLI.run(arguments, environment: environment)
    }

    func testInfoOnEveryReferenceModel() throws {
        for name in ["tiny-gemma2-f32", "small-gemma2-f16", "small-gemma2-bf16", "small-gemma2-q8_0",
                     "small-gemma2-q6_k", "small-gemma2-q4_k", "small-gemma2-q4_0"] {
            let result = try run(["info", fixture("\(name).gguf"), "--json", "--tensors"])
            XCTAssertEqual(result.status, 0, result.err)
            let card = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
            XCTAssertEqual(card["architecture"] as? String, "gemma2")
            let tensors = try XCTUnwrap(card["tensors"] as? [[String: Any]])
            let tiny = name.hasPrefix("tiny")
            XCTAssertEqual(tensors.count, 1 + (tiny ? 4 : 2) * 11 + 1, name)
            let embedding = try XCTUnwrap(tensors.first { $0["name"] as? String == "token_embd.weight" })
            XCTAssertEqual(embedding["shape"] as? [Int], [tiny ? 64 : 256, 512])
            let expectedType = ["f32": "F32", "f16": "F16", "bf16": "BF16", "q8_0": "Q8_0", "q6_k": "Q6_K",
                                "q4_k": "Q4_K", "q4_0": "Q4_0"][String(name.split(separator: "-").last!)]!
            XCTAssertEqual(embedding["type"] as? String, expectedType, name)
            let parameters = try XCTUnwrap(card["hyperparameters"] as? [[String: String]])
            let window = try XCTUnwrap(parameters.first { $0["name"] == "sliding window" })
            XCTAssertEqual(window["value"], "4")
            XCTAssertEqual(window["key"], "gemma2.attention.sliding_window")
        }
        let text = try run(["info", fixture("tiny-gemma2-f32.gguf")])
        XCTAssertTrue(text.out.contains("final soft-cap"), text.out)
        XCTAssertTrue(text.out.contains("gemma2.final_logit_softcapping"), text.out)
    }

    func testTokenizeAndLogits() throws {
        let tokens = try run(["tokenize", "--model", fixture("tiny-gemma2-f32.gguf"), "--json", " the man was in the water"])
        XCTAssertEqual(tokens.status, 0, tokens.err)
        let parsed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(tokens.out.utf8)) as? [String: Any])
        XCTAssertEqual(parsed["ids"] as? [Int], [2, 305, 408, 320, 313, 305, 485])  // the fixtures' seq7
        XCTAssertEqual(parsed["pieces"] as? [String], ["<bos>", "▁the", "▁man", "▁was", "▁in", "▁the", "▁water"])

        let out = FileManager.default.temporaryDirectory.appendingPathComponent("logits-\(UUID().uuidString).npy").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let logits = try run(["logits", "--model", fixture("tiny-gemma2-f32.gguf"), "--ids", "2,305,408,320,313,305,485", "--out", out])
        XCTAssertEqual(logits.status, 0, logits.err)
        let written = try Data(contentsOf: URL(fileURLWithPath: out))
        let golden = try Data(contentsOf: URL(fileURLWithPath: fixture("tiny-gemma2-f32.seq7.logits.npy")))
        XCTAssertEqual(written.count, golden.count)
        XCTAssertEqual(written.prefix(128), golden.prefix(128))  // same header: '<f4', shape (7, 512)
    }

    func testBadArgumentsAndFilesGiveClearErrors() throws {
        let missing = try run(["info", "/nonexistent/model.gguf"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.err.contains("/nonexistent/model.gguf"), missing.err)

        let badIds = try run(["logits", "--model", fixture("tiny-gemma2-f32.gguf"), "--ids", "2,x", "--out", "/tmp/x.npy"])
        XCTAssertNotEqual(badIds.status, 0)
        XCTAssertTrue(badIds.err.contains("item 2"), badIds.err)

        let outOfRange = try run(["logits", "--model", fixture("tiny-gemma2-f32.gguf"), "--ids", "2,9999", "--out", "/tmp/x.npy"])
        XCTAssertNotEqual(outOfRange.status, 0)
        XCTAssertTrue(outOfRange.err.contains("9999"), outOfRange.err)

        let notGGUF = try run(["info", fixture("tiny-gemma2-f32.seq1.logits.npy")])
        XCTAssertNotEqual(notGGUF.status, 0)
        XCTAssertTrue(notGGUF.err.contains("tiny-gemma2-f32.seq1.logits.npy"), notGGUF.err)
    }

    func testGenerateJSON() throws {
        let result = try run(["generate", "--model", fixture("tiny-gemma2-f32.gguf"), "--max", "5", "--json", "the man"])
        XCTAssertEqual(result.status, 0, result.err)
        let parsed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        XCTAssertEqual((parsed["promptIds"] as? [Int])?.first, 2)
        XCTAssertEqual((parsed["generatedIds"] as? [Int])?.count, 5)
        XCTAssertNotNil(parsed["text"] as? String)
    }
}
