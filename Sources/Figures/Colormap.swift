// Colour maps: perceptual viridis and magma (matplotlib's published tables) and a blue-white-red
// diverging map (ColorBrewer RdBu), each a short table of control points interpolated linearly.

/// A colour map from a position `t` in 0...1 to an sRGB colour.
public struct Colormap: Sendable, Equatable, CustomStringConvertible {
    /// The map's name ("viridis", "magma", "diverging").
    public let name: String
    /// Control points, evenly spaced over 0...1, as sRGB components in 0...1.
    let points: [(Float, Float, Float)]
    /// Whether 0.5 is the neutral middle (values are then centred on zero).
    public let isDiverging: Bool

    /// Viridis: dark blue to yellow, perceptually uniform (van der Walt and Smith, matplotlib
    /// `_cm_listed.py`): every 15th of its 256 entries.
    public static let viridis = Colormap(name: "viridis", isDiverging: false, points: [
        (0.267004, 0.004874, 0.329415), (0.281924, 0.089666, 0.412415),
        (0.280255, 0.165693, 0.476498), (0.263663, 0.237631, 0.518762),
        (0.237441, 0.305202, 0.541921), (0.208623, 0.367752, 0.552675),
        (0.182256, 0.426184, 0.557120), (0.159194, 0.482237, 0.558073),
        (0.137770, 0.537492, 0.554906), (0.121148, 0.592739, 0.544641),
        (0.128087, 0.647749, 0.523491), (0.180653, 0.701402, 0.488189),
        (0.274149, 0.751988, 0.436601), (0.395174, 0.797475, 0.367757),
        (0.535621, 0.835785, 0.281908), (0.688944, 0.865448, 0.182725),
        (0.845561, 0.887322, 0.099702), (0.993248, 0.906157, 0.143936),
    ])

    /// Magma: black through purple and orange to pale yellow (matplotlib `_cm_listed.py`):
    /// every 15th of its 256 entries.
    public static let magma = Colormap(name: "magma", isDiverging: false, points: [
        (0.001462, 0.000466, 0.013866), (0.035520, 0.028397, 0.125209),
        (0.102815, 0.063010, 0.257854), (0.191460, 0.064818, 0.396152),
        (0.291366, 0.064553, 0.475462), (0.384299, 0.097855, 0.501002),
        (0.475780, 0.134577, 0.507921), (0.569172, 0.167454, 0.504105),
        (0.664915, 0.198075, 0.488836), (0.761077, 0.231214, 0.460162),
        (0.852126, 0.276106, 0.418573), (0.925937, 0.346844, 0.374959),
        (0.969680, 0.446936, 0.360311), (0.989363, 0.557873, 0.391671),
        (0.996580, 0.668256, 0.456192), (0.996727, 0.776795, 0.541039),
        (0.992440, 0.884330, 0.640099), (0.987053, 0.991438, 0.749504),
    ])

    /// Blue (negative) through white (zero) to red (positive): ColorBrewer's 11-class RdBu,
    /// reversed. Heatmaps drawn with it are centred on 0.
    public static let diverging = Colormap(
        name: "diverging", isDiverging: true, points: rdBuReversed.map(components))

    private static let rdBuReversed: [UInt32] = [
        0x053061, 0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xf7f7f7,
        0xfddbc7, 0xf4a582, 0xd6604d, 0xb2182b, 0x67001f,
    ]

    private static func components(_ hex: UInt32) -> (Float, Float, Float) {
        (Float((hex >> 16) & 0xff) / 255, Float((hex >> 8) & 0xff) / 255, Float(hex & 0xff) / 255)
    }

    /// All named maps, for look-up by name.
    public static let all: [Colormap] = [.viridis, .magma, .diverging]

    /// The map called `name` (case-insensitive), if there is one.
    public static func named(_ name: String) -> Colormap? {
        all.first { $0.name == name.lowercased() }
    }

    init(name: String, isDiverging: Bool, points: [(Float, Float, Float)]) {
        self.name = name
        self.isDiverging = isDiverging
        self.points = points
    }

    /// The colour at `t` (clamped to 0...1; NaN gives the middle colour).
    public func color(_ t: Float) -> (r: UInt8, g: UInt8, b: UInt8) {
        guard points.count > 1 else { return (0, 0, 0) }
        let clamped = t.isNaN ? 0.5 : min(max(t, 0), 1)
        let position = clamped * Float(points.count - 1)
        let index = min(Int(position), points.count - 2)
        let fraction = position - Float(index)
        let (r0, g0, b0) = points[index]
        let (r1, g1, b1) = points[index + 1]
        func byte(_ a: Float, _ b: Float) -> UInt8 {
            let value = (a + (b - a) * fraction) * 255
            return UInt8(min(max(value.rounded(), 0), 255))
        }
        return (byte(r0, r1), byte(g0, g1), byte(b0, b1))
    }

    public var description: String { name }

    public static func == (lhs: Colormap, rhs: Colormap) -> Bool { lhs.name == rhs.name }
}

/// An sRGB colour as three bytes, used inside the renderers.
struct RGB: Equatable, Hashable, Sendable {
    var r: UInt8, g: UInt8, b: UInt8

    init(_ r: UInt8, _ g: UInt8, _ b: UInt8) { self.r = r; self.g = g; self.b = b }
    init(_ c: (r: UInt8, g: UInt8, b: UInt8)) { self.init(c.r, c.g, c.b) }

    /// `#rrggbb`, for SVG.
    var hex: String {
        let digits = Array("0123456789abcdef")
        var text = "#"
        for byte in [r, g, b] {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 15)])
        }
        return text
    }

    /// Drawn for cells outside the attention window (masked).
    static let masked = RGB(72, 72, 72)
    /// Drawn for NaN and infinite values.
    static let nonFinite = RGB(255, 0, 255)
}
