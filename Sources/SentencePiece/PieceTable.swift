// The vocabulary's pieces as one UTF-8 buffer with a hash index from piece bytes to id, so the
// merge can look up any slice of the text without building a String (llama.cpp: token_to_id).

/// Immutable after `init`: every piece's bytes in one buffer and an open-addressing hash table
/// (linear probing, FNV-1a) from bytes to token id.
///
/// `@unchecked Sendable`: the buffers are allocated and filled in `init`, never written
/// afterwards, and freed in `deinit`; raw buffers keep lookups free of bounds and exclusivity
/// checks, which matters for debug builds of the merge loop.
final class PieceTable: @unchecked Sendable {
    /// Bytes of all pieces, piece `id` at `offsets[id] ..< offsets[id + 1]`.
    private let storage: UnsafeMutablePointer<UInt8>
    private let offsets: UnsafeMutableBufferPointer<Int>
    /// Hash slots holding a token id, or -1 for an empty slot; the count is a power of two.
    private let slots: UnsafeMutableBufferPointer<Int32>
    private let slotMask: Int

    /// The number of pieces.
    let count: Int

    /// Indexes `pieces`; throws `duplicatePiece` when two pieces have the same bytes.
    init(pieces: [String]) throws(TokenizerError) {
        let offsets = UnsafeMutableBufferPointer<Int>.allocate(capacity: pieces.count + 1)
        offsets[0] = 0
        var total = 0
        for (id, piece) in pieces.enumerated() {
            total += piece.utf8.count
            offsets[id + 1] = total
        }
        let storage = UnsafeMutablePointer<UInt8>.allocate(capacity: max(total, 1))
        var position = 0
        for piece in pieces {
            for byte in piece.utf8 {
                storage[position] = byte
                position += 1
            }
        }
        var slotCount = 16
        while slotCount < pieces.count * 2 { slotCount *= 2 }
        let slots = UnsafeMutableBufferPointer<Int32>.allocate(capacity: slotCount)
        slots.initialize(repeating: -1)
        self.count = pieces.count
        self.storage = storage
        self.offsets = offsets
        self.slots = slots
        self.slotMask = slotCount - 1

        let base = UnsafePointer(storage)
        for id in 0..<pieces.count {
            let start = offsets[id]
            let length = offsets[id + 1] - start
            var slot = Self.hash(base + start, length) & slotMask
            while slots[slot] >= 0 {
                let other = Int(slots[slot])
                if equalBytes(other, base + start, length) {
                    throw .duplicatePiece(piece: pieces[id], firstID: other, secondID: id)
                }
                slot = (slot + 1) & slotMask
            }
            slots[slot] = Int32(id)
        }
    }

    deinit {
        storage.deallocate()
        offsets.deallocate()
        slots.deallocate()
    }

    /// The id of the piece whose bytes are `bytes[0 ..< length]`, or -1.
    func lookup(_ bytes: UnsafePointer<UInt8>, _ length: Int) -> Int {
        var slot = Self.hash(bytes, length) & slotMask
        while true {
            let id = Int(slots[slot])
            if id < 0 { return -1 }
            if equalBytes(id, bytes, length) { return id }
            slot = (slot + 1) & slotMask
        }
    }

    /// The id of the piece spelled by `bytes`, or -1.
    func lookup(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            lookup(buffer.baseAddress ?? UnsafePointer(storage), buffer.count)
        }
    }

    /// The bytes of piece `id` (which must be in range).
    func bytes(of id: Int) -> UnsafeBufferPointer<UInt8> {
        let start = offsets[id]
        return UnsafeBufferPointer(start: storage + start, count: offsets[id + 1] - start)
    }

    private func equalBytes(_ id: Int, _ bytes: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        let start = offsets[id]
        guard offsets[id + 1] - start == length else { return false }
        var index = 0
        while index < length {
            if storage[start + index] != bytes[index] { return false }
            index += 1
        }
        return true
    }

    /// 64-bit FNV-1a, folded so that the low bits used as a slot index see all input bits.
    private static func hash(_ bytes: UnsafePointer<UInt8>, _ length: Int) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var index = 0
        while index < length {
            hash = (hash ^ UInt64(bytes[index])) &* 0x0000_0100_0000_01b3
            index += 1
        }
        return Int(truncatingIfNeeded: hash ^ (hash >> 29))
    }
}
