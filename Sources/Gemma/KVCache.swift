// The key/value cache for incremental decoding: per layer, the RoPE'd keys and the values of
// every position so far, in float32 (exact, the default) or float16 (half the memory, as
// llama.cpp keeps its cache by default). It grows with use up to the context length.
import CKernels

/// How the cache stores keys and values.
public enum KVCacheType: String, Sendable, CaseIterable {
    case f32, f16

    /// Bytes per stored value.
    public var bytesPerValue: Int { self == .f32 ? 4 : 2 }
    /// The ggml type id the C kernels take.
    var ggmlType: UInt32 { self == .f32 ? 0 : 1 }
}

/// Keys and values of the positions processed so far.
public final class KVCache: @unchecked Sendable {  // owned by one session; not shared across threads
    public let layers: Int
    public let keyWidth: Int      // kv heads × head dim
    public let valueWidth: Int    // kv heads × value dim
    public let capacity: Int      // the context length
    public let type: KVCacheType
    /// Positions committed so far.
    public private(set) var count = 0
    private var keys: [UnsafeMutableRawPointer]
    private var values: [UnsafeMutableRawPointer]
    private var allocated = 0

    public init(config: ModelConfig, contextLength: Int? = nil, type: KVCacheType = .f32) {
        layers = config.layerCount
        keyWidth = config.kvHeadCount * config.headDim
        valueWidth = config.kvHeadCount * config.valueDim
        capacity = max(1, min(contextLength ?? config.contextLength, config.contextLength))
        self.type = type
        keys = []
        values = []
    }

    deinit {
        for pointer in keys + values { pointer.deallocate() }
    }

    /// Bytes held now.
    public var byteCount: Int { allocated * (keyWidth + valueWidth) * type.bytesPerValue * layers }

    /// Bytes from one position's keys to the next (one row of kv heads × head dim).
    var keyRowBytes: Int { keyWidth * type.bytesPerValue }
    /// Bytes from one position's values to the next.
    var valueRowBytes: Int { valueWidth * type.bytesPerValue }

    /// Makes room for `positions` positions in all (amortised doubling).
    func reserve(_ positions: Int) {
        guard positions > allocated else { return }
        let newSize = min(capacity, max(positions, allocated * 2, 16))
        var newKeys: [UnsafeMutableRawPointer] = []
        var newValues: [UnsafeMutableRawPointer] = []
        for layer in 0..<layers {
            let k = UnsafeMutableRawPointer.allocate(byteCount: newSize * keyRowBytes, alignment: 64)
            let v = UnsafeMutableRawPointer.allocate(byteCount: newSize * valueRowBytes, alignment: 64)
            if allocated > 0 {
                k.copyMemory(from: keys[layer], byteCount: count * keyRowBytes)
                v.copyMemory(from: values[layer], byteCount: count * valueRowBytes)
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

    /// The stored keys of `layer` at `position` (kv heads × head dim values of `type`).
    @inline(__always) func key(_ layer: Int, _ position: Int) -> UnsafeMutableRawPointer {
        keys[layer] + position * keyRowBytes
    }

    /// The stored values of `layer` at `position` (kv heads × value dim values of `type`).
    @inline(__always) func value(_ layer: Int, _ position: Int) -> UnsafeMutableRawPointer {
        values[layer] + position * valueRowBytes
    }

    /// Stores one position's keys and values (float32 in, rounded to `type`).
    func store(_ layer: Int, _ position: Int, keys k: UnsafePointer<Float>, values v: UnsafePointer<Float>) {
        switch type {
        case .f32:
            key(layer, position).copyMemory(from: k, byteCount: keyRowBytes)
            value(layer, position).copyMemory(from: v, byteCount: valueRowBytes)
        case .f16:
            ck_convert_row_f16(k, key(layer, position).assumingMemoryBound(to: UInt16.self), Int64(keyWidth))
            ck_convert_row_f16(v, value(layer, position).assumingMemoryBound(to: UInt16.self), Int64(valueWidth))
        }
    }

    /// Marks positions up to `newCount` as valid (after a forward pass completes).
    func commit(_ newCount: Int) { count = newCount }

    /// Forgets everything from `position` on (to re-run or branch a prompt).
    public func truncate(to position: Int) { count = max(0, min(count, position)) }
}
