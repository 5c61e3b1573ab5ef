// Reports in scripts: soft-cap reports, the logit lens, activation patching, comparisons,
// and stepping sessions.
import Figures
import Foundation
import Gemma
import GemmaLang
import Inspect

public final class SoftCapObject: HostObject {
    let report: SoftCapReport
    init(_ report: SoftCapReport) { self.report = report }
    public var typeName: String { "SoftCapReport" }
    public var memberNames: [String] { ["bent", "max_precap", "kl", "top_changed", "save"] }
    public var shortDescription: String { "SoftCapReport(\(report.attention.count) heads)" }
    public func display(width: Int) -> String { report.text }
    public func member(_ name: String, interpreter: Interpreter) throws -> Value? {
        switch name {
        case "bent": return .number(Double(report.attention.map(\.bent).reduce(0, +) + (report.logits?.bent ?? 0)))
        case "max_precap": return .number(Double((report.attention.map(\.maxPrecap) + [report.logits?.maxPrecap ?? 0]).max() ?? 0))
        case "kl": return .number(report.klCappedVsUncapped)
        case "top_changed": return .bool(report.topTokenCapped != report.topTokenUncapped)
        case "save": return method("save(path)", "Writes the soft-cap curves with the values seen, as .svg or .png.") { [self] args, _ in
            let path = try args.string(0, name: "path")
            try curve.write(to: path)
            return .string(path)
        }
        default: return nil
        }
    }
}

public final class LensObject: HostObject {
    let lens: LogitLens
    let workspace: Workspace
    init(_ lens: LogitLens, workspace: Workspace) { self.lens = lens; self.workspace = workspace }
    public var typeName: String { "LogitLens" }
    public var memberNames: [String] { ["heatmap", "top", "save"] }
    public var shortDescription: String { "LogitLens(\(lens.stages.count) stages × \(lens.pieces.count) positions)" }
    public func display(width: Int) -> String {
        let columns = max(1, (width - 8) / 14)
        let table = lens.table(maxPositions: columns)
        let warning = lens.firstNonFinite.map {
            "warning: element \($0.index) of \($0.hook) is not finite; the rows from there on read NaN or infinity\n"
        } ?? ""
        return warning + "logit lens: top token (probability) after each layer, last \(min(columns, lens.pieces.count)) positions\n"
            + TerminalRenderer.table(header: table.header, rows: table.rows, maxColumnWidth: 14)
    }
    public func member(_ name: String, interpreter: Interpreter) throws -> Value? {
        switch name {
        case "heatmap": return method("heatmap()", "Probability of each position's final top token, layer by layer.") { [self] _, _ in
            .object(TextObject(typeName: "Heatmap", text: TerminalRenderer.render(lens.heatmap, mode: workspace.colorMode, width: workspace.width),
                               figure: Figure(kind: .logitLens, title: lens.heatmap.title, content: .heatmap(lens.heatmap))))
        }
        case "top": return method("top(layer, position)", "The top tokens the lens sees at a layer and position.") { [self] args, _ in
            let stage = try args.int(0, name: "layer") + 1, position = try args.int(1, name: "position")
            guard stage >= 0, stage < lens.stages.count, position >= 0, position < lens.pieces.count else {
                throw GemmaLangError.message("top(): layer or position out of range")
            }
            return .makeList(lens.top[stage][position].map { .makeList([.string($0.piece), .number(Double($0.probability))]) })
        }
        case "save": return method("save(path)", "Writes the lens grid (top tokens coloured by probability) as .svg or .png.") { [self] args, _ in
            let path = try args.string(0, name: "path")
            try lens.gridFigure.write(to: path)
            return .string(path)
        }
        default: return nil
        }
    }
}

public final class PatchingObject: HostObject {
    let result: PatchingResult
    let labels: [String]
    let workspace: Workspace
    init(_ result: PatchingResult, labels: [String], workspace: Workspace) { self.result = result; self.labels = labels; self.workspace = workspace }
    public var typeName: String { "Patching" }
    public var memberNames: [String] { ["clean", "corrupted", "restored", "save"] }
    public var shortDescription: String { "Patching(\(result.metric.count) layers × \(result.metric.first?.count ?? 0) positions)" }
    public func display(width: Int) -> String {
        String(format: "metric: clean %.3f, corrupted %.3f\n", result.cleanMetric, result.corruptedMetric)
            + TerminalRenderer.render(result.heatmap(labels: labels), mode: workspace.colorMode, width: width)
    }
    public func member(_ name: String, interpreter: Interpreter) throws -> Value? {
        switch name {
        case "clean": return .number(Double(result.cleanMetric))
        case "corrupted": return .number(Double(result.corruptedMetric))
        case "restored": return .object(TensorObject(Tensor(shape: [result.restored.count, result.restored.first?.count ?? 0],
                                                            data: result.restored.flatMap { $0 }), name: "restored", workspace: workspace))
        case "save": return method("save(path)", "Writes the patching heatmap as .svg or .png.") { [self] args, _ in
            let path = try args.string(0, name: "path")
            try figures[0].write(to: path)
            return .string(path)
        }
        default: return nil
        }
    }
}

public final class StepperObject: HostObject {
    let stepper: Stepper
    var last: Stop?
    init(_ stepper: Stepper) { self.stepper = stepper }
    deinit { stepper.cancel() }
    public var typeName: String { "Stepper" }
    public var memberNames: [String] { ["next", "step", "run", "break_at", "value", "generated", "done", "stop"] }
    public var shortDescription: String { "Stepper(" + (stepper.finished ? "finished" : last?.stage ?? "not started") + ")" }
    public func display(width: Int) -> String {
        if let error = stepper.error { return "stopped with an error: \(error)" }
        if stepper.finished { return "finished; generated: \(stepper.generated)" }
        return last?.text ?? "ready: .next() goes one stage, .step() one hook point, .run() to the next breakpoint"
    }
    public var help: String {
        """
        Stepper: walks through inference one stage at a time.
          s.next()            the next stage: embed, each layer's attention and MLP, final norm, unembed, soft-cap, sample
          s.step()            the next hook point, whatever it is
          s.break_at(pattern) set breakpoints on hook names (e.g. "blocks.5.*"); s.run() goes to the next one
          s.value             the value at the current stop (a Tensor); s.done; s.generated; s.stop()
        """
    }
    func advance(_ body: () -> Stop?) -> Value {
        last = body()
        return .object(self)
    }
    public func member(_ name: String, interpreter: Interpreter) throws -> Value? {
        switch name {
        case "next": return method("next()", "Go to the next stage.") { [self] _, _ in advance { stepper.next(.stage) } }
        case "step": return method("step()", "Go to the next hook point.") { [self] _, _ in advance { stepper.next(.hook) } }
        case "run": return method("run()", "Run to the next breakpoint or the end.") { [self] _, _ in advance { stepper.continueRun() } }
        case "stop": return method("stop()", "End the session.") { [self] _, _ in stepper.cancel(); return .null }
        case "break_at": return method("break_at(patterns...)", "Breakpoints on hook names or patterns.") { [self] args, _ in
            stepper.breakpoints = HookSelector(try args.rest(from: 0).map { value in
                guard let s = value.stringValue else { throw GemmaLangError.message("break_at(): patterns are strings") }
                return s
            })
            return .object(self)
        }
        case "value": return last?.value.map { .object(TensorObject($0, name: last?.point?.name)) } ?? .null
        case "generated": return numbers(stepper.generated)
        case "done": return .bool(stepper.finished)
        default: return nil
        }
    }
}

public final class ComparisonObject: HostObject {
    let comparison: DistributionComparison
    let pieces: [String]
    init(_ comparison: DistributionComparison, pieces: [String]) { self.comparison = comparison; self.pieces = pieces }
    public var typeName: String { "Comparison" }
    public var memberNames: [String] { ["mean_kl", "agreement", "kl"] }
    public var shortDescription: String { String(format: "Comparison(mean KL %.4f, top-1 agreement %.0f%%)", comparison.meanKL, 100 * comparison.topOneAgreement) }
    public func display(width: Int) -> String {
        var lines = [String(format: "mean KL(reference ‖ candidate) %.5f nats; top-1 agreement %.1f%% of %d positions",
                            comparison.meanKL, 100 * comparison.topOneAgreement, comparison.positions.count)]
        lines.append("KL per position: " + TerminalRenderer.sparkline(comparison.positions.map { Float($0.kl) }))
        lines.append("where they disagree most:")
        for p in comparison.worst(5) {
            let piece = p.position < pieces.count ? LogitLens.visible(pieces[p.position]) : ""
            lines.append("  position \(p.position) \(piece.debugDescription)"
                         + String(format: "  KL %.4f  top-1 %d vs %d", p.kl, p.referenceTop, p.candidateTop))
        }
        return lines.joined(separator: "\n")
    }
    public func member(_ name: String, interpreter: Interpreter) throws -> Value? {
        switch name {
        case "mean_kl": return .number(comparison.meanKL)
        case "agreement": return .number(comparison.topOneAgreement)
        case "kl": return .makeList(comparison.positions.map { .number($0.kl) })
        default: return nil
        }
    }
}
