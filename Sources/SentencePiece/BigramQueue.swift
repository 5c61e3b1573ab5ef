// The priority queue of the SentencePiece merge: candidate pairs, best first, in llama.cpp's
// order (llm_bigram_spm::comparator: higher score, then smaller left index).

/// A max-heap of candidate merges in llama.cpp's order: higher score first, then the leftmost
/// pair. Entries go stale when a neighbour merges; the merge loop skips them when they come out,
/// as llama.cpp does.
///
/// Large texts make this heap the hot spot, so it is laid out for the cache: each entry packs
/// its order into one integer (the score made order-preserving in the high 32 bits,
/// `UInt32.max - left` in the low ones) next to the merged size, 16 bytes in all; each node has
/// four children, which halves the depth of a binary heap, and the four siblings share one
/// 64-byte cache line. Storage is managed by hand (freed by `deallocate`).
struct BigramQueue {
    private struct Entry {
        var key: UInt64
        var size: Int32
    }

    private static let arity = 4
    private var memory: UnsafeMutableRawPointer
    /// Entry 0 is the root; the children of entry i are 4i+1 ... 4i+4, starting on a line.
    private var entries: UnsafeMutablePointer<Entry>
    private var capacity: Int
    private var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        (memory, entries) = Self.allocate(self.capacity)
    }

    func deallocate() { memory.deallocate() }

    private static func allocate(_ capacity: Int) -> (UnsafeMutableRawPointer, UnsafeMutablePointer<Entry>) {
        let stride = MemoryLayout<Entry>.stride
        let memory = UnsafeMutableRawPointer.allocate(byteCount: (capacity + 4) * stride, alignment: 64)
        let entries = (memory + 64 - stride).bindMemory(to: Entry.self, capacity: capacity)
        return (memory, entries)
    }

    /// A float's bits turned into an unsigned integer that sorts like the float
    /// (-0.0 counts as 0.0, as the float comparison has it).
    private static func orderedBits(_ score: Float) -> UInt64 {
        let bits = (score == 0 ? Float(0) : score).bitPattern
        return UInt64(bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000)
    }

    /// Adds the merge of symbol `left` with its right neighbour into `size` bytes of `score`.
    /// With `ordered: false` the entry is only appended, and `heapify` must follow.
    mutating func push(score: Float, left: Int32, size: Int32, ordered: Bool = true) {
        if count == capacity { grow() }
        let entry = Entry(key: Self.orderedBits(score) << 32 | UInt64(UInt32.max - UInt32(left)), size: size)
        var child = count
        count += 1
        while ordered && child > 0 {
            let parent = (child - 1) / Self.arity
            guard entry.key > entries[parent].key else { break }
            entries[child] = entries[parent]
            child = parent
        }
        entries[child] = entry
    }

    /// Restores the heap order after unordered pushes (Floyd's bottom-up construction).
    mutating func heapify() {
        guard count > 1 else { return }
        var node = (count - 2) / Self.arity
        while node >= 0 {
            siftDown(entries[node], from: node)
            node -= 1
        }
    }

    /// The best entry's `left` symbol and merged size.
    /// Empties the queue, keeping its storage.
    mutating func removeAll() { count = 0 }

    mutating func pop() -> (left: Int, size: Int32)? {
        guard count > 0 else { return nil }
        let top = entries[0]
        count -= 1
        if count > 0 { siftDown(entries[count], from: 0) }
        return (Int(UInt32.max - UInt32(truncatingIfNeeded: top.key)), top.size)
    }

    /// Places `entry` at `node` or below, moving larger children up.
    private mutating func siftDown(_ entry: Entry, from node: Int) {
        var parent = node
        while true {
            let first = Self.arity * parent + 1
            if first >= count { break }
            var best = first
            var bestKey = entries[first].key
            var sibling = first + 1
            let end = min(first + Self.arity, count)
            while sibling < end {
                let key = entries[sibling].key
                if key > bestKey {
                    best = sibling
                    bestKey = key
                }
                sibling += 1
            }
            guard bestKey > entry.key else { break }
            entries[parent] = entries[best]
            parent = best
        }
        entries[parent] = entry
    }

    private mutating func grow() {
        let (newMemory, newEntries) = Self.allocate(capacity * 2)
        newEntries.moveInitialize(from: entries, count: count)
        memory.deallocate()
        memory = newMemory
        entries = newEntries
        capacity *= 2
    }
}
