// Markdown cells to HTML with Ink (github.com/JohnSundell/Ink), kept standalone and inert: raw
// HTML is shown as text, links and images to the network become text, URLs are escaped.
import Ink

enum MarkdownRendering {
    /// The HTML of one markdown cell.
    static func html(_ markdown: String) -> String {
        let parser = MarkdownParser(modifiers: [
            // A notebook's raw HTML could load or run anything: show it as the text it is.
            Modifier(target: .html) { input in
                "<pre class=\"raw-html\">" + HTMLText.escape(String(input.markdown)) + "</pre>"
            },
            Modifier(target: .links) { input in link(input.html, markdown: input.markdown) },
            Modifier(target: .images) { input in image(input.markdown) },
        ])
        return parser.html(from: escapingTags(markdown))
    }

    /// `markdown` with every `<` outside code written `&lt;`: Ink reads text such as `<bos>`
    /// or `<test>` as the start of an HTML element that swallows what follows; as an entity
    /// it stays the text it is. Fenced code blocks and backtick spans are left as they are.
    static func escapingTags(_ markdown: String) -> String {
        var lines: [String] = []
        var fence: String?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " }
            let marker = trimmed.hasPrefix("```") ? "```" : trimmed.hasPrefix("~~~") ? "~~~" : nil
            if let open = fence {
                if marker == open { fence = nil }
                lines.append(String(line))
                continue
            }
            if let marker {
                fence = marker
                lines.append(String(line))
                continue
            }
            var result = "", inCode = false
            for character in line {
                if character == "`" { inCode.toggle() }
                result += character == "<" && !inCode ? "&lt;" : String(character)
            }
            lines.append(result)
        }
        return lines.joined(separator: "\n")
    }

    /// `[text](url)` as written: the text and the URL (nil for a `[text][reference]` link).
    static func parts(of markdown: Substring) -> (text: Substring, url: String?) {
        var body = markdown
        if body.hasPrefix("!") { body = body.dropFirst() }
        guard body.hasPrefix("["), let close = body.range(of: "](", options: .backwards), body.hasSuffix(")") else {
            let text = body.dropFirst().prefix { $0 != "]" }
            return (text, nil)
        }
        let text = body[body.index(after: body.startIndex)..<close.lowerBound]
        let url = body[close.upperBound..<body.index(before: body.endIndex)]
        return (text, String(url))
    }

    /// A link: kept when it points inside the page or beside it; a link to the network becomes
    /// its text followed by the URL, so the page names it but never fetches or opens it.
    static func link(_ html: String, markdown: Substring) -> String {
        let (_, url) = parts(of: markdown)
        // The text as Ink rendered it: what follows the opening tag, without the closing one.
        var inner = Substring(html)
        if let open = inner.range(of: "\">"), inner.hasSuffix("</a>") {
            let prefix = url.map { "<a href=\"\($0)\">" }
            if let prefix, html.hasPrefix(prefix) {
                inner = inner.dropFirst(prefix.count).dropLast(4)
            } else {
                inner = inner[open.upperBound...].dropLast(4)
            }
        }
        guard let url else { return "<span class=\"link\">\(inner)</span>" }
        if HTMLText.isRemote(url) {
            return "<span class=\"link\">\(inner)</span> <span class=\"url\">(\(HTMLText.escape(url)))</span>"
        }
        return "<a href=\"\(HTMLText.escape(url))\">\(inner)</a>"
    }

    /// An image: only `data:` images can be shown without a file or the network; any other is
    /// named by its alternative text.
    static func image(_ markdown: Substring) -> String {
        let (text, url) = parts(of: markdown)
        if let url, url.lowercased().hasPrefix("data:image/") {
            return "<img src=\"\(HTMLText.escape(url))\" alt=\"\(HTMLText.escape(String(text)))\"/>"
        }
        return "<span class=\"missing-image\">[image: \(HTMLText.escape(String(text)))"
            + (url.map { " — " + HTMLText.escape($0) } ?? "") + "]</span>"
    }
}
