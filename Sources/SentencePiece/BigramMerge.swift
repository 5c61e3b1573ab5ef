// SentencePiece BPE merge of one text fragment, as llama.cpp's llm_tokenizer_spm_session does it:
// UTF-8 characters become symbols, and the adjacent pair whose concatenation is the vocabulary
// piece with the highest score merges first (ties: the leftmost pair), until no pair is a piece.
// Same result, faster: stretches that no merge can cross are merged one at a time
// (CharacterPairSet), each with a priority queue over a doubly linked list (BigramQueue).

/// One symbol of the fragment: a byte range of the text, linked to its neighbours.
/// A symbol merged into its left neighbour keeps `length == 0`.
private struct Symbol {
    var start: Int32
    var length: Int32
    var previous: Int32
    var next: Int32
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
    let pairs: CharacterPairSet
    let scores: [Float]
    /// For each byte value, the token that stands for it (`<0xNN>`, else the one-byte piece,
    /// else the unknown token), or -1 when there is none (the byte is then dropped).
    let byteTokens: [Int]

    /// Appends the tokens of `text` to `output`. `text.count` must be below 2^31.
    func tokenize(_ text: UnsafeBufferPointer<UInt8>, into output: inout [Int]) {
        guard let base = text.baseAddress, !text.isEmpty else { return }
        let count = text.count

        // Split into UTF-8 characters (a sequence cut off by the end keeps what is left).
        let symbols = UnsafeMutablePointer<Symbol>.allocate(capacity: count)
        defer { symbols.deallocate() }
        var symbolCount = 0
        var offset = 0
        while offset < count {
            let length = min(utf8SequenceLength(base[offset]), count - offset)
            let end = offset + length
            let index = Int32(symbolCount)
            symbols[symbolCount] = Symbol(start: Int32(offset), length: Int32(length),
                                          previous: index - 1, next: end == count ? -1 : index + 1)
            symbolCount += 1
            offset = end
        }

        // Merge run by run: a run ends where two neighbouring characters appear next to each
        // other in no piece, since no merge can ever join them (see CharacterPairSet).
        var queue = BigramQueue(capacity: 64)
        defer { queue.deallocate() }
        var runStart = 0
        var current = CharacterPairSet.pack(base, 0, symbols[0].length)
        for index in 0 ..< symbolCount {
            var endsRun = index == symbolCount - 1
            if !endsRun {
                let next = CharacterPairSet.pack(base, symbols[index + 1].start, symbols[index + 1].length)
                endsRun = !pairs.contains(current, next)
                current = next
            }
            guard endsRun else { continue }
            symbols[runStart].previous = -1
            symbols[index].next = -1
            if index > runStart { merge(runStart ... index, symbols, base, &queue) }
            emit(from: runStart, symbols, base, into: &output)
            runStart = index + 1
        }
    }

    /// Merges the symbols `run` (linked to each other only) as llama.cpp merges a fragment:
    /// seed the queue with every adjacent pair that is a piece, then keep merging the best pair
    /// that is still valid. An entry is stale when either side has merged since it was queued:
    /// then the left symbol is gone (length 0), has no right neighbour, or the two lengths no
    /// longer add up (lengths only grow, and only the left symbol can absorb its right
    /// neighbour, so this is llama.cpp's test expressed with the current right neighbour).
    private func merge(_ run: ClosedRange<Int>, _ symbols: UnsafeMutablePointer<Symbol>,
                       _ base: UnsafePointer<UInt8>, _ queue: inout BigramQueue) {
        queue.removeAll()
        for index in run.lowerBound + 1 ... run.upperBound {
            consider(Int32(index - 1), Int32(index), symbols, base, &queue, ordered: false)
        }
        queue.heapify()
        while let (left, size) = queue.pop() {
            let leftLength = symbols[left].length
            let right = Int(symbols[left].next)
            guard leftLength > 0, right >= 0 else { continue }
            let rightLength = symbols[right].length
            guard leftLength + rightLength == size else { continue }
            symbols[left].length = size
            symbols[right].length = 0
            let after = symbols[right].next
            symbols[left].next = after
            if after >= 0 { symbols[Int(after)].previous = Int32(left) }
            consider(symbols[left].previous, Int32(left), symbols, base, &queue)
            consider(Int32(left), after, symbols, base, &queue)
        }
    }

    /// Emits the symbols linked from `first` as their pieces, or byte by byte when one is not
    /// a piece.
    private func emit(from first: Int, _ symbols: UnsafeMutablePointer<Symbol>,
                      _ base: UnsafePointer<UInt8>, into output: inout [Int]) {
        var index = first
        while index >= 0 {
            let symbol = symbols[index]
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
            index = Int(symbol.next)
        }
    }

    /// Queues the merge of `left` and `right` if their joined text is a piece.
    private func consider(_ left: Int32, _ right: Int32, _ symbols: UnsafeMutablePointer<Symbol>,
                          _ base: UnsafePointer<UInt8>, _ queue: inout BigramQueue,
                          ordered: Bool = true) {
        guard left >= 0, right >= 0 else { return }
        let size = symbols[Int(left)].length + symbols[Int(right)].length
        let id = table.lookup(base + Int(symbols[Int(left)].start), Int(size))
        guard id >= 0 else { return }
        queue.push(score: scores[id], left: left, size: size, ordered: ordered)
    }
}
