// Reports in scripts: attention maps, soft-caps, the logit lens, stepping, activation
// patching, perplexity, comparisons, hooks() and model().
import Bindings
import Foundation
import Gemma
import GemmaLang
import Inspect
import XCTest

final class ReportsTests: XCTestCase {
    let prompt = "\" the man was in the water\""

    func testAttentionMapShowsTheTokenLabelsAndTheWindow() {
        let s = ScriptSession()
        s.run("let a = attention(\(prompt), 0, head: 1)")
        XCTAssertEqual(s.string("str(a)"), "AttentionMap(layer 0, head 1)")
        let display = s.display("a")
        for label in ["0:<bos>", "2:▁man", "6:▁water", "layer 0 head 1", "sliding window of 4", "masked"] {
            XCTAssertTrue(display.contains(label), "\(label) missing from\n\(display)")
        }
        XCTAssertEqual(s.run("a.values.shape")?.listItems?.compactMap(\.numberValue), [7, 7])
        XCTAssertEqual(s.number("a.values[6, 0]"), 0, "outside the window")
        XCTAssertEqual(s.number("a.values[6].sum()") ?? 0, 1, accuracy: 1e-5)
        XCTAssertEqual(s.number("a.layer"), 0)
        XCTAssertEqual(s.number("a.head"), 1)
        let mean = s.display("attention(\(prompt), 1)")
        XCTAssertTrue(mean.contains("layer 1, mean of 4 heads (global)"), mean)
        XCTAssertEqual(s.run("attention(\(prompt), 1).values.shape")?.listItems?.compactMap(\.numberValue), [4, 7, 7])
        XCTAssertTrue(s.display("run(\(prompt), hooks: \"blocks.2.attn.hook_pattern\").layer(2).attn.map()").contains("layer 2 head 3"))
    }

    func testSoftCapsAndLens() {
        let s = ScriptSession()
        s.run("let r = softcaps(\(prompt))")
        let text = s.display("r")
        for fragment in ["attention scores, cap 5.0", "layer 3 head 3", "final logits, cap 3.0", "without soft-caps: top token"] {
            XCTAssertTrue(text.contains(fragment), "\(fragment) missing from\n\(text)")
        }
        XCTAssertGreaterThan(s.number("r.bent") ?? 0, 0)
        XCTAssertGreaterThan(s.number("r.max_precap") ?? 0, 5)
        XCTAssertGreaterThan(s.number("r.kl") ?? 0, 0)
        XCTAssertNotNil(s.run("r.top_changed")?.boolValue)

        s.run("let l = lens(\(prompt))")
        let lens = s.display("l")
        XCTAssertTrue(lens.hasPrefix("logit lens: top token (probability) after each layer"), lens)
        XCTAssertTrue(lens.contains("▁water"), lens)
        let top = s.run("l.top(3, 6)")?.listItems ?? []
        XCTAssertEqual(top.count, 5)
        let probabilities = top.compactMap { $0.listItems?.last?.numberValue }
        XCTAssertTrue(probabilities.allSatisfy { $0 >= 0 && $0 <= 1 })
        // The last layer's top piece is the model's own next-token prediction.
        s.run("let t = run(\(prompt), hooks: \"hook_embed\")")
        let best = Int(s.number("t.logits[6].argmax()") ?? -1)
        let piece = (try? s.workspace.transformer().model.tokenizer.piece(best)) ?? ""
        XCTAssertEqual(top.first?.listItems?.first?.stringValue, piece)
        XCTAssertEqual(s.run("l.top(-1, 0)")?.listItems?.count, 5, "layer -1 is the embedding")
        XCTAssertFalse(s.display("l.heatmap()").isEmpty)
        s.expectError("l.top(4, 0)", "out of range")
        s.expectError("lens(\(prompt), k: 0)", "k of 1 or more")
    }

    func testStepSequence() {
        let s = ScriptSession()
        s.run("let st = step(tokenize(\" the\"))")
        XCTAssertEqual(s.string("str(st)"), "Stepper(not started)")
        var stages: [String] = []
        for _ in 0..<20 {
            guard s.run("st.done")?.boolValue == false else { break }
            s.run("st.next()")
            stages.append(s.string("str(st)") ?? "?")
        }
        var expected = ["Stepper(embed: token embeddings × sqrt(d_model))"]
        for layer in 0..<4 {
            let kind = layer % 2 == 0 ? "local(4)" : "global"
            expected += ["Stepper(layer \(layer) attention (\(kind)) added to the residual)", "Stepper(layer \(layer) MLP added to the residual)"]
        }
        expected += ["Stepper(final norm)", "Stepper(unembed (tied embedding), before the final soft-cap)", "Stepper(final soft-cap)",
                     "Stepper(sample)", "Stepper(finished)"]
        XCTAssertEqual(stages, expected)
        XCTAssertEqual(s.number("len(st.generated)"), 1)
        XCTAssertTrue(s.display("st").hasPrefix("finished; generated:"), s.display("st"))

        s.run("let b = step(tokenize(\" the\")).break_at(\"blocks.2.attn.hook_pattern\")")
        s.run("b.run()")
        XCTAssertEqual(s.string("str(b.value)"), "Tensor[4, 2, 2] blocks.2.attn.hook_pattern")
        XCTAssertTrue(s.display("b").contains("(blocks.2.attn.hook_pattern)"), s.display("b"))
        s.run("b.step()")
        XCTAssertEqual(s.string("str(b.value)"), "Tensor[2, 4, 16] blocks.2.attn.hook_z")
        s.run("b.stop()")
        XCTAssertEqual(s.run("b.done")?.boolValue, true)
        XCTAssertEqual(s.string("str(b.run())"), "Stepper(finished)")
    }

    func testPatchingInScripts() throws {
        let s = ScriptSession()
        let clean = "[2, 305, 408, 320, 313, 305, 485]", corrupted = "[2, 305, 500, 320, 313, 305, 485]"
        s.run("let r = patch(\(clean), \(corrupted), 10, 20)")
        XCTAssertEqual(s.run("r.restored.shape")?.listItems?.compactMap(\.numberValue), [4, 7])
        XCTAssertEqual(s.number("r.restored[0, 2]") ?? 0, 1, accuracy: 1e-3)
        XCTAssertEqual(s.number("r.restored[0, 5]") ?? 1, 0, accuracy: 1e-3)
        XCTAssertNotEqual(s.number("r.clean"), s.number("r.corrupted"))
        let display = s.display("r")
        XCTAssertTrue(display.contains("activation patching (hook_resid_pre)"), display)
        XCTAssertTrue(display.contains("layer 3"), display)
        // Answers given as text must be one token.
        s.run("let w = patch(\(clean), \(corrupted), \" water\", \" the\")")
        XCTAssertEqual(s.run("w.restored.shape")?.listItems?.compactMap(\.numberValue), [4, 7])
        s.expectError("patch(\(clean), \(corrupted), \" the man\", 1)", "'answer' must be one token, got 2")
        s.expectError("patch(\(clean), [2, 305], 10, 20)", "same number of tokens")
        s.expectError("patch(\(clean), \(corrupted), 512, 20)", "'answer' token 512 is outside 0..<512")
        s.expectError("patch(\(clean), \(corrupted), -1, 20)", "outside 0..<512")
        s.expectError("patch(\(clean), \(corrupted), 1e300, 20)", "whole number")
        s.expectError("patch(\(clean), \(corrupted), 1, 2, hook: \"attn.hook_nothing\")", "unknown block hook")
    }

    func testPerplexityCompareHooksAndModel() throws {
        let s = ScriptSession()
        let perplexity = s.number("perplexity(\(prompt))") ?? 0
        XCTAssertTrue(perplexity.isFinite)
        XCTAssertGreaterThan(perplexity, 1)
        s.expectError("perplexity(\"\")", "at least two tokens")

        s.run("let same = compare(\"\(Fixtures.tinyPath)\", \(prompt))")
        XCTAssertEqual(s.number("same.mean_kl"), 0)
        XCTAssertEqual(s.number("same.agreement"), 1)
        s.run("let other = compare(\"\(Fixtures.path("small-gemma2-q4_0.gguf"))\", \(prompt))")
        XCTAssertGreaterThan(s.number("other.mean_kl") ?? 0, 0)
        XCTAssertEqual(s.number("len(other.kl)"), 7)
        XCTAssertTrue(s.display("other").contains("where they disagree most"))

        let config = try s.workspace.transformer().model.config
        let entries = s.run("hooks()")?.listItems?.compactMap(\.stringValue) ?? []
        let points = HookPoint.all(layers: 4)
        XCTAssertEqual(entries.count, points.count)
        for (entry, point) in zip(entries, points) {
            XCTAssertTrue(entry.hasPrefix("\(point.name) \(point.shape(config, positions: 1)) — "), entry)
        }
        XCTAssertTrue(entries.contains { $0.hasPrefix("blocks.1.attn.hook_pattern [4, 1, 1]") })
        XCTAssertEqual(s.number("len(hooks(\"blocks.0.attn.*\"))"), 7, "q k v scores_precap attn_scores pattern z")

        XCTAssertEqual(s.number("model().layers"), 4)
        XCTAssertEqual(s.number("model().heads"), 4)
        XCTAssertEqual(s.number("model().kv_heads"), 2)
        XCTAssertEqual(s.number("model().window"), 4)
        XCTAssertEqual(s.number("model().attn_softcap"), 5)
        XCTAssertEqual(s.number("model().final_softcap"), 3)
        XCTAssertEqual(s.number("len(model().hooks)"), 72)
        XCTAssertTrue(s.display("model()").contains("4 layers: LGLG"))
    }
}
