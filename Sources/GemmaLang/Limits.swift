// Resource limits that turn runaway scripts into errors instead of crashes (docs/language.md, "Limits").

/// Bounds on what a script may do. Exceeding one is a runtime (or syntax) error naming the field.
public struct Limits: Sendable, Equatable {
    /// Deepest nesting of brackets, blocks and operators the parser accepts, and the tallest
    /// expression tree (`1 + 1 + ... + 1` with more terms than this is refused).
    public var maxNesting: Int
    /// Deepest chain of active function calls.
    public var maxCallDepth: Int
    /// Most items in one list or map.
    public var maxCollectionCount: Int
    /// Most bytes (UTF-8) in one string.
    public var maxStringBytes: Int
    /// Stack size of the thread that runs scripts; calls stop with a recursion error before the
    /// remaining stack drops under `stackReserve` bytes.
    public var stackSize: Int
    public var stackReserve: Int

    public init(maxNesting: Int = 200, maxCallDepth: Int = 1000,
                maxCollectionCount: Int = 10_000_000, maxStringBytes: Int = 100_000_000,
                stackSize: Int = 64 << 20, stackReserve: Int = 4 << 20) {
        self.maxNesting = maxNesting
        self.maxCallDepth = maxCallDepth
        self.maxCollectionCount = maxCollectionCount
        self.maxStringBytes = maxStringBytes
        self.stackSize = stackSize
        self.stackReserve = stackReserve
    }

    /// The defaults listed in docs/language.md.
    public static let `default` = Limits()

    /// Throws unless a list or map of `count` items is allowed.
    func checkCollection(_ count: Double, what: String = "list") throws {
        if !(count <= Double(maxCollectionCount)) {
            throw GemmaLangError.tooLarge(what: what, size: count, unit: "items",
                                          limit: maxCollectionCount, setting: "maxCollectionCount")
        }
    }

    /// Throws unless a string of `bytes` UTF-8 bytes is allowed.
    func checkString(_ bytes: Double) throws {
        if !(bytes <= Double(maxStringBytes)) {
            throw GemmaLangError.tooLarge(what: "string", size: bytes, unit: "bytes",
                                          limit: maxStringBytes, setting: "maxStringBytes")
        }
    }
}
