// Decoding tokens one at a time as they are generated, without splitting a UTF-8 character
// that arrives as several byte tokens (e.g. an emoji as <0xF0><0x9F><0x98><0x80>).

/// Turns a stream of token ids into text. Each `append` returns the text completed by that
/// token; bytes of a character that is still incomplete are held back until the character is
/// complete (or `flush` is called). Concatenating everything returned, `flush` included, gives
/// exactly `tokenizer.decode(allIDs, renderSpecial:)`.
public struct StreamingDecoder: Sendable {
    private let tokenizer: Tokenizer
    private let renderSpecial: Bool
    private var pending: [UInt8] = []
    private var isFirst = true

    /// A decoder for `tokenizer`; `renderSpecial` shows control tokens as their text.
    public init(tokenizer: Tokenizer, renderSpecial: Bool = false) {
        self.tokenizer = tokenizer
        self.renderSpecial = renderSpecial
    }

    /// Adds token `id` and returns the text that is now complete (possibly empty).
    public mutating func append(_ id: Int) -> String {
        tokenizer.appendBytes(of: id, renderSpecial: renderSpecial, isFirst: isFirst, to: &pending)
        isFirst = false
        let complete = Self.completePrefixLength(pending)
        guard complete > 0 else { return "" }
        let text = String(decoding: pending[..<complete], as: UTF8.self)
        pending.removeFirst(complete)
        return text
    }

    /// Returns whatever is held back (an unfinished character becomes U+FFFD) and starts over.
    public mutating func flush() -> String {
        let text = String(decoding: pending, as: UTF8.self)
        pending.removeAll()
        isFirst = true
        return text
    }

    /// The length of the prefix of `bytes` that can be decoded now: everything except a
    /// trailing lead byte (C2...F4) followed by fewer continuation bytes than it announces.
    /// Cutting before a non-continuation byte never changes how UTF-8 decodes, so decoding the
    /// pieces separately gives the same text as decoding all bytes at once.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        var index = bytes.count - 1
        let lowest = max(0, bytes.count - 4)
        while index >= lowest {
            let byte = bytes[index]
            if byte & 0xC0 != 0x80 {
                let needed: Int
                switch byte {
                case 0xC2 ... 0xDF: needed = 2
                case 0xE0 ... 0xEF: needed = 3
                case 0xF0 ... 0xF4: needed = 4
                default: needed = 1
                }
                return bytes.count - index < needed ? index : bytes.count
            }
            index -= 1
        }
        return bytes.count
    }
}
