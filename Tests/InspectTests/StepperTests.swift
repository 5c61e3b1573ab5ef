// The stepper: the stages of one forward pass in order, its values equal to a trace's,
// breakpoints, generation token by token, and cancelling without leaving a thread behind.
import Foundation
import Gemma
import Inspect
import XCTest

final class StepperTests: XCTestCase {
    let prompt = [2, 305]

    func testStagesOfATwoTokenPromptInOrder() throws {
        let stepper = Stepper(try Fixtures.tiny(), prompt: prompt)
        var stops: [Stop] = []
        while let stop = stepper.next() {
            stops.append(stop)
            XCTAssertLessThan(stops.count, 100, "the stepper must end")
            if stops.count >= 100 { break }
        }
        var expected = ["embed: token embeddings × sqrt(d_model)"]
        for layer in 0..<4 {
            let kind = layer % 2 == 0 ? "local(4)" : "global"
            expected += ["layer \(layer) attention (\(kind)) added to the residual", "layer \(layer) MLP added to the residual"]
        }
        expected += ["final norm", "unembed (tied embedding), before the final soft-cap", "final soft-cap", "sample"]
        XCTAssertEqual(stops.map(\.stage), expected)
        var points: [HookPoint?] = [.embed]
        for layer in 0..<4 { points += [.block(layer, .residMid), .block(layer, .residPost)] }
        points += [.lnFinal, .logitsPrecap, .logits, nil]
        XCTAssertEqual(stops.map(\.point), points)
        XCTAssertTrue(stops.allSatisfy { $0.token == 0 })
        XCTAssertTrue(stepper.finished)
        XCTAssertNil(stepper.error)
        XCTAssertNil(stepper.next(), "finished stays finished")

        // Residual stops carry norms that chain; the logit lens has five entries.
        XCTAssertNil(stops[0].previousNorm)
        for i in 1...8 {
            XCTAssertEqual(stops[i].previousNorm, stops[i - 1].residualNorm)
            XCTAssertEqual(stops[i].lens.count, 5)
        }
        XCTAssertNil(stops[9].residualNorm, "final norm is not the residual stream")
        XCTAssertTrue(stops[0].text.contains("hook_embed"), stops[0].text)
        XCTAssertTrue(stops.last?.text.contains("sampled token") ?? false)
    }

    func testValuesEqualATracesAndTheSampleIsTheGreedyToken() throws {
        let transformer = try Fixtures.tiny()
        let trace = try Tracer.run(transformer, tokens: prompt, capture: HookSelector(["*"]))
        let stepper = Stepper(transformer, prompt: prompt)
        var seen: [HookPoint] = []
        var sampled: Int?
        while let stop = stepper.next(.hook) {
            guard let point = stop.point else { sampled = stop.sampled; continue }
            seen.append(point)
            XCTAssertEqual(stop.value, trace.values[point], point.name)
        }
        XCTAssertEqual(seen, HookPoint.all(layers: 4), "every hook point, in order")
        XCTAssertEqual(sampled, topIndices(row(trace.logits, 1), 1)[0])
        XCTAssertEqual(stepper.generated, [try XCTUnwrap(sampled)])
        XCTAssertEqual(stepper.tokens, prompt + [try XCTUnwrap(sampled)])
    }

    func testBreakpointsStopOnlyWhereAsked() throws {
        let transformer = try Fixtures.tiny()
        let stepper = Stepper(transformer, prompt: prompt, maxTokens: 2)
        stepper.breakpoints = HookSelector(["blocks.2.attn.hook_pattern"])
        let first = try XCTUnwrap(stepper.continueRun())
        XCTAssertEqual(first.point, .block(2, .pattern))
        XCTAssertEqual(first.token, 0)
        XCTAssertEqual(first.value?.shape, [4, 2, 2])
        // Mixing: one stage on, then to the breakpoint in the next token's pass.
        XCTAssertEqual(stepper.next()?.point, .block(2, .residMid))
        let second = try XCTUnwrap(stepper.continueRun())
        XCTAssertEqual(second.point, .block(2, .pattern))
        XCTAssertEqual(second.token, 1)
        XCTAssertEqual(second.value?.shape, [4, 1, 3], "one new query over three keys")
        XCTAssertNil(stepper.continueRun(), "no more breakpoints: runs to the end")
        XCTAssertTrue(stepper.finished)
        XCTAssertEqual(stepper.generated.count, 2)
        // The same tokens as plain greedy generation.
        let generation = try Generator(transformer: transformer).generate(promptIds: prompt, maxTokens: 2, sampler: SamplerSettings())
        XCTAssertEqual(stepper.generated, generation.generatedIds)
    }

    /// Waits until nothing refers to `object` any more (the worker thread holds the session,
    /// which holds the transformer, so the transformer going away proves the thread ended).
    func waitForRelease(_ object: () -> AnyObject?, seconds: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while object() != nil && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        return object() == nil
    }

    func testCancelMidwayEndsTheWorkerThread() throws {
        weak var weakTransformer: Transformer?
        do {
            let transformer = try Fixtures.tiny()
            weakTransformer = transformer
            let stepper = Stepper(transformer, prompt: prompt)
            XCTAssertNotNil(stepper.next())
            XCTAssertNotNil(stepper.next())
            stepper.cancel()
            XCTAssertTrue(stepper.finished)
            XCTAssertNil(stepper.next())
            XCTAssertNil(stepper.error, "cancelling is not an error")
            stepper.cancel()
        }
        XCTAssertTrue(waitForRelease { weakTransformer }, "the worker thread is still running, or the session leaked")
    }

    /// Cancelled at the pass's last hook point, the worker must not park again at the sample stop.
    func testCancelAtTheLastHookPointEndsTheWorkerThread() throws {
        weak var weakTransformer: Transformer?
        do {
            let transformer = try Fixtures.tiny()
            weakTransformer = transformer
            let stepper = Stepper(transformer, prompt: prompt)
            var stop = stepper.next()
            while let current = stop, current.point != .logits { stop = stepper.next() }
            XCTAssertEqual(stop?.point, .logits)
            stepper.cancel()
            XCTAssertTrue(stepper.finished)
            XCTAssertNil(stepper.next())
        }
        XCTAssertTrue(waitForRelease { weakTransformer }, "the worker thread is parked at the sample stop")
    }

    func testDroppingAStepperMidwayEndsTheWorkerThread() throws {
        weak var weakTransformer: Transformer?
        do {
            let transformer = try Fixtures.tiny()
            weakTransformer = transformer
            let stepper = Stepper(transformer, prompt: prompt)
            XCTAssertNotNil(stepper.next())
        }
        XCTAssertTrue(waitForRelease { weakTransformer }, "a dropped stepper left its worker thread parked forever")
    }

    func testFinishedSessionsAreReleased() throws {
        weak var weakTransformer: Transformer?
        do {
            let transformer = try Fixtures.tiny()
            weakTransformer = transformer
            let stepper = Stepper(transformer, prompt: prompt)
            while stepper.next() != nil {}
        }
        XCTAssertTrue(waitForRelease { weakTransformer }, "the session outlives its stepper")
    }

    func testEmptyPromptEndsWithAnError() throws {
        let stepper = Stepper(try Fixtures.tiny(), prompt: [])
        XCTAssertNil(stepper.next())
        XCTAssertTrue(stepper.finished)
        XCTAssertTrue(stepper.error.map { "\($0)".contains("no tokens") } ?? false, "\(String(describing: stepper.error))")
    }

    func testCancelBeforeStartingAndAfterFinishingIsHarmless() throws {
        let stepper = Stepper(try Fixtures.tiny(), prompt: prompt)
        stepper.cancel()
        XCTAssertNotNil(stepper.next(), "never started: cancel did nothing")
        while stepper.next() != nil {}
        stepper.cancel()
        XCTAssertTrue(stepper.finished)
    }
}
