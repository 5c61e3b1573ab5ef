// Errors in scripts: unknown hooks, layers and heads out of range, wrong argument types,
// empty prompts and the capture budget — each a GemmaLangError with a clear message, after
// which the interpreter still has its variables.
import Bindings
import Foundation
import Gemma
import GemmaLang
import Inspect
import XCTest

final class ErrorTests: XCTestCase {
    let prompt = "\" the man was in the water\""

    func testErrorsAreClearAndVariablesSurvive() {
        let s = ScriptSession()
        s.run("let keep = 42\nlet t = run(\(prompt), hooks: \"blocks.*.attn.hook_pattern\")")
        let cases: [(String, [String])] = [
            // unknown hook names
            ("run(\(prompt), hooks: \"blocks.*.attn.hook_patern\")", ["no hook point matches \"blocks.*.attn.hook_patern\""]),
            ("t[\"blocks.0.hook_nothing\"]", ["blocks.0.hook_nothing is not a hook name"]),
            ("t[3]", ["index a trace with a hook name"]),
            ("dump(\(prompt), \"/tmp/never-written\", hooks: \"nothing\")", ["no hook point matches \"nothing\""]),
            // layers out of range
            ("t[\"blocks.9.hook_resid_post\"]", ["layer 9 is outside 0..<4"]),
            ("t.layer(4)", ["layer 4 is outside 0..<4"]),
            ("t.attention(-1)", ["layer -1 is outside 0..<4"]),
            ("attention(\(prompt), 9)", ["attention(): layer 9 is outside 0..<4"]),
            ("run(\(prompt), ablate: [[7, 0]])", ["layer 7 is outside 0..<4"]),
            // heads out of range
            ("attention(\(prompt), 0, head: 4)", ["head 4 is outside 0..<4"]),
            ("t.layer(0).attn.head(-1)", ["head -1 is outside 0..<4"]),
            ("t.attention(1, head: 9)", ["head 9 is outside 0..<4"]),
            ("run(\(prompt), ablate: [[0, 4]])", ["head 4 is outside 0..<4"]),
            // wrong argument types
            ("run(3)", ["run(): expected a prompt string, Tokens or a list of ids, got number"]),
            ("run([2, \"a\"])", ["token ids must be whole numbers"]),
            ("run([2, 9999])", ["token ids must be whole numbers in 0..<512"]),
            ("tokenize(5)", ["tokenize(): argument 'text' must be a string, got 5"]),
            ("attention(\(prompt), \"zero\")", ["attention(): argument 'layer' must be a whole number, got string"]),
            ("attention(\(prompt), 0, head: \"first\")", ["argument 'head' must be a whole number, got string"]),
            ("attention(\(prompt), 0, head: inf)", ["argument 'head' must be a whole number"]),
            ("generate(\(prompt), max: \"five\")", ["generate(): argument 'max' must be a whole number, got string"]),
            ("run(\(prompt), ablate: 3)", ["ablate takes [[layer, head], …], got number"]),
            ("run(\(prompt), ablate: [[0, inf]])", ["whole number"]),
            ("run(\(prompt), steer: 3)", ["steer takes {hook:"]),
            ("run(\(prompt), steer: {hook: \"blocks.9.hook_resid_post\", vector: t.layer(0).attn.pattern})", ["not a hook point of this model"]),
            ("run(\(prompt), steer: {hook: \"blocks.0.hook_resid_post\", vector: t.layer(0).attn.pattern})", ["the vector has 196 values", "64 per position"]),
            ("run(\(prompt), steer: {hook: \"blocks.0.hook_resid_post\", vector: t.layer(0).attn.pattern[0, 0]})", ["the vector has 7 values"]),
            ("run(\(prompt), steer: {hook: \"hook_embed\", vector: run(\(prompt), hooks: \"hook_embed\")[\"hook_embed\"][0], scale: \"big\"})", ["scale must be a number, got string"]),
            ("t.layer(0).attn.pattern + t.layer(0).attn.pattern[0]", ["shapes [4, 7, 7] and [7, 7] do not match"]),
            // empty prompts and tiny budgets
            ("run([])", ["run(): the prompt has no tokens"]),
            ("lens(tokenize(\"\", bos: false))", ["lens(): the prompt has no tokens"]),
            ("step([])", ["step(): the prompt has no tokens"]),
            ("softcaps([])", ["softcaps(): the prompt has no tokens"]),
        ]
        for (source, fragments) in cases {
            let result = s.interpreter.run(source)
            guard let diagnostic = result.diagnostics.first else {
                XCTFail("no error from \(source)")
                continue
            }
            XCTAssertEqual(diagnostic.kind, .runtime, source)
            for fragment in fragments {
                XCTAssertTrue(diagnostic.message.contains(fragment), "\(source): \"\(diagnostic.message)\" lacks \"\(fragment)\"")
            }
            XCTAssertEqual(s.number("keep"), 42, "after \(source)")
            XCTAssertEqual(s.string("type(t)"), "Trace", "after \(source)")
        }
        s.workspace.captureBudget = 1000
        s.expectError("run(\(prompt))", "over the budget of", "largest: hook_logits_precap")
        s.workspace.captureBudget = Tracer.defaultBudget
        XCTAssertEqual(s.number("len(run(\(prompt)).hooks)"), 72)
    }

    func testNativesThrowGemmaLangErrors() {
        let s = ScriptSession()
        let text: Value = " the man"
        let checks: [(String, [Value], [String: Value], String)] = [
            ("run", [3], [:], "expected a prompt string"),
            ("run", [text], ["hooks": "nope"], "no hook point matches"),
            ("attention", [text, 9], [:], "layer 9 is outside"),
            ("attention", [text, 0], ["head": 4], "head 4 is outside"),
            ("tokenize", [5], [:], "must be a string"),
            ("patch", [text, text, 600, 1], [:], "outside 0..<512"),
            ("lens", [text], ["k": 0], "k of 1 or more"),
            ("load_npy", ["/nonexistent/file.npy"], [:], "cannot read"),
        ]
        for (name, positional, named, fragment) in checks {
            guard let error = s.callError(name, positional, named: named) else { continue }
            XCTAssertTrue(error.description.contains(fragment), "\(name): \(error)")
        }
    }

    func testAModelThatCannotBeFoundIsAnError() {
        let s = ScriptSession(model: "/nonexistent/model.gguf")
        s.run("let keep = 1")
        s.expectError("run(\"hi\")", "no file at /nonexistent/model.gguf")
        s.expectError("load(\"/nonexistent/other.gguf\")", "no file at /nonexistent/other.gguf")
        XCTAssertEqual(s.number("keep"), 1)
    }
}
