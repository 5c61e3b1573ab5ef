// Will the model fit? An estimate of the memory a model needs, made from its GGUF header before
// any weight is read, compared with what the machine has free (as Ollama checks before loading).
import Foundation

/// The memory a model needs to run: its weights (the whole mapped file ends up in the page
/// cache), the float32 KV cache for `context` positions, and the buffers of one forward pass
/// over a batch of `batch` positions.
public struct MemoryEstimate: Sendable, Equatable {
    /// Bytes of the model file, all of which is paged in while generating.
    public var weights: Int
    /// Bytes of keys and values for `context` positions in every layer (float32).
    public var kvCache: Int
    /// Bytes of the activations of one forward pass over `batch` positions, and the logits.
    public var activations: Int
    /// Positions the KV cache is counted for.
    public var context: Int
    /// Positions the activations are counted for.
    public var batch: Int

    /// Ollama's default context (`num_ctx`): a session rarely uses more, and the cache grows
    /// with use, so a model's full trained context (32K, 128K) would refuse models that run.
    public static let defaultContext = 4096
    /// llama.cpp's default batch: the size of prompt chunk the activations are counted for.
    public static let defaultBatch = 512

    public var total: Int { weights.addingSaturating(kvCache).addingSaturating(activations) }

    /// The estimate for `config` stored in a file of `fileSize` bytes; `context` defaults to
    /// the smaller of the model's context and `defaultContext`.
    public init(config: ModelConfig, fileSize: Int, context: Int? = nil) {
        let c = config
        let positions = max(1, min(context ?? Self.defaultContext, c.contextLength))
        self.context = positions
        self.batch = min(positions, Self.defaultBatch)
        self.weights = fileSize
        let perPosition = c.layerCount.multipliedSaturating(by: c.kvHeadCount * (c.headDim + c.valueDim))
        self.kvCache = perPosition.multipliedSaturating(by: positions).multipliedSaturating(by: 4)
        // Per position of a batch: residual, norms and outputs (6 × d_model), q, k, v and z,
        // gate, up and their product (3 × ffn); plus one row of logits and the widest
        // attention-score row per head.
        let width = 6 * c.modelWidth + c.headCount * (c.headDim + c.valueDim)
            + c.kvHeadCount * (c.headDim + c.valueDim) + 3 * c.feedForwardWidth
        let scores = c.headCount.multipliedSaturating(by: positions)
        self.activations = width.multipliedSaturating(by: batch).addingSaturating(c.vocabularySize)
            .addingSaturating(scores).multipliedSaturating(by: 4)
    }

    /// "weights 1.6 GB + KV cache for 4096 tokens 872 MB + activations 91 MB".
    public var breakdown: String {
        "weights \(Self.format(weights)) + KV cache for \(context) tokens \(Self.format(kvCache))"
            + " + activations for \(batch) tokens \(Self.format(activations))"
    }

    /// Throws `GemmaError.insufficientMemory` when the estimate exceeds the available memory
    /// (nothing is checked when it cannot be known, as on macOS without `GEMMA_MEMORY_LIMIT`).
    public func check(file: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let (available, source) = Self.available(environment: environment) else { return }
        if total > available {
            throw GemmaError.insufficientMemory(file: file, estimate: self, available: available, source: source)
        }
    }

    /// Free memory in bytes and where the figure came from: `GEMMA_MEMORY_LIMIT` (bytes, or a
    /// number with K, M, G or T, binary multiples) when set, else `MemAvailable` in /proc/meminfo.
    public static func available(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> (bytes: Int, source: String)? {
        if let limit = environment["GEMMA_MEMORY_LIMIT"], !limit.isEmpty, let bytes = parseSize(limit) {
            return (bytes, "GEMMA_MEMORY_LIMIT=\(limit)")
        }
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            let fields = line.split(separator: " ")
            guard fields.count >= 2, let kibibytes = Int(fields[1]) else { return nil }
            return (kibibytes.multipliedSaturating(by: 1024), "MemAvailable in /proc/meminfo")
        }
        return nil
    }

    /// `123`, `512M`, `1.5G`, `2GiB`, `4gb` as bytes; nil for anything else.
    public static func parseSize(_ text: String) -> Int? {
        var number = text.trimmingCharacters(in: .whitespaces).uppercased()
        for suffix in ["IB", "B"] where number.hasSuffix(suffix) && number.count > suffix.count {
            number.removeLast(suffix.count)
            break
        }
        let multipliers: [Character: Double] = ["K": 0x1p10, "M": 0x1p20, "G": 0x1p30, "T": 0x1p40]
        var multiplier = 1.0
        if let last = number.last, let scale = multipliers[last] {
            multiplier = scale
            number.removeLast()
        }
        guard let value = Double(number), value.isFinite, value >= 0 else { return nil }
        let bytes = value * multiplier
        return bytes < 0x1p62 ? Int(bytes) : nil
    }

    /// Bytes in a short human form: "872 MB", "1.6 GB" (binary multiples, as `free -h`).
    public static func format(_ bytes: Int) -> String {
        let units = ["bytes", "KB", "MB", "GB", "TB", "PB", "EB"]
        var value = Double(bytes), unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) bytes" }
        return (value < 10 ? String(format: "%.1f", value) : String(format: "%.0f", value)) + " " + units[unit]
    }
}

extension Int {
    /// `self * other`, or Int.max when that overflows (both non-negative).
    func multipliedSaturating(by other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? .max : product
    }

    /// `self + other`, or Int.max when that overflows (both non-negative).
    func addingSaturating(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}
