// A seeded, coverage-free mutation fuzzer for the test suite: libFuzzer's kinds of mutation
// (bit flips, interesting values, inserted and erased runs, copies, dictionary words, crossover)
// applied to the committed corpus, so that CI exercises every target without libFuzzer.
import Foundation
import SeededRandom

/// Produces inputs for a target from its corpus, reproducibly for a given seed.
public struct MutationFuzzer {
    public let target: FuzzTarget
    public private(set) var corpus: [[UInt8]]
    public var maxLength: Int
    private var random: SplitMix64
    private let dictionary: [[UInt8]]

    public init(target: FuzzTarget, corpus: [[UInt8]], seed: UInt64, maxLength: Int = 4096) {
        self.target = target
        self.corpus = corpus.isEmpty ? [[]] : corpus
        self.maxLength = maxLength
        self.random = SplitMix64(seed: seed)
        self.dictionary = target.dictionary
    }

    /// The corpus files of `target` under `Fuzz/corpus/<target>/`, sorted by name.
    public static func corpus(of target: FuzzTarget, folder: String = "corpus") -> [(name: String, bytes: [UInt8])] {
        let directory = FuzzPaths.repository.appendingPathComponent("Fuzz/\(folder)/\(target.rawValue)")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().filter { !$0.hasPrefix(".") }.compactMap { name in
            FileManager.default.contents(atPath: directory.appendingPathComponent(name).path).map { (name, Array($0)) }
        }
    }

    /// The next input: a corpus entry with one to four mutations.
    public mutating func next() -> [UInt8] {
        var data = corpus[Int(random.next() % UInt64(corpus.count))]
        for _ in 0 ... Int(random.next() % 4) { mutate(&data) }
        if data.count > maxLength { data.removeLast(data.count - maxLength) }
        return data
    }

    /// Keeps `input` as a starting point for later mutations.
    public mutating func add(_ input: [UInt8]) { corpus.append(input) }

    private mutating func index(_ count: Int) -> Int { count <= 0 ? 0 : Int(random.next() % UInt64(count)) }

    private mutating func mutate(_ data: inout [UInt8]) {
        let interesting: [UInt64] = [0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000,
                                     0xFFFF_FFFF, 0x7FFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF, 16, 32, 64, 1 << 20]
        switch random.next() % 10 {
        case 0 where !data.isEmpty:   // flip a bit
            data[index(data.count)] ^= UInt8(1) << UInt8(random.next() % 8)
        case 1 where !data.isEmpty:   // a random byte
            data[index(data.count)] = UInt8(truncatingIfNeeded: random.next())
        case 2 where !data.isEmpty:   // an interesting little-endian integer of 1, 2, 4 or 8 bytes
            let value = interesting[index(interesting.count)]
            let width = [1, 2, 4, 8][index(4)]
            let start = index(data.count)
            for offset in 0 ..< width where start + offset < data.count {
                data[start + offset] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(offset)))
            }
        case 3:                       // insert random bytes
            let bytes = (0 ..< 1 + index(8)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            data.insert(contentsOf: bytes, at: index(data.count + 1))
        case 4 where !data.isEmpty:   // erase a run
            let start = index(data.count)
            data.removeSubrange(start ..< min(data.count, start + 1 + index(16)))
        case 5 where !data.isEmpty:   // copy a run elsewhere
            let start = index(data.count)
            let run = Array(data[start ..< min(data.count, start + 1 + index(32))])
            data.insert(contentsOf: run, at: index(data.count + 1))
        case 6 where !dictionary.isEmpty:  // a dictionary word
            data.insert(contentsOf: dictionary[index(dictionary.count)], at: index(data.count + 1))
        case 7:                       // crossover with another corpus entry
            let other = corpus[index(corpus.count)]
            guard !other.isEmpty else { return }
            let start = index(other.count)
            data.insert(contentsOf: other[start ..< min(other.count, start + 1 + index(64))], at: index(data.count + 1))
        case 8 where data.count > 1:  // truncate
            data.removeLast(index(data.count))
        default:                      // repeat a byte many times
            let byte = data.isEmpty ? UInt8(truncatingIfNeeded: random.next()) : data[index(data.count)]
            data.insert(contentsOf: [UInt8](repeating: byte, count: 1 + index(256)), at: index(data.count + 1))
        }
    }
}
