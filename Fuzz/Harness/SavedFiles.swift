// Files of known content for the killed-writer test: generation k of a notebook, a GGUF file,
// plain bytes (as dumps and figures are written) or a REPL history, and a check that a file on
// disk is one complete generation. Fuzz/SaveLoop writes them; Tests/HostileTests kills it.
import Foundation
import GGUF
import Notebook

/// The kinds of file gemma-repl writes atomically.
public enum SavedFile: String, CaseIterable, Sendable {
    /// A notebook, by `Notebook.write(to:)` (`:save`, and `run --update` through the same writer).
    case notebook
    /// A model file, by `GGUFWriter.write(to:)`.
    case gguf
    /// Plain bytes, as `AtomicFile.write` writes dumps, .npy files and figures.
    case plain
    /// The REPL's history, by `EditLineReader.saveHistory()` (libedit's `write_history` into a
    /// temporary file, fsync, rename).
    case history

    /// The notebook of generation `generation`: 200 lines of output, 40 KB (serialising a
    /// notebook is the slow part of saving one; a small one makes most kills land in the write).
    public static func notebook(_ generation: Int) -> Notebook {
        let text = (0..<200).map { "generation \(generation), line \($0) " + String(repeating: "-", count: 180) }
        return Notebook(cells: [NotebookCell(kind: .code, source: "let generation = \(generation)",
                                             output: CellOutput(text: text.joined(separator: "\n")))])
    }

    /// The GGUF file of generation `generation`: a key and 100 000 floats holding it.
    public static func gguf(_ generation: Int) throws -> GGUFWriter {
        var writer = GGUFWriter()
        writer.add("generation", .uint32(UInt32(generation)))
        let values = [Float](repeating: Float(generation), count: 100_000)
        try writer.addTensor(name: "values", shape: [values.count], type: .f32,
                             data: values.withUnsafeBytes { Array($0) })
        return writer
    }

    /// The plain bytes of generation `generation`: its number, 400 000 bytes, its number again.
    public static func plain(_ generation: Int) -> [UInt8] {
        Array("generation \(generation)\n".utf8) + plainBody + Array("\nend of generation \(generation)\n".utf8)
    }

    private static let plainBody = [UInt8](repeating: 0x2D, count: 400_000)

    /// The 1000 history entries of generation `generation` (no spaces: libedit escapes them).
    public static func historyLines(_ generation: Int) -> [String] {
        (0..<1000).map { "generation-\(generation)-line-\($0)" }
    }

    /// The history file of generation `generation` as libedit writes it: a header line, then
    /// one line per entry, oldest first.
    public static func history(_ generation: Int) -> [UInt8] {
        Array(("_HiStOrY_V2_\n" + historyLines(generation).map { $0 + "\n" }.joined()).utf8)
    }

    /// The generation the file at `path` holds completely, or a description of what is wrong.
    public func generation(at path: String) -> Result<Int, FileDamage> {
        switch self {
        case .notebook:
            guard let notebook = try? Notebook.load(contentsOf: URL(fileURLWithPath: path)) else {
                return .failure(FileDamage("the notebook does not parse"))
            }
            guard let source = notebook.cells.first?.source, source.hasPrefix("let generation = "),
                  let generation = Int(source.dropFirst("let generation = ".count)) else {
                return .failure(FileDamage("the notebook's cell is not a generation"))
            }
            let expected = Self.notebook(generation).cells
            let complete = notebook.cells.map(\.source) == expected.map(\.source)
                && notebook.cells.map(\.output?.text) == expected.map(\.output?.text)
            return complete ? .success(generation)
                : .failure(FileDamage("notebook of generation \(generation) is incomplete"))
        case .gguf:
            guard let file = try? GGUFFile(path: path), let generation = try? file.int("generation"),
                  let tensor = file.tensor(named: "values") else {
                return .failure(FileDamage("the GGUF file does not read"))
            }
            let data = file.data(of: tensor)
            let complete = tensor.shape == [100_000] && data.withMemoryRebound(to: Float.self) { floats in
                floats.allSatisfy { $0 == Float(generation) }
            }
            return complete ? .success(generation) : .failure(FileDamage("GGUF file of generation \(generation) is mixed"))
        case .plain:
            guard let bytes = FileManager.default.contents(atPath: path),
                  let firstLine = bytes.split(separator: 0x0A).first,
                  let generation = Int(String(decoding: firstLine, as: UTF8.self).dropFirst("generation ".count)) else {
                return .failure(FileDamage("the file does not start with its generation"))
            }
            return Array(bytes) == Self.plain(generation) ? .success(generation)
                : .failure(FileDamage("file of generation \(generation) is incomplete (\(bytes.count) bytes)"))
        case .history:
            guard let bytes = FileManager.default.contents(atPath: path) else {
                return .failure(FileDamage("the history file does not read"))
            }
            let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
            guard lines.count > 1, let generation = Int(String(decoding: lines[1], as: UTF8.self)
                    .dropFirst("generation-".count).prefix { $0 != "-" }) else {
                return .failure(FileDamage("the history file does not start with a generation's entry"))
            }
            return Array(bytes) == Self.history(generation) ? .success(generation)
                : .failure(FileDamage("history of generation \(generation) is incomplete (\(bytes.count) bytes)"))
        }
    }
}

/// What is wrong with a file that should hold one complete generation.
public struct FileDamage: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
