// A plain float32 tensor: the values hooks see, dumps write and the language shows.

/// A dense float32 tensor in row-major (C) order. `shape[0]` is usually positions.
public struct Tensor: Sendable, Equatable {
    public var shape: [Int]
    public var data: [Float]

    public init(shape: [Int], data: [Float]) {
        self.shape = shape
        self.data = data
    }

    public init(zeros shape: [Int]) {
        self.shape = shape
        self.data = [Float](repeating: 0, count: shape.reduce(1, *))
    }

    public var count: Int { data.count }

    /// The row at `index` of the first axis, as a new tensor of the remaining shape.
    public func row(_ index: Int) -> Tensor {
        let width = shape.dropFirst().reduce(1, *)
        return Tensor(shape: Array(shape.dropFirst()), data: Array(data[index * width ..< (index + 1) * width]))
    }

    /// The same values with another shape (the element count must agree).
    public func reshaped(_ shape: [Int]) -> Tensor { Tensor(shape: shape, data: data) }
}
