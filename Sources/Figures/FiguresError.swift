// The errors of the Figures module, with their user-facing text in one place.
import Foundation

public enum FiguresError: Error, CustomStringConvertible, Equatable {
    /// A PNG needs at least one row and one column.
    case emptyImage(rows: Int, columns: Int)
    /// The picture would exceed the size a PNG is written at.
    case imageTooLarge(width: Int, height: Int, limit: Int)
    /// libpng refused to encode; its message.
    case encodingFailed(message: String)
    /// libpng could not decode; its message.
    case decodingFailed(message: String)
    /// The figure cannot be written in the format `path` names.
    case unsupportedFormat(path: String, reason: String)

    public var description: String {
        switch self {
        case .emptyImage(let rows, let columns):
            return "cannot draw an empty heatmap (\(rows) x \(columns)) as a PNG"
        case .imageTooLarge(let width, let height, let limit):
            return "a \(width) x \(height) PNG is too large (limit \(limit) pixels a side)"
        case .encodingFailed(let message):
            return "PNG encoding failed: \(message)"
        case .decodingFailed(let message):
            return "PNG decoding failed: \(message)"
        case .unsupportedFormat(let path, let reason):
            return "\(path): \(reason)"
        }
    }
}
