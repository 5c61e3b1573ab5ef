// `gemma-repl bench`: prompt-processing and generation speed in llama-bench's style, plus
// load time and peak memory; `--json` for scripts (Benchmarks/compare_llama_cpp.py).
import ArgumentParser
import Foundation
import Gemma
import Inspect

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure prompt processing (pp) and generation (tg) tokens/s, load time and peak memory.")

    @OptionGroup var options: ModelOptions
    @Option(name: .short, help: "Prompt tokens for the pp test (0 skips it).") var p = 512
    @Option(name: .short, help: "Tokens for the tg test (0 skips it).") var n = 128
    @Option(name: .short, help: "Repetitions of each test.") var r = 3
    @Option(help: "Hook points to capture during pp (e.g. 'blocks.*.attn.hook_pattern') to measure the cost of capture.") var capture: String?
    @Flag(help: "Run with a hook set that nobody listens to (the cost of hook points with nobody listening).") var idleHooks = false
    @Flag(help: "Register a listener that does nothing on every hook point (every value is handed out and taken back).") var listenAll = false
    @Option(name: .customLong("kv-type"), help: "KV cache storage: f32 (exact, the default) or f16 (half the memory, llama.cpp's default).")
    var kvType: String = "f32"
    @Flag(help: "Print one JSON object.") var json = false

    struct Result: Encodable {
        let model: String; let file_bytes: Int; let threads: Int
        let pp_tokens: Int; let tg_tokens: Int; let repetitions: Int
        let pp_tok_s: Double?; let pp_tok_s_all: [Double]; let tg_tok_s: Double?; let tg_tok_s_all: [Double]
        let load_ms: Double; let peak_rss_mib: Double; let capture: String?; let idle_hooks: Bool; let listen_all: Bool
        let kv_type: String
    }

    func validate() throws {
        guard p >= 0, n >= 0, r >= 1 else { throw ValidationError("-p and -n must be 0 or more and -r at least 1") }
        guard KVCacheType(rawValue: kvType) != nil else { throw ValidationError("--kv-type must be f32 or f16") }
    }

    func run() throws {
        try reportingErrors {
            let started = Date()
            let model = try options.load()
            let loadMs = Date().timeIntervalSince(started) * 1000
            let transformer = Transformer(model: model, threads: options.threadCount)
            let c = model.config
            let cacheType = KVCacheType(rawValue: kvType) ?? .f32
            var random = SeededGenerator(seed: 1234)
            let vocab = c.vocabularySize
            let promptIds = (0..<min(p, c.contextLength)).map { _ in Int(random.next() % UInt64(vocab)) }
            var hooks: Hooks?
            if idleHooks || listenAll { hooks = Hooks() }
            if listenAll, let hooks {
                for point in HookPoint.all(layers: c.layerCount) { hooks.add(point) { _, _ in } }
            }
            var ppRates: [Double] = [], tgRates: [Double] = []
            // One warm-up pass of each kind, not counted.
            _ = try transformer.forward(Array(promptIds.prefix(8)) + [2], cache: KVCache(config: c, contextLength: 16, type: cacheType))
            for _ in 0..<r {
                if p > 0 {
                    let cache = KVCache(config: c, contextLength: promptIds.count, type: cacheType)
                    let t0 = Date()
                    if let capture {
                        // What Tracer.run does, with the logits of the last position only (as the
                        // plain pass computes them), so the difference is the cost of capture.
                        let selector = HookSelector([capture])
                        if let unmatched = selector.unmatched(layers: c.layerCount).first { throw InspectError.unknownHook(unmatched) }
                        var captured: [HookPoint: Tensor] = [:]
                        let capturing = Hooks()
                        for point in selector.points(layers: c.layerCount) { capturing.add(point) { point, value in captured[point] = value } }
                        _ = try transformer.forward(promptIds, cache: cache, hooks: capturing)
                        captured.removeAll()
                    } else {
                        _ = try transformer.forward(promptIds, cache: cache, hooks: hooks)
                    }
                    ppRates.append(Double(promptIds.count) / Date().timeIntervalSince(t0))
                }
                if n > 0 {
                    let cache = KVCache(config: c, contextLength: min(c.contextLength, n + 1), type: cacheType)
                    var token = 2
                    let t0 = Date()
                    for _ in 0..<min(n, c.contextLength) {
                        let logits = try transformer.forward([token], cache: cache, hooks: hooks)
                        token = Sampler.argmax(logits.data)
                    }
                    tgRates.append(Double(min(n, c.contextLength)) / Date().timeIntervalSince(t0))
                }
            }
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            let peakMiB = Double(usage.ru_maxrss) / 1024
            let result = Result(model: model.name, file_bytes: model.file.fileSize, threads: transformer.threads,
                                pp_tokens: promptIds.count, tg_tokens: n, repetitions: r,
                                pp_tok_s: median(ppRates), pp_tok_s_all: ppRates, tg_tok_s: median(tgRates), tg_tok_s_all: tgRates,
                                load_ms: loadMs, peak_rss_mib: peakMiB, capture: capture, idle_hooks: idleHooks, listen_all: listenAll, kv_type: cacheType.rawValue)
            if json {
                print(try jsonText(result))
                return
            }
            let size = String(format: "%.2f MiB", Double(model.file.fileSize) / 1_048_576)
            let params = String(format: "%.2f M", Double(model.parameterCount) / 1e6)
            print("| model | size | params | backend | threads | test | t/s |")
            print("| --- | ---: | ---: | --- | ---: | ---: | ---: |")
            func row(_ test: String, _ rates: [Double]) {
                guard !rates.isEmpty else { return }
                print("| \(model.name) | \(size) | \(params) | CPU | \(transformer.threads) | \(test) | \(String(format: "%.2f ± %.2f", mean(rates), standardDeviation(rates))) |")
            }
            let hookNote = listenAll ? " +listen-all" : idleHooks ? " +idle-hooks" : ""
            row("pp\(promptIds.count)" + (capture != nil ? " +capture" : hookNote), ppRates)
            row("tg\(n)" + hookNote, tgRates)
            print(String(format: "load %.1f ms, peak RSS %.1f MiB", loadMs, peakMiB))
        }
    }
}

func median(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(max(values.count, 1)) }

func standardDeviation(_ values: [Double]) -> Double {
    guard values.count > 1 else { return 0 }
    let m = mean(values)
    return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
}
