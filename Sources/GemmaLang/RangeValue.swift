// Ranges (`0..<5`, `1...3`, `range(0, 10, 2)`) and the index arithmetic shared by lists,
// strings and ranges: negative indices and Python slice semantics.

/// An arithmetic sequence that is never materialized: `start, start + step, ...` up to `end`.
public struct RangeValue: Sendable, Equatable {
    public let start: Double
    public let end: Double
    public let step: Double
    /// `a...b` includes `b`; `a..<b` and `range(a, b)` do not.
    public let isClosed: Bool
    /// Number of elements.
    public let count: Int

    public init(start: Double, end: Double, step: Double = 1, isClosed: Bool = false) throws {
        guard start.isFinite, end.isFinite, step.isFinite else {
            throw GemmaLangError.message("range bounds and step must be finite numbers")
        }
        guard step != 0 else { throw GemmaLangError.message("range step cannot be 0") }
        self.start = start
        self.end = end
        self.step = step
        self.isClosed = isClosed
        let span = (end - start) / step
        let elements = span < 0 ? 0 : (isClosed ? span.rounded(.down) + 1 : span.rounded(.up))
        self.count = Int(min(elements, 1e15))
    }

    /// The element at a position in `0..<count`.
    public func element(at index: Int) -> Double { start + Double(index) * step }

    /// True when `value` is one of the elements.
    public func contains(_ value: Double) -> Bool {
        let position = (value - start) / step
        guard position >= 0, position == position.rounded(), position < Double(count) else { return false }
        return element(at: Int(position)) == value
    }

    /// `0..<5`, `1...3`, or `range(0, 10, 2)`.
    public var description: String {
        if step == 1 { return "\(formatNumber(start))\(isClosed ? "..." : "..<")\(formatNumber(end))" }
        return "range(\(formatNumber(start)), \(formatNumber(end)), \(formatNumber(step)))"
    }
}

/// `d` as an Int when it is a whole number in range.
func wholeNumber(_ d: Double) -> Int? {
    guard d.isFinite, d == d.rounded(), abs(d) < 9.0e18 else { return nil }
    return Int(d)
}

/// Resolves an index (negative counts from the end) into `0..<count`.
func resolveIndex(_ index: Value, count: Int, of what: String) throws -> Int {
    guard case .number(let number) = index else {
        throw GemmaLangError.message("\(what) index must be a number, got \(index.typeName)")
    }
    guard let whole = wholeNumber(number) else {
        throw GemmaLangError.message("\(what) index must be a whole number, got \(formatNumber(number))")
    }
    let resolved = whole < 0 ? whole + count : whole
    guard resolved >= 0 && resolved < count else {
        let size = count == 1 ? "1 item" : "\(count) items"
        throw GemmaLangError.message("\(what) index \(whole) out of range (the \(what) has \(size))")
    }
    return resolved
}

/// The positions a slice selects: `count` positions from `first`, `step` apart.
struct SlicePositions {
    let first: Int, step: Int, count: Int
    /// The positions themselves (only materialize after checking `count` against the limits).
    var indices: [Int] { (0..<count).map { first + $0 * step } }
}

/// The positions a slice `[start:end:step]` selects from a sequence of `count` items,
/// exactly as in Python (negative bounds count from the end; bounds are clamped).
func sliceIndices(count: Int, start: Int?, end: Int?, step: Int?) throws -> SlicePositions {
    let step = step ?? 1
    guard step != 0 else { throw GemmaLangError.message("slice step cannot be 0") }
    func adjust(_ bound: Int?, default value: Int) -> Int {
        guard var bound else { return value }
        if bound < 0 {
            bound += count
            if bound < 0 { bound = step < 0 ? -1 : 0 }
        } else if bound >= count {
            bound = step < 0 ? count - 1 : count
        }
        return bound
    }
    let first = adjust(start, default: step < 0 ? count - 1 : 0)
    let last = adjust(end, default: step < 0 ? -1 : count)
    let distance = step > 0 ? last - first : first - last
    // Both bounds lie in -1...count, so neither the distance nor the step can overflow here.
    let size = distance > 0 ? (distance - 1) / abs(step) + 1 : 0
    return SlicePositions(first: first, step: step, count: size)
}

/// A slice bound or step as an Int (nil stays nil).
func sliceBound(_ value: Value?) throws -> Int? {
    guard let value else { return nil }
    switch value {
    case .null:
        return nil
    case .number(let number):
        if let whole = wholeNumber(number) { return whole }
        throw GemmaLangError.message("slice bounds must be whole numbers, got \(formatNumber(number))")
    default:
        throw GemmaLangError.message("slice bounds must be numbers, got \(value.typeName)")
    }
}
