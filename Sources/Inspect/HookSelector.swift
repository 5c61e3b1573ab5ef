// Choosing hook points by name or pattern: `blocks.*.attn.hook_pattern`, `hook_embed`,
// `blocks.3.*`, or `*` for everything.
import Gemma

/// A set of glob patterns over hook names; `*` matches any run of characters.
public struct HookSelector: Sendable {
    public let patterns: [String]

    public init(_ patterns: [String]) { self.patterns = patterns }

    public func matches(_ name: String) -> Bool { patterns.contains { Self.glob($0, name) } }

    /// The model's hook points this selector picks, in forward order.
    public func points(layers: Int) -> [HookPoint] { HookPoint.all(layers: layers).filter { matches($0.name) } }

    /// Patterns that match no hook point of the model (to report typos).
    public func unmatched(layers: Int) -> [String] {
        let names = HookPoint.all(layers: layers).map(\.name)
        return patterns.filter { pattern in !names.contains { Self.glob(pattern, $0) } }
    }

    static func glob(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.utf8), t = Array(text.utf8)
        var i = 0, j = 0, star = -1, mark = 0
        while j < t.count {
            if i < p.count && p[i] == t[j] { i += 1; j += 1 }
            else if i < p.count && p[i] == UInt8(ascii: "*") { star = i; mark = j; i += 1 }
            else if star >= 0 { i = star + 1; mark += 1; j = mark }
            else { return false }
        }
        while i < p.count && p[i] == UInt8(ascii: "*") { i += 1 }
        return i == p.count
    }
}
