// Drawing heatmap cells as terminal characters: colour blocks with escape codes, or Unicode
// shades in plain mode; masked cells as a dim dot, NaN/infinite values as "×"; the colour legend.

struct CellPainter {
    let mode: ColorMode
    let normalize: Normalizer
    let colormap: Colormap
    let cellWidth: Int

    /// Shades from low to high for plain mode.
    static let shades: [Character] = [" ", "░", "▒", "▓", "█"]
    static let maskedMark = "·"
    static let nonFiniteMark = "×"
    /// Colour of the masked-cell dot.
    static let maskedDot = RGB(128, 128, 128)

    private var ansi: ANSI { ANSI(mode: mode) }

    func shade(_ t: Float) -> Character {
        Self.shades[min(max(Int(t * Float(Self.shades.count)), 0), Self.shades.count - 1)]
    }

    func color(_ value: Float) -> RGB { RGB(colormap.color(normalize(value))) }

    /// One drawn row as cells.
    func line(_ grid: CellGrid, row: Int) -> String {
        var text = "", current: RGB? = nil
        let padding = String(repeating: " ", count: cellWidth - 1)
        func setColor(_ color: RGB) {
            if color != current { text += ansi.foreground(color); current = color }
        }
        for column in 0..<grid.columns {
            switch grid[row, column] {
            case .value(let v):
                if mode == .plain {
                    text += String(repeating: shade(normalize(v)), count: cellWidth)
                } else {
                    setColor(color(v))
                    text += String(repeating: "█", count: cellWidth)
                }
            case .masked:
                setColor(Self.maskedDot)
                text += Self.maskedMark + padding
            case .nonFinite:
                setColor(RGB.nonFinite)
                text += Self.nonFiniteMark + padding
            }
        }
        return text + ansi.reset
    }

    /// Two drawn rows in one line of "▀": foreground = upper row, background = lower row.
    func packedLine(_ grid: CellGrid, top: Int, bottom: Int?) -> String {
        var text = ""
        var foreground: RGB? = nil
        var background: RGB? = nil, backgroundSet = false  // nil background = the terminal's own
        func halfColor(_ cell: Cell) -> RGB {
            switch cell {
            case .value(let v): return color(v)
            case .masked: return RGB.masked
            case .nonFinite: return RGB.nonFinite
            }
        }
        for column in 0..<grid.columns {
            let upper = halfColor(grid[top, column])
            let lower = bottom.map { halfColor(grid[$0, column]) }
            if upper != foreground { text += ansi.foreground(upper); foreground = upper }
            if !backgroundSet || background != lower {
                text += lower.map { ansi.background($0) } ?? "\u{1B}[49m"
                background = lower
                backgroundSet = true
            }
            text += String(repeating: "▀", count: cellWidth)
        }
        return text + ansi.reset
    }

    /// "0.000 ████████ 1.000  · masked  × 2 non-finite": the colour scale with its ends, and the
    /// markers in use (`nonFinite` counts the heatmap's cells, before any pooling).
    func legend(range: ClosedRange<Float>, grid: CellGrid, nonFinite: Int, packed: Bool, width: Int) -> String {
        let low = NumberFormat.short(range.lowerBound, digits: 3)
        let high = NumberFormat.short(range.upperBound, digits: 3)
        var text = low + " "
        if mode == .plain {
            text += "[" + String(Self.shades) + "]"
        } else {
            let steps = min(max(width - Text.width(low) - Text.width(high) - 2, 5), 16)
            for step in 0..<steps {
                text += ansi.foreground(RGB(colormap.color(Float(step) / Float(steps - 1)))) + "█"
            }
            text += ansi.reset
        }
        text += " " + high
        if colormap.isDiverging { text += " (centred on 0)" }
        let masked = grid.cells.contains(.masked)
        if masked {
            let color = packed ? RGB.masked : Self.maskedDot
            let mark = packed ? "█" : Self.maskedMark
            text += "  " + ansi.foreground(color) + mark + ansi.reset + " masked"
        }
        if nonFinite > 0 {
            let mark = packed ? "█" : Self.nonFiniteMark
            text += "  " + ansi.foreground(RGB.nonFinite) + mark + ansi.reset + " \(nonFinite) non-finite"
        }
        return text
    }
}
