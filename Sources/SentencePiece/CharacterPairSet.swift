// Which characters occur next to each other inside some vocabulary piece. Where two
// neighbouring characters of a text never do, no merge can join them, so the merge may work on
// the runs between such places separately: with Gemma's vocabulary that is every few characters,
// which keeps the priority queue small and in cache instead of holding a whole megabyte.
//
// Why this is exact: a merged symbol's text is a piece, and splitting that piece into characters
// (by the lead-byte rule the merge uses) gives exactly the text symbols it was built from, so the
// two characters on each side of every boundary it covers are neighbours inside a piece. Merges
// in different runs never touch the same symbol or candidate pair, so doing them run by run
// instead of interleaved by global priority gives the same result.

/// A hash set of (character, character) pairs, each character packed into 32 bits.
///
/// `@unchecked Sendable`: filled in `init`, only read afterwards, freed in `deinit`.
final class CharacterPairSet: @unchecked Sendable {
    private var keys: UnsafeMutablePointer<UInt64>
    private var used: UnsafeMutablePointer<Bool>
    private var slotCount = 1 << 12
    private var count = 0

    /// Collects the neighbouring characters of every piece in `table`.
    init(table: PieceTable) {
        keys = .allocate(capacity: slotCount)
        used = .allocate(capacity: slotCount)
        used.initialize(repeating: false, count: slotCount)
        for id in 0 ..< table.count {
            let piece = table.bytes(of: id)
            guard let base = piece.baseAddress else { continue }
            var offset = 0
            var previous: UInt32?
            while offset < piece.count {
                let length = min(utf8SequenceLength(base[offset]), piece.count - offset)
                let character = Self.pack(base, Int32(offset), Int32(length))
                if let previous { insert(Self.key(previous, character)) }
                previous = character
                offset += length
            }
        }
    }

    deinit {
        keys.deallocate()
        used.deallocate()
    }

    /// The up to four bytes of the character at `text[start ..< start + length]` in one
    /// integer. Different characters may share a value only if they differ in trailing zero
    /// bytes (truncated sequences), which can only make `contains` say yes more often: safe.
    static func pack(_ text: UnsafePointer<UInt8>, _ start: Int32, _ length: Int32) -> UInt32 {
        var value: UInt32 = 0
        var index = 0
        while index < Int(length) {
            value |= UInt32(text[Int(start) + index]) << UInt32(8 * index)
            index += 1
        }
        return value
    }

    /// Whether `first` directly followed by `second` occurs inside some piece.
    func contains(_ first: UInt32, _ second: UInt32) -> Bool {
        let key = Self.key(first, second)
        let mask = slotCount - 1
        var slot = Self.hash(key) & mask
        while used[slot] {
            if keys[slot] == key { return true }
            slot = (slot + 1) & mask
        }
        return false
    }

    private static func key(_ first: UInt32, _ second: UInt32) -> UInt64 {
        UInt64(first) << 32 | UInt64(second)
    }

    private static func hash(_ key: UInt64) -> Int {
        let mixed = (key ^ (key >> 29)) &* 0xBF58_476D_1CE4_E5B9
        return Int(truncatingIfNeeded: mixed ^ (mixed >> 32))
    }

    private func insert(_ key: UInt64) {
        var mask = slotCount - 1
        var slot = Self.hash(key) & mask
        while used[slot] {
            if keys[slot] == key { return }
            slot = (slot + 1) & mask
        }
        keys[slot] = key
        used[slot] = true
        count += 1
        if count * 2 > slotCount {
            grow()
            mask = slotCount - 1
        }
    }

    /// Doubles the table and re-inserts every key.
    private func grow() {
        let oldKeys = keys
        let oldUsed = used
        let oldCount = slotCount
        slotCount *= 2
        keys = .allocate(capacity: slotCount)
        used = .allocate(capacity: slotCount)
        used.initialize(repeating: false, count: slotCount)
        let mask = slotCount - 1
        for old in 0 ..< oldCount where oldUsed[old] {
            var slot = Self.hash(oldKeys[old]) & mask
            while used[slot] { slot = (slot + 1) & mask }
            keys[slot] = oldKeys[old]
            used[slot] = true
        }
        oldKeys.deallocate()
        oldUsed.deallocate()
    }
}
