// Tensor values in scripts: shape, statistics, slicing, elementwise arithmetic, top-k,
// histogram, cosine similarity, and a display a person can read at a glance.
import Figures
import Foundation
import Gemma
import GemmaLang
import Inspect

public final class TensorObject: HostObject {
    public let tensor: Tensor
    public let name: String?
    weak var workspace: Workspace?

    public init(_ tensor: Tensor, name: String? = nil, workspace: Workspace? = nil) {
        self.tensor = tensor
        self.name = name
        self.workspace = workspace
    }

    public var typeName: String { "Tensor" }
    public var count: Int? { tensor.shape.first ?? 1 }

    public var memberNames: [String] {
        ["shape", "size", "mean", "std", "min", "max", "norm", "sum", "topk", "histogram", "cosine", "list",
         "argmax", "abs", "flatten", "reshape", "save", "row"]
    }

    var shapeText: String { "[" + tensor.shape.map(String.init).joined(separator: ", ") + "]" }

    public var shortDescription: String {
        "Tensor\(shapeText)" + (name.map { " \($0)" } ?? "")
    }

    public func display(width: Int) -> String {
        var lines = [(name.map { "\($0): " } ?? "") + tensor.summary]
        if tensor.count == 0 { return lines[0] }
        if tensor.count <= 12 {
            lines.append("  " + tensor.data.map { formatFloat($0) }.joined(separator: "  "))
        } else if tensor.shape.count == 2 && tensor.shape[0] <= 64 {
            // One sparkline per row, scaled together.
            let rowWidth = tensor.shape[1]
            let shown = min(rowWidth, max(8, width - 12))
            for r in 0..<tensor.shape[0] {
                let row = Array(tensor.data[r * rowWidth ..< r * rowWidth + shown])
                lines.append(String(format: "%4d ", r) + TerminalRenderer.sparkline(row) + (shown < rowWidth ? " …" : ""))
            }
        } else {
            let sample = Array(tensor.data.prefix(max(8, width - 10)))
            lines.append("  " + TerminalRenderer.sparkline(sample) + (sample.count < tensor.count ? " … (\(tensor.count) values)" : ""))
        }
        return lines.joined(separator: "\n")
    }

    public var help: String {
        """
        Tensor: float32 values with a shape (positions first for activations).
        Members: shape, size, mean(), std(), min(), max(), norm(), sum(), argmax(), topk(k), histogram(bins),
        cosine(other), abs(), flatten(), reshape(dims...), row(i), list(), save("file.npy").
        Index with t[i], t[i, j], slices t[1:4]; arithmetic t + u, t * 2, t - u (same shapes or a number).
        """
    }

    public func member(_ name: String, interpreter: Interpreter) throws -> Value? {
        let t = tensor
        switch name {
        case "shape": return numbers(t.shape)
        case "size": return .number(Double(t.count))
        case "mean": return method("mean()", "Mean of all values.") { _, _ in .number(Double(t.mean)) }
        case "std": return method("std()", "Standard deviation of all values.") { _, _ in .number(Double(t.standardDeviation)) }
        case "min": return method("min()", "Smallest value.") { _, _ in .number(Double(t.minimum)) }
        case "max": return method("max()", "Largest value.") { _, _ in .number(Double(t.maximum)) }
        case "norm": return method("norm()", "L2 norm.") { _, _ in .number(Double(t.norm)) }
        case "sum": return method("sum()", "Sum of all values.") { _, _ in .number(t.data.reduce(0.0) { $0 + Double($1) }) }
        case "argmax": return method("argmax()", "Flat index of the largest value.") { _, _ in
            .number(Double(t.topK(1).first?.index ?? 0)) }
        case "abs": return method("abs()", "Absolute values.") { _, _ in .object(TensorObject(t.mapped(abs))) }
        case "flatten": return method("flatten()", "The values as one axis.") { _, _ in
            .object(TensorObject(Tensor(shape: [t.count], data: t.data))) }
        case "list": return method("list()", "The values as a (nested) list.") { _, _ in Self.nestedList(t) }
        case "row": return method("row(i)", "Row i of the first axis.") { args, _ in
            .object(TensorObject(try Self.row(t, try args.int(0, name: "i")))) }
        case "topk": return method("topk(k: 5)", "The k largest values as [index, value] pairs.") { args, _ in
            .makeList(t.topK(try args.int(0, name: "k", default: 5)).map { .makeList([.number(Double($0.index)), .number(Double($0.value))]) })
        }
        case "histogram": return method("histogram(bins: 20)", "A histogram of the values.") { [weak self] args, _ in
            let bins = try args.int(0, name: "bins", default: 20)
            guard bins > 0, bins <= 1000 else { throw GemmaLangError.message("histogram(): bins must be between 1 and 1000") }
            let ws = self?.workspace
            return .object(TextObject(typeName: "Histogram",
                                      text: TerminalRenderer.histogram(t.data, bins: bins, mode: ws?.colorMode ?? .plain, width: ws?.width ?? 80),
                                      svg: SVGRenderer.histogram(t.data, bins: bins, title: self?.name ?? "histogram")))
        }
        case "cosine": return method("cosine(other)", "Cosine similarity with another tensor of the same size.") { args, _ in
            let other = try args.object(0, name: "other", as: TensorObject.self, typeName: "Tensor")
            return .number(Double(try t.cosine(other.tensor)))
        }
        case "reshape": return method("reshape(dims...)", "The same values with another shape.") { args, _ in
            let dims = try args.rest(from: 0).map { value -> Int in
                let n = try integer(value, "reshape(): dimensions")
                guard n >= 0 else { throw GemmaLangError.message("reshape(): dimensions must be 0 or more, got \(n)") }
                return n
            }
            let size = dims.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
            guard size == t.count else {
                throw GemmaLangError.message("reshape(): \(dims) holds \(size == Int.max ? "too many" : String(size)) values, the tensor has \(t.count)")
            }
            return .object(TensorObject(Tensor(shape: dims, data: t.data)))
        }
        case "save": return method("save(path)", "Writes the tensor as float32 .npy.") { args, _ in
            let path = try args.string(0, name: "path")
            try NPY.write(t, to: path)
            return .string(path)
        }
        default: return nil
        }
    }

    static func row(_ t: Tensor, _ i: Int) throws -> Tensor {
        guard let first = t.shape.first else { throw GemmaLangError.message("a scalar tensor has no rows") }
        let index = i < 0 ? first + i : i
        guard index >= 0, index < first else { throw GemmaLangError.message("index \(i) is outside 0..<\(first)") }
        return t.rows(index ..< index + 1).reshaped(Array(t.shape.dropFirst()))
    }

    static func nestedList(_ t: Tensor) -> Value {
        if t.shape.count <= 1 { return numbers(t.data) }
        return .makeList((0..<t.shape[0]).map { nestedList(t.rows($0 ..< $0 + 1).reshaped(Array(t.shape.dropFirst()))) })
    }

    /// `t[i]`: the interpreter hands single subscripts here, not to `index(items:)`.
    public func index(_ index: Value, interpreter: Interpreter) throws -> Value {
        try self.index(items: [.value(index)], interpreter: interpreter)
    }

    public func index(items: [IndexItem], interpreter: Interpreter) throws -> Value {
        var current = tensor
        var axisDropped = 0
        for (axis, item) in items.enumerated() {
            let dim = axis - axisDropped
            guard dim < current.shape.count else { throw GemmaLangError.message("too many indices for a tensor of shape \(shapeText)") }
            current = try Self.select(current, axis: dim, item, reportedAxis: axis)
            if case .value = item { axisDropped += 1 }
        }
        if current.shape.isEmpty { return .number(Double(current.data[0])) }
        return .object(TensorObject(current, workspace: workspace))
    }

    /// Selects along one axis: an index (drops the axis) or a slice (keeps it). Errors name
    /// `reportedAxis`, the axis of the tensor the script indexed.
    static func select(_ t: Tensor, axis: Int, _ item: IndexItem, reportedAxis: Int? = nil) throws -> Tensor {
        let n = t.shape[axis]
        let outer = t.shape[..<axis].reduce(1, *)
        let inner = t.shape[(axis + 1)...].reduce(1, *)
        var picks: [Int]
        switch item {
        case .value(let value):
            let number = try integer(value, "tensor index")
            let i = number < 0 ? n + number : number
            guard i >= 0, i < n else { throw GemmaLangError.message("index \(number) is outside 0..<\(n) on axis \(reportedAxis ?? axis)") }
            picks = [i]
        case let .slice(start, end, step):
            let step = step ?? 1
            guard step != 0 else { throw GemmaLangError.message("slice step cannot be 0") }
            func clamp(_ x: Int?, _ fallback: Int) -> Int {
                guard let x else { return fallback }
                let v = x < 0 ? n + x : x
                return step > 0 ? min(max(v, 0), n) : min(max(v, -1), n - 1)
            }
            let from = clamp(start, step > 0 ? 0 : n - 1), to = clamp(end, step > 0 ? n : -1)
            picks = Array(stride(from: from, to: to, by: step))
        }
        var data: [Float] = []
        data.reserveCapacity(outer * picks.count * inner)
        for o in 0..<outer { for p in picks { data += t.data[(o * n + p) * inner ..< (o * n + p + 1) * inner] } }
        var shape = t.shape
        if case .value = item { shape.remove(at: axis) } else { shape[axis] = picks.count }
        return Tensor(shape: shape, data: data)
    }

    public func binary(_ op: BinaryOperator, _ other: Value, reversed: Bool) throws -> Value? {
        let operand: Tensor
        if let number = other.numberValue {
            operand = Tensor(shape: [], data: [Float(number)])
        } else if let object = other.objectValue as? TensorObject {
            operand = object.tensor
        } else {
            return nil
        }
        let function: (Float, Float) -> Float
        switch op {
        case .add: function = (+)
        case .subtract: function = (-)
        case .multiply: function = (*)
        case .divide: function = (/)
        case .power: function = { powf($0, $1) }
        default: return nil
        }
        let (a, b) = reversed ? (operand, tensor) : (tensor, operand)
        do {
            return .object(TensorObject(try a.combined(with: b, function), workspace: workspace))
        } catch {
            throw GemmaLangError.message("\(error)")
        }
    }

    public func unary(_ op: UnaryOperator) throws -> Value? {
        op == .negate ? .object(TensorObject(tensor.mapped { -$0 }, workspace: workspace)) : nil
    }

    public func iterate() throws -> [Value]? {
        guard let first = tensor.shape.first else { return [.number(Double(tensor.data[0]))] }
        return try (0..<first).map { i in
            let row = try Self.row(tensor, i)
            return row.shape.isEmpty ? .number(Double(row.data[0])) : .object(TensorObject(row, workspace: workspace))
        }
    }
}

/// A value that is only something to look at: a rendered text, with an SVG for `save`.
public final class TextObject: HostObject {
    public let typeName: String
    let text: String
    let svg: String?

    public init(typeName: String, text: String, svg: String? = nil) {
        self.typeName = typeName
        self.text = text
        self.svg = svg
    }

    public var memberNames: [String] { svg == nil ? [] : ["save"] }
    public var shortDescription: String { "<\(typeName)>" }
    public func display(width: Int) -> String { text }
    public func member(_ name: String, interpreter: Interpreter) throws -> Value? {
        guard name == "save", let svg else { return nil }
        return method("save(path)", "Writes the figure as SVG.") { args, _ in
            let path = try args.string(0, name: "path")
            try AtomicFile.write(Array(svg.utf8), to: path)
            return .string(path)
        }
    }
}

func formatFloat(_ x: Float) -> String {
    if x == x.rounded() && abs(x) < 1e7 { return String(Int(x)) }
    return String(format: "%.4g", x)
}
