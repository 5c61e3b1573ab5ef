// The errors of the Notebook module (docs/notebook-format.md, "Errors"), with their text in one place.
import Foundation

/// What can go wrong reading, writing or starting a notebook. Errors of the code in the cells
/// are not thrown: they are part of a `NotebookRunResult`.
public enum NotebookError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The bytes at `byteOffset` (0-based, on `line`) are not well-formed UTF-8.
    case invalidUTF8(file: String, line: Int, byteOffset: Int)
    /// A NUL byte at `byteOffset`: notebooks are text.
    case nulByte(file: String, line: Int, byteOffset: Int)
    /// The file starts with a UTF-8 byte order mark.
    case byteOrderMark(file: String)
    /// The file is larger than `Notebook.maxFileSize`.
    case fileTooLarge(file: String, size: Int, limit: Int)
    /// A line that is not blank before the first `#%%` marker.
    case textBeforeFirstCell(file: String, line: Int)
    /// A marker `#%%` with nothing after it.
    case missingCellKind(file: String, line: Int)
    /// A marker whose kind is not markdown, code, parameters or output.
    case unknownCellKind(file: String, line: Int, kind: String)
    /// An attribute this kind of cell does not take (or a misspelt one).
    case unknownAttribute(file: String, line: Int, attribute: String, kind: String)
    /// The same attribute twice on one marker.
    case duplicateAttribute(file: String, line: Int, attribute: String)
    /// `id=` with a value that is not letters, digits, `_`, `-` or `.`.
    case invalidCellName(file: String, line: Int, name: String)
    /// Two cells with the same `id=`.
    case duplicateCellName(file: String, line: Int, name: String, firstLine: Int)
    /// An output cell at the start of the file or after a markdown cell.
    case outputWithoutCode(file: String, line: Int)
    /// A second output cell after the same code cell.
    case duplicateOutput(file: String, line: Int, firstLine: Int)
    /// A second parameters cell.
    case secondParametersCell(file: String, line: Int, firstLine: Int)
    /// Parameters were given but the notebook has no parameters cell.
    case noParametersCell(file: String, parameters: [String])
    /// A parameter override that names no variable of the parameters cell.
    case unknownParameter(file: String, name: String, available: [String])
    /// `update` found the file different from what it read (size, modification time or contents).
    case changedOnDisk(file: String)
    /// A file-system call failed.
    case fileSystem(operation: String, path: String, errno: Int32)

    public var description: String {
        switch self {
        case let .invalidUTF8(file, line, offset):
            return "\(file):\(line): invalid UTF-8 at byte offset \(offset); notebooks are UTF-8 text"
        case let .nulByte(file, line, offset):
            return "\(file):\(line): NUL byte at byte offset \(offset); notebooks are text"
        case let .byteOrderMark(file):
            return "\(file):1: the file starts with a UTF-8 byte order mark; save it without one"
        case let .fileTooLarge(file, size, limit):
            return "\(file): the file has \(size) bytes, more than the limit of \(limit) bytes for a notebook"
        case let .textBeforeFirstCell(file, line):
            return "\(file):\(line): text before the first cell; start the file with a marker such as '#%% markdown'"
        case let .missingCellKind(file, line):
            return "\(file):\(line): the marker '#%%' needs a cell kind: markdown, code, parameters or output"
        case let .unknownCellKind(file, line, kind):
            return "\(file):\(line): unknown cell kind '\(kind)'; expected markdown, code, parameters or output"
        case let .unknownAttribute(file, line, attribute, kind):
            let accepted = NotebookCell.attributes(of: kind)
            let list = accepted.isEmpty ? "none" : accepted.joined(separator: ", ")
            return "\(file):\(line): unknown attribute '\(attribute)' for a \(kind) cell (accepted: \(list))"
        case let .duplicateAttribute(file, line, attribute):
            return "\(file):\(line): the attribute '\(attribute)' is given twice"
        case let .invalidCellName(file, line, name):
            return "\(file):\(line): invalid cell id '\(name)'; use letters, digits, '_', '-' and '.'"
        case let .duplicateCellName(file, line, name, firstLine):
            return "\(file):\(line): the cell id '\(name)' is already used by the cell at line \(firstLine)"
        case let .outputWithoutCode(file, line):
            return "\(file):\(line): an output cell must follow a code or parameters cell"
        case let .duplicateOutput(file, line, firstLine):
            return "\(file):\(line): a second output cell for the same code cell (the first is at line \(firstLine))"
        case let .secondParametersCell(file, line, firstLine):
            return "\(file):\(line): a second parameters cell (the first is at line \(firstLine)); a notebook has at most one"
        case let .noParametersCell(file, parameters):
            return "\(file): parameters given (\(parameters.joined(separator: ", "))) but the notebook has no parameters cell"
        case let .unknownParameter(file, name, available):
            let list = available.isEmpty ? "none" : available.joined(separator: ", ")
            return "\(file): unknown parameter '\(name)' (the parameters cell defines: \(list))"
        case let .changedOnDisk(file):
            return "\(file): the file changed on disk since it was read; not overwriting it (run again to update)"
        case let .fileSystem(operation, path, code):
            return "cannot \(operation) \(path): \(String(cString: strerror(code)))"
        }
    }
}
