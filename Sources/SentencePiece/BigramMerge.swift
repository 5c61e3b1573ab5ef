// SentencePiece BPE merge of one text fragment, as llama.cpp's llm_tokenizer_spm_session does it:
// UTF-8 characters become symbols, and the adjacent pair whose concatenation is the vocabulary
// piece with the highest score merges first (ties: the leftmost pair), until no pair is a piece.

/// One symbol of the fragment: a byte range of the text, linked to its neighbours.
/// A symbol merged into its left neighbour keeps `length == 0`.
private struct Symbol {
    var start: Int32
    var length: Int32
    var previous: Int32
    var next: Int32
}

/// A candidate merge of `left` and `right` into a piece of `size` bytes and score `score`.
private struct Bigram {
    var score: Float
    var left: Int32
    var right: Int32
    var size: Int32

    /// Priority order: higher score first, then the leftmost pair.
    func comesBefore(_ other: Bigram) -> Bool {
        score > other.score || (score == other.score && left < other.left)
    }
}

/// A binary max-heap of candidate merges. Entries go stale when a neighbour merges; the merge
/// loop skips them when they come out (the sizes no longer add up), as llama.cpp does.
private struct BigramQueue {
    private var heap: [Bigram] = []

    mutating func push(_ bigram: Bigram) {
        heap.append(bigram)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].comesBefore(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Bigram? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if heap.isEmpty { return top }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            if left >= heap.count { break }
            let right = left + 1
            var best = left
            if right < heap.count && heap[right].comesBefore(heap[left]) { best = right }
            guard heap[best].comesBefore(heap[parent]) else { break }
            heap.swapAt(best, parent)
            parent = best
        }
        return top
    }
}

/// The bytes a UTF-8 sequence starting with `byte` claims, from its high four bits (llama.cpp
/// unicode_len_utf8): continuation and invalid lead bytes count as one-byte characters.
@inline(__always)
func utf8SequenceLength(_ byte: UInt8) -> Int {
    switch byte >> 4 {
    case 0xC, 0xD: return 2
    case 0xE: return 3
    case 0xF: return 4
    default: return 1
    }
}

/// The merge over a whitespace-escaped fragment (spaces already replaced by `▁`).
struct BigramMerge {
    let table: PieceTable
    let scores: [Float]
    /// For each byte value, the token that stands for it (`<0xNN>`, else the one-byte piece,
    /// else the unknown token), or -1 when there is none (the byte is then dropped).
    let byteTokens: [Int]

    /// Appends the tokens of `text` to `output`. `text.count` must be below 2^31.
    func tokenize(_ text: UnsafeBufferPointer<UInt8>, into output: inout [Int]) {
        guard let base = text.baseAddress, !text.isEmpty else { return }
        let count = text.count

        // Split into UTF-8 characters (a sequence cut off by the end keeps what is left).
        var symbols: [Symbol] = []
        symbols.reserveCapacity(count)
        var offset = 0
        while offset < count {
            let length = min(utf8SequenceLength(base[offset]), count - offset)
            let index = Int32(symbols.count)
            let end = offset + length
            symbols.append(Symbol(start: Int32(offset), length: Int32(length),
                                  previous: index - 1, next: end == count ? -1 : index + 1))
            offset = end
        }

        var queue = BigramQueue()
        func considerPair(_ left: Int32, _ right: Int32) {
            guard left >= 0, right >= 0 else { return }
            let start = Int(symbols[Int(left)].start)
            let size = symbols[Int(left)].length + symbols[Int(right)].length
            let id = table.lookup(base + start, Int(size))
            guard id >= 0 else { return }
            queue.push(Bigram(score: scores[id], left: left, right: right, size: size))
        }

        // Seed with every adjacent pair, then keep merging the best pair that is still valid.
        for index in 1 ..< symbols.count {
            considerPair(Int32(index - 1), Int32(index))
        }
        while let bigram = queue.pop() {
            let left = Int(bigram.left)
            let right = Int(bigram.right)
            let leftLength = symbols[left].length
            let rightLength = symbols[right].length
            if leftLength == 0 || rightLength == 0 || leftLength + rightLength != bigram.size {
                continue  // stale: one side has merged with something else since
            }
            symbols[left].length = leftLength + rightLength
            symbols[right].length = 0
            let after = symbols[right].next
            symbols[left].next = after
            if after >= 0 { symbols[Int(after)].previous = bigram.left }
            considerPair(symbols[left].previous, bigram.left)
            considerPair(bigram.left, after)
        }

        // Emit each surviving symbol as its piece, or byte by byte when it is not a piece.
        var index: Int32 = 0
        while index >= 0 {
            let symbol = symbols[Int(index)]
            let start = Int(symbol.start)
            let id = table.lookup(base + start, Int(symbol.length))
            if id >= 0 {
                output.append(id)
            } else {
                for position in start ..< start + Int(symbol.length) {
                    let token = byteTokens[Int(base[position])]
                    if token >= 0 { output.append(token) }
                }
            }
            index = symbol.next
        }
    }
}
