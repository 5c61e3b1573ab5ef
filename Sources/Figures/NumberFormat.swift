// Numbers as text for legends, tooltips and axes: short significant-digit forms, printf formats
// checked before use (a wrong conversion would read garbage), and "nice" axis ticks.
import Foundation

enum NumberFormat {
    /// `value` with about `digits` significant digits ("0.123", "12.3", "1.23e+05", "nan", "-inf").
    static func short(_ value: Float, digits: Int = 4) -> String {
        short(Double(value), digits: digits)
    }

    static func short(_ value: Double, digits: Int = 4) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == 0 { return "0" }
        return String(format: "%.\(min(max(digits, 1), 9))g", value)
    }

    /// `value` through a printf `format` holding exactly one floating-point conversion
    /// (`%f %e %g %a`, any case, with flags, width and precision); any other format falls back to
    /// "%.3f". Non-finite values print as "nan", "inf", "-inf".
    static func printf(_ format: String, _ value: Float) -> String {
        let checked = isFloatFormat(format) ? format : "%.3f"
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return String(format: checked, Double(value))
    }

    /// Whether `format` has exactly one conversion and it takes a double.
    static func isFloatFormat(_ format: String) -> Bool {
        let characters = Array(format.unicodeScalars)
        var index = 0, conversions = 0
        while index < characters.count {
            guard characters[index] == "%" else { index += 1; continue }
            index += 1
            guard index < characters.count else { return false }
            if characters[index] == "%" { index += 1; continue }
            while index < characters.count, "-+ #0'".unicodeScalars.contains(characters[index]) { index += 1 }
            var digits = 0
            while index < characters.count, ("0"..."9").contains(characters[index]) { index += 1; digits += 1 }
            if index < characters.count, characters[index] == "." {
                index += 1
                while index < characters.count, ("0"..."9").contains(characters[index]) { index += 1; digits += 1 }
            }
            guard digits <= 4, index < characters.count,
                  "fFeEgGaA".unicodeScalars.contains(characters[index]) else { return false }
            conversions += 1
            index += 1
        }
        return conversions == 1
    }

    /// Round tick positions covering `lower...upper`, about `count` of them, at steps of
    /// 1, 2 or 5 times a power of ten.
    static func ticks(_ lower: Double, _ upper: Double, count: Int = 5) -> [Double] {
        guard lower.isFinite, upper.isFinite, upper > lower else {
            return lower.isFinite ? [lower] : []
        }
        let rough = (upper - lower) / Double(max(count, 1))
        let power = pow(10, floor(log10(rough)))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= rough } ?? 10 * power
        guard step > 0, step.isFinite else { return [lower, upper] }
        let first = (lower / step - 1e-9).rounded(.up)
        var ticks: [Double] = []
        for index in 0..<50 {
            let tick = (first + Double(index)) * step
            guard tick <= upper + step * 1e-9 else { break }
            ticks.append(abs(tick) < step * 1e-9 ? 0 : tick)
        }
        return ticks
    }
}
