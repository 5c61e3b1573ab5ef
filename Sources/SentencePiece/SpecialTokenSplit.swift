// Splitting text at vocabulary entries that bypass the merge, in llama.cpp's order
// (llama_vocab::impl::tokenizer_st_partition): user-defined tokens always, control and
// unknown tokens only when special tokens are parsed.
//
// llama.cpp takes these tokens longest first and, for each one in turn, cuts every occurrence
// (leftmost first, non-overlapping) out of the text pieces that are still raw. That is not a
// leftmost-longest scan: with tokens "bcd" and "ab", "abcd" gives "a" + <bcd>. To do the same in
// linear time, one pass finds every occurrence of every token with a trie, and then the lengths
// are taken in decreasing order, accepting an occurrence when it touches no accepted span.
// Checking its first and last byte suffices: an accepted span is at least as long as the
// occurrence, so it can only overlap it by covering one of its ends.
//
// Tokens of equal length: llama.cpp orders them by an unstable sort, we take their occurrences
// left to right. The two agree unless two different equal-length tokens can overlap (a proper
// suffix of one is a prefix of the other); the Gemma 3 vocabulary has no such pair (tested).

/// One piece of split text: raw bytes for the merge, or a token taken as it is.
enum TextSegment {
    case text(Range<Int>)
    case token(Int)
}

/// A byte trie of the split-out tokens with the occurrence search and the ordered acceptance.
///
/// `@unchecked Sendable`: the trie's buffers are filled in `init`, only read afterwards, and
/// freed in `deinit`; raw buffers keep the per-byte trie walk free of reference counting and
/// bounds checks in debug builds.
final class SpecialTokenSplitter: @unchecked Sendable {
    /// Children of node n: `edgeBytes/edgeTargets[firstEdge[n] ..< firstEdge[n + 1]]`.
    private let firstEdge: UnsafeMutableBufferPointer<Int32>
    private let edgeBytes: UnsafeMutableBufferPointer<UInt8>
    private let edgeTargets: UnsafeMutableBufferPointer<Int32>
    /// The token whose text ends at each node, or -1.
    private let nodeToken: UnsafeMutableBufferPointer<Int32>
    /// The children of the root by byte (the root's list would be long), -1 for none.
    private let rootChildren: UnsafeMutableBufferPointer<Int32>
    /// Distinct token lengths, longest first; `lengthRank[length]` is a length's index here.
    private let lengths: [Int]
    private let lengthRank: [Int]

    /// Indexes the tokens `ids`, whose texts are read from `table`; ids with empty text are
    /// ignored.
    init(ids: [Int], table: PieceTable) {
        // Build with per-node child lists, then flatten.
        var children: [[(byte: UInt8, node: Int32)]] = [[]]
        var tokens: [Int32] = [-1]
        var lengthSet = Set<Int>()
        for id in ids {
            let bytes = table.bytes(of: id)
            guard !bytes.isEmpty else { continue }
            var node = 0
            for byte in bytes {
                if let edge = children[node].first(where: { $0.byte == byte }) {
                    node = Int(edge.node)
                } else {
                    children.append([])
                    tokens.append(-1)
                    children[node].append((byte, Int32(children.count - 1)))
                    node = children.count - 1
                }
            }
            if tokens[node] < 0 { tokens[node] = Int32(id) }
            lengthSet.insert(bytes.count)
        }
        var firstEdge: [Int32] = [0]
        var edgeBytes: [UInt8] = []
        var edgeTargets: [Int32] = []
        for list in children {
            for edge in list.sorted(by: { $0.byte < $1.byte }) {
                edgeBytes.append(edge.byte)
                edgeTargets.append(edge.node)
            }
            firstEdge.append(Int32(edgeBytes.count))
        }
        var rootChildren = [Int32](repeating: -1, count: 256)
        for edge in children[0] { rootChildren[Int(edge.byte)] = edge.node }
        let lengths = lengthSet.sorted(by: >)
        var lengthRank = [Int](repeating: -1, count: (lengths.first ?? 0) + 1)
        for (rank, length) in lengths.enumerated() { lengthRank[length] = rank }

        self.firstEdge = Self.copy(firstEdge)
        self.edgeBytes = Self.copy(edgeBytes)
        self.edgeTargets = Self.copy(edgeTargets)
        self.nodeToken = Self.copy(tokens)
        self.rootChildren = Self.copy(rootChildren)
        self.lengths = lengths
        self.lengthRank = lengthRank
    }

    deinit {
        firstEdge.deallocate()
        edgeBytes.deallocate()
        edgeTargets.deallocate()
        nodeToken.deallocate()
        rootChildren.deallocate()
    }

    private static func copy<Element>(_ array: [Element]) -> UnsafeMutableBufferPointer<Element> {
        let buffer = UnsafeMutableBufferPointer<Element>.allocate(capacity: max(array.count, 1))
        _ = buffer.initialize(from: array)
        return buffer
    }

    /// The child of `node` along `byte`, or -1.
    private func child(of node: Int, _ byte: UInt8) -> Int {
        var edge = Int(firstEdge[node])
        let end = Int(firstEdge[node + 1])
        while edge < end {
            if edgeBytes[edge] == byte { return Int(edgeTargets[edge]) }
            edge += 1
        }
        return -1
    }

    /// The token spelled by `text[start ..< start + length]` (known to be one).
    private func token(at start: Int, length: Int, in text: UnsafeBufferPointer<UInt8>) -> Int {
        var node = Int(rootChildren[Int(text[start])])
        for position in start + 1 ..< start + length where node >= 0 {
            node = child(of: node, text[position])
        }
        return node >= 0 ? Int(nodeToken[node]) : -1
    }

    /// Splits `text` into raw pieces and tokens, in text order.
    func split(_ text: UnsafeBufferPointer<UInt8>) -> [TextSegment] {
        let count = text.count
        guard count > 0 else { return [] }
        guard !lengths.isEmpty else { return [.text(0 ..< count)] }

        // Every position where some token starts (`candidates`), with a bit per token length
        // found there (`masks`, `words` words per candidate).
        let words = (lengths.count + 63) / 64
        var candidateCount = 0
        var candidates = UnsafeMutablePointer<Int>.allocate(capacity: 16)
        var masks = UnsafeMutablePointer<UInt64>.allocate(capacity: 16 * words)
        var capacity = 16
        defer {
            candidates.deallocate()
            masks.deallocate()
        }
        let rootChildren = self.rootChildren
        let nodeToken = self.nodeToken
        let lengthRank = self.lengthRank
        for start in 0 ..< count {
            var node = Int(rootChildren[Int(text[start])])
            if node < 0 { continue }
            var position = start
            var found = false
            while node >= 0 {
                if nodeToken[node] >= 0 {
                    if !found {
                        found = true
                        if candidateCount == capacity {
                            capacity *= 2
                            candidates = Self.grow(candidates, from: candidateCount, to: capacity)
                            masks = Self.grow(masks, from: candidateCount * words, to: capacity * words)
                        }
                        candidates[candidateCount] = start
                        (masks + candidateCount * words).initialize(repeating: 0, count: words)
                        candidateCount += 1
                    }
                    let rank = lengthRank[position - start + 1]
                    masks[(candidateCount - 1) * words + rank / 64] |= 1 << UInt64(rank % 64)
                }
                position += 1
                if position == count { break }
                node = child(of: node, text[position])
            }
        }
        guard candidateCount > 0 else { return [.text(0 ..< count)] }

        // Longest tokens first; within a length, left to right; skip anything overlapping.
        // Candidates whose first byte is covered can never be accepted and are dropped.
        let covered = UnsafeMutablePointer<Bool>.allocate(capacity: count)
        covered.initialize(repeating: false, count: count)
        defer { covered.deallocate() }
        var accepted: [(start: Int, length: Int, token: Int)] = []
        for (rank, length) in lengths.enumerated() {
            let word = rank / 64
            let bit = UInt64(1) << UInt64(rank % 64)
            var kept = 0
            for index in 0 ..< candidateCount {
                let start = candidates[index]
                if covered[start] { continue }
                if masks[index * words + word] & bit != 0 && !covered[start + length - 1] {
                    accepted.append((start, length, token(at: start, length: length, in: text)))
                    (covered + start).update(repeating: true, count: length)
                    continue
                }
                if kept != index {
                    candidates[kept] = start
                    (masks + kept * words).update(from: masks + index * words, count: words)
                }
                kept += 1
            }
            candidateCount = kept
        }

        accepted.sort { $0.start < $1.start }
        var segments: [TextSegment] = []
        var position = 0
        for match in accepted {
            if match.start > position { segments.append(.text(position ..< match.start)) }
            segments.append(.token(match.token))
            position = match.start + match.length
        }
        if position < count { segments.append(.text(position ..< count)) }
        return segments
    }

    private static func grow<Element>(_ buffer: UnsafeMutablePointer<Element>, from count: Int,
                                      to capacity: Int) -> UnsafeMutablePointer<Element> {
        let larger = UnsafeMutablePointer<Element>.allocate(capacity: capacity)
        larger.moveInitialize(from: buffer, count: count)
        buffer.deallocate()
        return larger
    }
}
