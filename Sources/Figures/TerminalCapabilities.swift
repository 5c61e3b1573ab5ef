// What the terminal can show: the colour mode (24-bit, 256-colour, or plain text) and width,
// from the environment (COLORTERM, TERM, NO_COLOR, COLUMNS) and the TIOCGWINSZ ioctl.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How colours are written to the terminal.
public enum ColorMode: Sendable, Equatable, CaseIterable {
    /// 24-bit colour: `ESC[38;2;R;G;Bm`.
    case trueColor
    /// The xterm 256-colour palette: `ESC[38;5;Nm`.
    case ansi256
    /// No escape sequences: Unicode shades " ░▒▓█".
    case plain
}

public enum TerminalCapabilities {
    /// The colour mode and width in columns for output to a terminal described by `environment`.
    /// NO_COLOR (non-empty), TERM=dumb or no terminal give `.plain`; COLORTERM=truecolor|24bit
    /// gives `.trueColor`; otherwise `.ansi256` (which TERM=*256color* says outright, and which
    /// most other terminals approximate). Width: COLUMNS, else the terminal's own, else 80.
    public static func detect(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        isTTY: Bool = isatty(STDOUT_FILENO) != 0
    ) -> (mode: ColorMode, width: Int) {
        (colorMode(environment: environment, isTTY: isTTY), width(environment: environment, isTTY: isTTY))
    }

    static func colorMode(environment: [String: String], isTTY: Bool) -> ColorMode {
        let term = environment["TERM"]?.lowercased() ?? ""
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .plain }
        if !isTTY || term == "dumb" { return .plain }
        let colorTerm = environment["COLORTERM"]?.lowercased() ?? ""
        if colorTerm == "truecolor" || colorTerm == "24bit" { return .trueColor }
        return .ansi256
    }

    static func width(environment: [String: String], isTTY: Bool) -> Int {
        if let text = environment["COLUMNS"]?.trimmingCharacters(in: .whitespaces),
           let columns = Int(text), columns > 0, columns <= 10_000 {
            return columns
        }
        if isTTY, let columns = windowColumns() { return columns }
        return 80
    }

    /// The width the kernel reports for standard output, if it is a terminal.
    static func windowColumns() -> Int? {
        var size = winsize()
        #if os(Linux)
        let request = UInt(TIOCGWINSZ)
        #else
        let request = TIOCGWINSZ
        #endif
        guard ioctl(STDOUT_FILENO, request, &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}

/// Escape sequences for one colour mode.
struct ANSI {
    let mode: ColorMode

    static let reset = "\u{1B}[0m"

    /// Sets the foreground colour ("" in plain mode).
    func foreground(_ color: RGB) -> String {
        switch mode {
        case .trueColor: return "\u{1B}[38;2;\(color.r);\(color.g);\(color.b)m"
        case .ansi256: return "\u{1B}[38;5;\(Self.palette256(color))m"
        case .plain: return ""
        }
    }

    /// Sets the background colour ("" in plain mode).
    func background(_ color: RGB) -> String {
        switch mode {
        case .trueColor: return "\u{1B}[48;2;\(color.r);\(color.g);\(color.b)m"
        case .ansi256: return "\u{1B}[48;5;\(Self.palette256(color))m"
        case .plain: return ""
        }
    }

    /// Dim text (for masked cells); "" in plain mode.
    var dim: String { mode == .plain ? "" : "\u{1B}[2m" }
    var reset: String { mode == .plain ? "" : Self.reset }

    /// The nearest xterm palette entry: the 6x6x6 cube (16...231) or the grey ramp (232...255).
    static func palette256(_ color: RGB) -> Int {
        let levels = [0, 95, 135, 175, 215, 255]
        func nearestLevel(_ value: UInt8) -> Int {
            var best = 0
            for (index, level) in levels.enumerated()
            where abs(level - Int(value)) < abs(levels[best] - Int(value)) { best = index }
            return best
        }
        let r = nearestLevel(color.r), g = nearestLevel(color.g), b = nearestLevel(color.b)
        func distance(_ x: Int, _ y: Int, _ z: Int) -> Int {
            let dr = x - Int(color.r), dg = y - Int(color.g), db = z - Int(color.b)
            return dr * dr + dg * dg + db * db
        }
        let cubeDistance = distance(levels[r], levels[g], levels[b])
        let average = (Int(color.r) + Int(color.g) + Int(color.b)) / 3
        let greyIndex = min(max((average - 8 + 5) / 10, 0), 23)
        let grey = 8 + 10 * greyIndex
        if distance(grey, grey, grey) < cubeDistance { return 232 + greyIndex }
        return 16 + 36 * r + 6 * g + b
    }
}
