// Building standalone SVG 1.1 text (https://www.w3.org/TR/SVG11/): complete XML escaping,
// compact coordinates, and a small element builder; no external fonts, scripts or styles.
import Foundation

enum XML {
    /// `text` safe inside XML character data and attribute values: control characters shown as
    /// symbols (XML 1.0 forbids most of them even as references), then `& < > " '` as entities.
    static func escape(_ text: String) -> String {
        var result = ""
        for scalar in Text.sanitize(text).unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

/// A coordinate with at most two decimals and no trailing zeros ("12", "3.5"); 0 for non-finite.
func svgNumber(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    var text = String(format: "%.2f", value)
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text == "-0" ? "0" : text
}

/// FNV-1a over some text, as 8 hex digits: ids that differ between figures yet stay stable.
func stableHash(_ parts: [String]) -> String {
    var hash: UInt32 = 2_166_136_261
    for part in parts {
        for byte in part.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        hash ^= 0xff
    }
    return String(hash, radix: 16)
}

/// The elements of one figure, appended in drawing order.
struct SVGBuilder {
    /// Prefix of every id, so that several figures can share one HTML page.
    let idPrefix: String
    var definitions: [String] = []
    var elements: [String] = []

    static let font = "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\""

    mutating func add(_ element: String) { elements.append(element) }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String,
                       title: String? = nil, extra: String = "") {
        var element = "<rect x=\"\(svgNumber(x))\" y=\"\(svgNumber(y))\" width=\"\(svgNumber(max(width, 0)))\""
            + " height=\"\(svgNumber(max(height, 0)))\" fill=\"\(fill)\"\(extra.isEmpty ? "" : " " + extra)"
        if let title { element += "><title>\(XML.escape(title))</title></rect>" } else { element += "/>" }
        add(element)
    }

    /// Text at (x, y); `anchor` is start, middle or end; `rotate` turns it about (x, y).
    mutating func text(_ string: String, x: Double, y: Double, size: Double = 11, anchor: String = "start",
                       rotate: Double? = nil, fill: String = "#222", bold: Bool = false, title: String? = nil) {
        var element = "<text x=\"\(svgNumber(x))\" y=\"\(svgNumber(y))\" font-size=\"\(svgNumber(size))\""
            + " text-anchor=\"\(anchor)\" fill=\"\(fill)\""
        if bold { element += " font-weight=\"bold\"" }
        if let rotate { element += " transform=\"rotate(\(svgNumber(rotate)) \(svgNumber(x)) \(svgNumber(y)))\"" }
        element += ">"
        if let title { element += "<title>\(XML.escape(title))</title>" }
        add(element + XML.escape(string) + "</text>")
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String = "#444",
                       width: Double = 1, dashed: Bool = false) {
        add("<line x1=\"\(svgNumber(x1))\" y1=\"\(svgNumber(y1))\" x2=\"\(svgNumber(x2))\" y2=\"\(svgNumber(y2))\""
            + " stroke=\"\(stroke)\" stroke-width=\"\(svgNumber(width))\"" + (dashed ? " stroke-dasharray=\"6 4\"" : "") + "/>")
    }

    /// The hatch pattern for masked cells; returns its `url(#...)`.
    mutating func hatchPattern() -> String {
        let id = idPrefix + "-masked"
        if !definitions.contains(where: { $0.contains("id=\"\(id)\"") }) {
            definitions.append("<pattern id=\"\(id)\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\""
                + " patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#eeeeee\"/>"
                + "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#999999\" stroke-width=\"2.5\"/></pattern>")
        }
        return "url(#\(id))"
    }

    /// A vertical gradient of `colormap` (low at the bottom); returns its `url(#...)`.
    mutating func gradient(_ colormap: Colormap) -> String {
        let id = idPrefix + "-scale-" + colormap.name
        if !definitions.contains(where: { $0.contains("id=\"\(id)\"") }) {
            let stops = (0...16).map { step -> String in
                let t = Float(step) / 16
                return "<stop offset=\"\(svgNumber(Double(t)))\" stop-color=\"\(RGB(colormap.color(t)).hex)\"/>"
            }
            definitions.append("<linearGradient id=\"\(id)\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">"
                + stops.joined() + "</linearGradient>")
        }
        return "url(#\(id))"
    }

    /// The standalone document.
    func document(width: Double, height: Double, title: String) -> String {
        let w = svgNumber(max(width, 1).rounded(.up)), h = svgNumber(max(height, 1).rounded(.up))
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        text += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(w)\" height=\"\(h)\""
        text += " viewBox=\"0 0 \(w) \(h)\" \(Self.font)>\n"
        if !title.isEmpty { text += "<title>\(XML.escape(title))</title>\n" }
        if !definitions.isEmpty { text += "<defs>" + definitions.joined() + "</defs>\n" }
        text += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
        text += elements.joined(separator: "\n")
        return text + "\n</svg>\n"
    }

    /// Approximate rendered width of `text` at `size` (wide characters count double).
    static func textWidth(_ text: String, size: Double) -> Double {
        Double(Text.width(Text.sanitize(text))) * size * 0.62
    }
}
