// Text for fixed-width output: making labels safe to print (control characters shown as
// symbols), their display width in terminal columns (wide CJK and emoji count 2), truncation.

enum Text {
    /// `label` with nothing a terminal or XML would act on: C0/C1 controls and DEL become
    /// visible symbols (U+2400...), bidirectional overrides and noncharacters become U+FFFD.
    static func sanitize(_ label: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in label.unicodeScalars {
            let v = scalar.value
            switch v {
            case 0x00...0x1F:
                result.append(Unicode.Scalar(0x2400 + v) ?? "\u{FFFD}")
            case 0x7F:
                result.append("\u{2421}")
            case 0x80...0x9F, 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C,
                 0xFFFE, 0xFFFF, 0xFDD0...0xFDEF:
                result.append("\u{FFFD}")
            default:
                if v & 0xFFFE == 0xFFFE { result.append("\u{FFFD}") } else { result.append(scalar) }
            }
        }
        return String(result)
    }

    /// Terminal columns taken by one character: 0 for marks and format characters alone,
    /// 2 for East Asian wide/fullwidth characters and emoji presentation, else 1.
    static func width(of character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if isWide(first) { return 2 }
        if first.properties.isEmoji && scalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        if scalars.count > 1 && first.properties.isEmoji && scalars.contains(where: { isWide($0) }) { return 2 }
        switch first.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format:
            return 0
        default:
            return 1
        }
    }

    private static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.properties.isEmojiPresentation { return true }
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19,
             0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F,
             0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// Display width of `text`, skipping ANSI escape sequences (`ESC [ ... letter`).
    static func width(_ text: String) -> Int {
        var total = 0
        var inEscape = false, sawBracket = false
        for character in text {
            if inEscape {
                if !sawBracket {
                    sawBracket = true
                    if character != "[" { inEscape = false }
                } else if let ascii = character.asciiValue, (0x40...0x7E).contains(ascii) {
                    inEscape = false
                }
                continue
            }
            if character == "\u{1B}" { inEscape = true; sawBracket = false; continue }
            total += width(of: character)
        }
        return total
    }

    /// `text` (without escapes) cut to at most `limit` columns, ending in "…" when cut.
    static func truncate(_ text: String, to limit: Int) -> String {
        guard limit > 0 else { return "" }
        if width(text) <= limit { return text }
        var result = "", used = 0
        for character in text {
            let w = width(of: character)
            if used + w > limit - 1 { break }
            result.append(character)
            used += w
        }
        return result + "…"
    }

    /// `text` padded with spaces to `columns` (it is not cut).
    static func padRight(_ text: String, to columns: Int) -> String {
        text + String(repeating: " ", count: max(0, columns - width(text)))
    }

    static func padLeft(_ text: String, to columns: Int) -> String {
        String(repeating: " ", count: max(0, columns - width(text))) + text
    }

    /// A label ready for a fixed-width column: sanitised and cut to `limit` columns.
    static func label(_ text: String, limit: Int) -> String {
        truncate(sanitize(text), to: limit)
    }
}
