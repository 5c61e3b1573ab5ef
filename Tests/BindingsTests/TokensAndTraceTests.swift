// Tokens and traces in scripts: tokenize, run() with hook patterns, caps, ablations and
// steering, and reaching captured values by name and by structure.
import Bindings
import Foundation
import Gemma
import GemmaLang
import Inspect
import XCTest

final class TokensAndTraceTests: XCTestCase {
    let seq7 = [2, 305, 408, 320, 313, 305, 485]
    let prompt = "\" the man was in the water\""

    func ids(_ value: Value?) -> [Int]? { value?.listItems?.compactMap { $0.numberValue.map { Int($0) } } }

    func tensor(_ session: ScriptSession, _ source: String, file: StaticString = #filePath, line: UInt = #line) throws -> Tensor {
        let object = session.run(source, file: file, line: line)?.objectValue as? TensorObject
        return try XCTUnwrap(object, "\(source) is not a Tensor", file: file, line: line).tensor
    }

    func testTokenizeDisplaysIdsAndPiecesAndIndexes() throws {
        let s = ScriptSession()
        s.run("let tk = tokenize(\(prompt))")
        XCTAssertEqual(ids(s.run("tk.ids")), seq7)
        let display = s.display("tk")
        for fragment in ["id", "piece", "<bos>", "control", "▁water", "485", "7 tokens"] {
            XCTAssertTrue(display.contains(fragment), "\(fragment) missing from\n\(display)")
        }
        XCTAssertEqual(s.number("tk[1]"), 305)
        XCTAssertEqual(s.number("tk[-1]"), 485)
        XCTAssertEqual(s.number("len(tk)"), 7)
        XCTAssertEqual(s.string("type(tk[1:3])"), "Tokens")
        XCTAssertEqual(ids(s.run("tk[1:3].ids")), [305, 408])
        XCTAssertEqual(ids(s.run("tk[::-1].ids")), seq7.reversed())
        XCTAssertEqual(ids(s.run("(tk[0:2] + tk[5:]).ids")), [2, 305, 305, 485])
        XCTAssertEqual(s.number("let total = 0\nfor id in tk { total += id }\ntotal"), Double(seq7.reduce(0, +)))
        XCTAssertEqual(s.run("tk.pieces")?.listItems?.last?.stringValue, "▁water")
        XCTAssertEqual(s.string("tk.text"), " the man was in the water")
        XCTAssertEqual(ids(s.run("tokenize(\(prompt), bos: false).ids")), Array(seq7.dropFirst()))
        XCTAssertEqual(s.string("detokenize([305, 408])"), " the man")
        s.expectError("tk[7]", "token index 7 is outside 0..<7")
        s.expectError("tk[1.5]", "token index must be a whole number")
        s.expectError("tk[inf]", "token index must be a whole number")
    }

    func testRunCapturesEverythingReachableByNameAndByStructure() throws {
        let s = ScriptSession()
        s.run("let t = run(\(prompt))")
        XCTAssertEqual(s.string("type(t)"), "Trace")
        XCTAssertEqual(ids(s.run("t.tokens")), seq7)
        XCTAssertEqual(s.number("len(t.hooks)"), 72)
        XCTAssertEqual(s.string("str(t)"), "Trace(7 tokens, 72 hooks)")
        let display = s.display("t")
        XCTAssertTrue(display.contains("Trace of 7 tokens on tiny-gemma2-f32.gguf: 72 hook points"), display)

        // The same values a direct trace captures.
        let transformer = try s.workspace.transformer()
        let direct = try Tracer.run(transformer, tokens: seq7, capture: HookSelector(["*"]))
        for name in ["hook_embed", "blocks.0.hook_resid_post", "blocks.3.attn.hook_pattern", "blocks.2.mlp.hook_post", "hook_logits_precap"] {
            XCTAssertEqual(try tensor(s, "t[\"\(name)\"]"), direct[name], name)
        }
        XCTAssertEqual(try tensor(s, "t.logits"), direct.logits)
        XCTAssertEqual(try tensor(s, "t.layer(0).resid_post"), direct["blocks.0.hook_resid_post"])
        XCTAssertEqual(try tensor(s, "t.layer(1).resid_pre"), direct["blocks.1.hook_resid_pre"])
        XCTAssertEqual(try tensor(s, "t.layer(3).mlp_out"), direct["blocks.3.hook_mlp_out"])
        XCTAssertEqual(try tensor(s, "t.layer(1).ln2"), direct["blocks.1.ln2.hook_normalized"])
        XCTAssertEqual(try tensor(s, "t.layer(1).attn.pattern"), direct["blocks.1.attn.hook_pattern"])
        XCTAssertEqual(try tensor(s, "t.layer(2).attn.scores_precap"), direct["blocks.2.attn.hook_scores_precap"])
        XCTAssertEqual(try tensor(s, "t.layer(2).attn.z"), direct["blocks.2.attn.hook_z"])
        XCTAssertEqual(try tensor(s, "t.layer(2).attn.out"), direct["blocks.2.hook_attn_out"])
        XCTAssertEqual(s.string("t.layer(2).kind"), "local(4)")
        XCTAssertEqual(s.string("t.layer(3).kind"), "global")
        XCTAssertEqual(ids(s.run("t[\"blocks.1.attn.hook_q\"].shape")), [7, 4, 16])
        XCTAssertEqual(ids(s.run("t.layer(1).attn.k.shape")), [7, 2, 16])
        XCTAssertEqual(s.string("type(t.layer(0).attn.head(0))"), "AttentionMap")
        XCTAssertEqual(ids(s.run("t.layer(0).attn.head(2).values.shape")), [7, 7])
        let top = s.display("t.top(3)")
        XCTAssertEqual(top.split(separator: "\n").count, 3, top)
        let best = topIndices(Array(direct.logits.data[6 * 512 ..< 7 * 512]), 1)[0]
        XCTAssertTrue(top.hasPrefix(transformer.model.tokenizer.piece(best)), top)
    }

    func testHookPatternsAndCaps() throws {
        let s = ScriptSession()
        s.run("let p = run(\(prompt), hooks: \"blocks.*.attn.hook_pattern\")")
        XCTAssertEqual(s.run("p.hooks")?.listItems?.compactMap(\.stringValue), (0..<4).map { "blocks.\($0).attn.hook_pattern" })
        XCTAssertEqual(s.number("len(run(\(prompt), hooks: [\"hook_embed\", \"blocks.0.*\"]).hooks)"), 18)
        s.expectError("p[\"blocks.0.hook_resid_post\"]", "blocks.0.hook_resid_post was not captured")
        // Without caps the logits leave [-3, 3]; the next run has them again.
        XCTAssertGreaterThan(s.number("run(\(prompt), hooks: \"hook_embed\", caps: false).logits.abs().max()") ?? 0, 3)
        XCTAssertLessThanOrEqual(s.number("run(\(prompt), hooks: \"hook_embed\").logits.abs().max()") ?? 9, 3)
        XCTAssertTrue(try s.workspace.transformer().options.softCaps)
    }

    func testAblationsInScripts() throws {
        let s = ScriptSession()
        s.run("let base = run(\(prompt), hooks: \"blocks.1.attn.hook_z\")")
        s.run("let cut = run(\(prompt), hooks: \"blocks.1.attn.hook_z\", ablate: [[1, 2]])")
        XCTAssertEqual(s.number("cut[\"blocks.1.attn.hook_z\"][:, 2].abs().max()"), 0)
        XCTAssertEqual(s.number("(cut[\"blocks.1.attn.hook_z\"][:, 0] - base[\"blocks.1.attn.hook_z\"][:, 0]).abs().max()"), 0)
        XCTAssertGreaterThan(s.number("base[\"blocks.1.attn.hook_z\"][:, 2].abs().max()") ?? 0, 0)
        XCTAssertGreaterThan(s.number("(cut.logits - base.logits).abs().max()") ?? 0, 1e-4)
        s.run("let avg = run(\(prompt), hooks: \"blocks.1.attn.hook_z\", ablate: [[1, 2]], mean_ablate: true)")
        XCTAssertLessThan(s.number("(avg[\"blocks.1.attn.hook_z\"][0, 2] - avg[\"blocks.1.attn.hook_z\"][6, 2]).abs().max()") ?? 1, 1e-6)
        XCTAssertEqual(s.number("avg[\"blocks.1.attn.hook_z\"][3, 2, 5]") ?? 0,
                       s.number("base[\"blocks.1.attn.hook_z\"][:, 2, 5].mean()") ?? 1, accuracy: 1e-6)
    }

    func testSteeringInScripts() throws {
        let s = ScriptSession()
        s.run("let base = run(\(prompt), hooks: \"blocks.2.hook_resid_post\")")
        s.run("let v = base.layer(2).resid_post[0]")
        s.run("let steered = run(\(prompt), hooks: \"blocks.2.hook_resid_post\", steer: {hook: \"blocks.2.hook_resid_post\", vector: v, scale: 2})")
        XCTAssertEqual(s.number("((steered.layer(2).resid_post - base.layer(2).resid_post)[4] - v * 2).abs().max()") ?? 1, 0, accuracy: 1e-4)
        XCTAssertGreaterThan(s.number("(steered.logits - base.logits).abs().max()") ?? 0, 1e-4)
    }
}

/// Indices of the k largest values, largest first (ties: lowest index).
func topIndices(_ values: [Float], _ k: Int) -> [Int] {
    Array(values.indices.sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }.prefix(k))
}
