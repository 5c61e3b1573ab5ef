// The key/value cache for incremental decoding: per layer, the RoPE'd keys and the values of
// every position so far, in float32. It grows with use up to the context length.

/// Keys and values of the positions processed so far.
public final class KVCache: @unchecked Sendable {  // owned by one session; not shared across threads
    public let layers: Int
    public let keyWidth: Int      // kv heads × head dim
    public let valueWidth: Int    // kv heads × value dim
    public let capacity: Int      // the context length
    /// Positions committed so far.
    public private(set) var count = 0
    private var keys: [UnsafeMutablePointer<Float>]
    private var values: [UnsafeMutablePointer<Float>]
    private var allocated = 0

    public init(config: ModelConfig, contextLength: Int? = nil) {
        layers = config.layerCount
        keyWidth = config.kvHeadCount * config.headDim
        valueWidth = config.kvHeadCount * config.valueDim
        capacity = max(1, min(contextLength ?? config.contextLength, config.contextLength))
        keys = []
        values = []
    }

    deinit {
        for pointer in keys + values { pointer.deallocate() }
    }

    /// Bytes held now.
    public var byteCount: Int { allocated * (keyWidth + valueWidth) * 4 * layers }

    /// Makes room for `positions` positions in all (amortised doubling).
    func reserve(_ positions: Int) {
        guard positions > allocated else { return }
        let newSize = min(capacity, max(positions, allocated * 2, 16))
        var newKeys: [UnsafeMutablePointer<Float>] = []
        var newValues: [UnsafeMutablePointer<Float>] = []
        for layer in 0..<layers {
            let k = UnsafeMutablePointer<Float>.allocate(capacity: newSize * keyWidth)
            let v = UnsafeMutablePointer<Float>.allocate(capacity: newSize * valueWidth)
            if allocated > 0 {
                k.update(from: keys[layer], count: count * keyWidth)
                v.update(from: values[layer], count: count * valueWidth)
                keys[layer].deallocate()
                values[layer].deallocate()
            }
            newKeys.append(k)
            newValues.append(v)
        }
        keys = newKeys
        values = newValues
        allocated = newSize
    }

    /// Keys of `layer` at `position` (kv heads × head dim).
    @inline(__always) func key(_ layer: Int, _ position: Int) -> UnsafeMutablePointer<Float> {
        keys[layer] + position * keyWidth
    }

    /// Values of `layer` at `position` (kv heads × value dim).
    @inline(__always) func value(_ layer: Int, _ position: Int) -> UnsafeMutablePointer<Float> {
        values[layer] + position * valueWidth
    }

    /// Marks positions up to `newCount` as valid (after a forward pass completes).
    func commit(_ newCount: Int) { count = newCount }

    /// Forgets everything from `position` on (to re-run or branch a prompt).
    public func truncate(to position: Int) { count = max(0, min(count, position)) }
}
