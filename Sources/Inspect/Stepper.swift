// Stepping through inference one stage at a time — embed, each layer's attention and MLP,
// final norm, unembed, soft-cap, sample — saying at each stop where it is and what changed
// (residual norm, the top tokens the logit lens sees). Breakpoints on hook names, `continue`,
// and token-by-token stepping through generation.
//
// The forward pass runs on its own thread and parks at each hook point until told to go on.
import Foundation
import Gemma

/// One stop of a stepping session.
public struct Stop: Sendable {
    public let token: Int              // index of the generation step (0 = the prompt)
    public let point: HookPoint?       // nil at the sample stage
    public let stage: String           // "layer 3 attention", "final norm", "sample", ...
    public let value: Tensor?          // the value at this hook (all positions)
    public let residualNorm: Float?    // L2 norm of the last position's residual, where it is one
    public let previousNorm: Float?
    public let lens: [(piece: String, probability: Float)]
    public let sampled: Int?           // at the sample stage
    public let sampledPiece: String?

    public var text: String {
        var line = "[step \(token)] \(stage)"
        if let point { line += "  (\(point.name))" }
        if let residualNorm {
            line += String(format: "\n  residual norm (last position) %.3f", residualNorm)
            if let previousNorm { line += String(format: " (was %.3f, %+.3f)", previousNorm, residualNorm - previousNorm) }
        }
        if let value { line += "\n  value " + value.summary }
        if !lens.isEmpty {
            line += "\n  logit lens: " + lens.map { "\(LogitLens.visible($0.piece)) \(String(format: "%.2f", $0.probability))" }.joined(separator: ", ")
        }
        if let sampled, let sampledPiece { line += "\n  sampled token \(sampled) \(LogitLens.visible(sampledPiece).debugDescription)" }
        return line
    }
}

/// A stepping session. The forward pass runs on a worker thread that holds only the session's
/// state (`StepperSession`), so dropping a Stepper midway cancels it and the thread ends.
public final class Stepper: @unchecked Sendable {  // driven from one thread; the worker hands over through semaphores
    public enum Granularity: Sendable { case stage, hook }

    private let session: StepperSession

    public init(_ transformer: Transformer, prompt: [Int], maxTokens: Int = 1, sampler: SamplerSettings = SamplerSettings()) {
        session = StepperSession(transformer, prompt: prompt, maxTokens: maxTokens, sampler: sampler)
    }

    deinit { session.cancel() }

    public var transformer: Transformer { session.transformer }
    public var tokens: [Int] { session.tokens }
    public var breakpoints: HookSelector? {
        get { session.breakpoints }
        set { session.breakpoints = newValue }
    }
    public var finished: Bool { session.finished }
    public var error: Error? { session.error }
    public var generated: [Int] { session.generated }

    /// Advances to the next stop (a stage, or every hook point with `.hook`). Nil when done.
    public func next(_ granularity: Granularity = .stage) -> Stop? { session.next(granularity) }

    /// Runs to the next breakpoint (or the end). Nil when done.
    public func continueRun() -> Stop? { session.continueRun() }

    /// Stops the session; the worker thread ends.
    public func cancel() { session.cancel() }
}

/// The state the worker thread shares with the caller.
final class StepperSession: @unchecked Sendable {  // the caller and the worker take turns through semaphores
    typealias Granularity = Stepper.Granularity

    let transformer: Transformer
    private(set) var tokens: [Int]
    var breakpoints: HookSelector?
    private(set) var finished = false
    private(set) var error: Error?
    private(set) var generated: [Int] = []
    let maxTokens: Int
    var sampler: Sampler
    let cache: KVCache

    private let toWorker = DispatchSemaphore(value: 0)
    private let toCaller = DispatchSemaphore(value: 0)
    private var current: Stop?
    private var granularity = Granularity.stage
    private var runToBreakpoint = false
    private var hooks = Hooks()
    private var started = false
    private var lastNorm: Float?
    private var step = 0

    init(_ transformer: Transformer, prompt: [Int], maxTokens: Int, sampler: SamplerSettings) {
        self.transformer = transformer
        self.tokens = prompt
        self.maxTokens = maxTokens
        self.sampler = Sampler(sampler)
        self.cache = KVCache(config: transformer.model.config, contextLength: min(transformer.model.config.contextLength, prompt.count + maxTokens + 1))
    }

    func next(_ granularity: Granularity) -> Stop? {
        self.granularity = granularity
        runToBreakpoint = false
        return advance()
    }

    func continueRun() -> Stop? {
        runToBreakpoint = true
        return advance()
    }

    /// Tells the parked worker to stop and waits until it has: the forward pass throws at its
    /// next hook point and the worker ends, so `finished` is only ever written by the worker,
    /// before it hands over (ThreadSanitizer saw the caller's and the worker's writes race).
    func cancel() {
        guard started, !finished else { return }
        hooks.requestStop()
        toWorker.signal()
        toCaller.wait()
    }

    private func advance() -> Stop? {
        guard !finished else { return nil }
        if started { toWorker.signal() } else { start() }
        toCaller.wait()
        if finished { return nil }
        return current
    }

    private func start() {
        let c = transformer.model.config
        for point in HookPoint.all(layers: c.layerCount) {
            hooks.add(point) { [unowned self] point, value in self.arrive(point, value) }
        }
        // The thread holds the session until it ends; nothing holds the thread (no cycle).
        let thread = Thread { self.work() }
        thread.stackSize = 16 << 20
        started = true
        thread.start()
    }

    /// Whether the caller wants to see this point.
    private func wanted(_ point: HookPoint?) -> Bool {
        if runToBreakpoint { return point.map { breakpoints?.matches($0.name) ?? false } ?? false }
        guard let point else { return true }
        if granularity == .hook { return true }
        switch point {
        case .embed, .lnFinal, .logitsPrecap, .logits: return true
        case let .block(_, hook): return hook == .residMid || hook == .residPost
        }
    }

    private func stageName(_ point: HookPoint) -> String {
        switch point {
        case .embed: return "embed: token embeddings × sqrt(d_model)"
        case .lnFinal: return "final norm"
        case .logitsPrecap: return "unembed (tied embedding), before the final soft-cap"
        case .logits: return transformer.model.config.finalSoftCap != nil ? "final soft-cap" : "logits (this model has no final soft-cap)"
        case let .block(layer, hook):
            let kind = transformer.model.config.layerKinds[layer]
            switch hook {
            case .residMid: return "layer \(layer) attention (\(kind)) added to the residual"
            case .residPost: return "layer \(layer) MLP added to the residual"
            default: return "layer \(layer) \(hook.rawValue)"
            }
        }
    }

    /// Called on the worker thread at every hook point.
    private func arrive(_ point: HookPoint, _ value: Tensor) {
        guard wanted(point) else { return }
        var norm: Float?, lens: [(String, Float)] = []
        let isResidual: Bool
        switch point {
        case .embed: isResidual = true
        case let .block(_, hook): isResidual = [.residPre, .residMid, .residPost].contains(hook)
        default: isResidual = false
        }
        let width = value.shape.last ?? 1
        if isResidual {
            let last = value.rows(value.shape[0] - 1 ..< value.shape[0])
            norm = last.norm
            lens = topTokens(transformer.unembed(last))
        } else if point == .logits || point == .logitsPrecap {
            lens = topTokens(value.rows(value.count / width - 1 ..< value.count / width))
        }
        current = Stop(token: step, point: point, stage: stageName(point), value: value, residualNorm: norm,
                       previousNorm: isResidual ? lastNorm : nil, lens: lens, sampled: nil, sampledPiece: nil)
        if isResidual { lastNorm = norm }
        toCaller.signal()
        toWorker.wait()
    }

    private func topTokens(_ logits: Tensor) -> [(String, Float)] {
        let probabilities = softmaxRow(logits.data[...])
        return logits.topK(5).map { (transformer.model.tokenizer.piece($0.index), Float(probabilities[$0.index])) }
    }

    private func work() {
        do {
            guard !tokens.isEmpty else { throw InspectError.mismatch("the prompt has no tokens") }
            var input = tokens
            while true {
                let logits = try transformer.forward(input, cache: cache, hooks: hooks)
                let token = sampler.sample(logits.data, history: tokens)
                tokens.append(token)
                generated.append(token)
                if wanted(nil), !hooks.stopRequested {
                    current = Stop(token: step, point: nil, stage: "sample", value: nil, residualNorm: nil, previousNorm: nil,
                                   lens: [], sampled: token, sampledPiece: transformer.model.tokenizer.piece(token))
                    toCaller.signal()
                    toWorker.wait()
                }
                step += 1
                lastNorm = nil
                if generated.count >= maxTokens || transformer.model.endOfGeneration.contains(token) || hooks.stopRequested { break }
                input = [token]
            }
        } catch {
            if !hooks.stopRequested { self.error = error }
        }
        finished = true
        toCaller.signal()
    }
}
