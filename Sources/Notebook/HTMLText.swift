// Text inside HTML reports: escaping of `& < > "`, control characters made visible, GNB code
// highlighted by the language's own scanner, and SVG documents made fit to inline in a page.
import Foundation
import GemmaLang

enum HTMLText {
    /// `text` safe inside HTML character data and double-quoted attribute values. Control
    /// characters other than line breaks and tabs are shown as their Unicode symbols (␛, ␀).
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "\n", "\t": result.unicodeScalars.append(scalar)
            case "\r": break
            case _ where scalar.value < 0x20:
                result.unicodeScalars.append(Unicode.Scalar(0x2400 + scalar.value) ?? "?")
            case "\u{7F}": result += "\u{2421}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// GNB source as HTML: each keyword, string, number and comment in a span whose class
    /// names its role (`k`, `s`, `n`, `c`); names and punctuation plain.
    static func highlighted(_ source: String) -> String {
        Interpreter.highlight(source).map { span -> String in
            let text = escape(span.text)
            switch span.role {
            case .keyword: return "<span class=\"k\">\(text)</span>"
            case .string: return "<span class=\"s\">\(text)</span>"
            case .number: return "<span class=\"n\">\(text)</span>"
            case .comment: return "<span class=\"c\">\(text)</span>"
            case .identifier, .punctuation, .plain: return text
            }
        }.joined()
    }

    /// A standalone SVG document as an element to place in HTML: without the XML declaration,
    /// marked with a class so the page's style can scale it to the column.
    static func inlineSVG(_ document: String) -> String {
        var text = Substring(document)
        if text.hasPrefix("<?xml"), let end = text.range(of: "?>") { text = text[end.upperBound...] }
        text = text.drop { $0.isWhitespace }
        if text.hasPrefix("<svg ") { return "<svg class=\"figure-svg\" " + text.dropFirst(5) }
        return String(text)
    }

    /// Whether `url` would make a page load or open something on the network (or run a script).
    static func isRemote(_ url: String) -> Bool {
        let lowered = url.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        return lowered.hasPrefix("http:") || lowered.hasPrefix("https:") || lowered.hasPrefix("//")
            || lowered.hasPrefix("javascript:") || lowered.hasPrefix("ftp:") || lowered.hasPrefix("file:")
    }
}
