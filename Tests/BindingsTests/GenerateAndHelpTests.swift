// generate() streams greedy text equal to the Generator's, and help() describes the runtime.
import Bindings
import Foundation
import Gemma
import GemmaLang
import XCTest

final class GenerateAndHelpTests: XCTestCase {
    func testGenerateReturnsTheGreedyContinuation() throws {
        let s = ScriptSession()
        let text = try XCTUnwrap(s.string("generate(\" the man\", max: 5)"))
        XCTAssertEqual(s.takeOutput(), text + "\n", "streamed as it comes, then a line break")
        let transformer = try s.workspace.transformer()
        let ids = transformer.model.tokenizer.encode(" the man", addSpecial: true, parseSpecial: true)
        let expected = try Generator(transformer: transformer).generate(promptIds: ids, maxTokens: 5, sampler: SamplerSettings())
        XCTAssertEqual(expected.generatedIds.count, 5)
        XCTAssertEqual(text, expected.text)
        XCTAssertEqual(s.workspace.lastStats?.generatedTokens, 5)
        XCTAssertEqual(s.string("generate(\" the man\", max: 0)"), "")
        s.expectError("generate(\" the man\", max: -1)", "max must be 0 or more")
    }

    func testHelpDescribesTheRuntime() {
        let s = ScriptSession()
        s.run("help(run)")
        let run = s.takeOutput()
        XCTAssertTrue(run.contains("run(prompt, hooks: \"*\", caps: true"), run)
        XCTAssertTrue(run.contains("Trace"), run)
        for name in ["attention", "softcaps", "lens", "step", "patch", "dump", "save", "hooks", "generate", "load_npy"] {
            s.run("help(\(name))")
            let text = s.takeOutput()
            XCTAssertTrue(text.contains("\(name)("), "help(\(name)): \(text)")
            XCTAssertGreaterThan(text.count, name.count + 20, "help(\(name)) says something")
        }
        s.run("help(run(\" the\", hooks: \"hook_embed\"))")
        XCTAssertTrue(s.takeOutput().contains("trace.layer(3)"))
        s.run("help(step(\" the\"))")
        XCTAssertTrue(s.takeOutput().contains("s.next()"))
    }
}
