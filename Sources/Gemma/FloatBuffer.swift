// A heap buffer of floats for the forward pass's activations, freed when dropped.

import Foundation

/// Owned float storage with a stable address (activations of one forward pass).
final class FloatBuffer: @unchecked Sendable {  // written by pool tasks on disjoint ranges only
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(_ count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { pointer.deallocate() }

    subscript(_ index: Int) -> Float {
        get { pointer[index] }
        set { pointer[index] = newValue }
    }

    /// A copy as a Tensor of the given shape.
    func tensor(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape, data: Array(UnsafeBufferPointer(start: pointer, count: count)))
    }

    /// Overwrites the contents from a tensor of the same size (a hook's replacement), and
    /// says whether any bit changed.
    @discardableResult
    func load(_ tensor: Tensor) -> Bool {
        tensor.data.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress else { return false }
            let n = min(count, source.count)
            if memcmp(pointer, base, n * MemoryLayout<Float>.stride) == 0 { return false }
            pointer.update(from: base, count: n)
            return true
        }
    }
}
