// The fuzz targets: what each one does with an arbitrary input, shared by the libFuzzer binary
// (Fuzz/Entry/main.swift, built by scripts/fuzz) and the bounded run in Tests/HostileTests.
import Foundation

/// A part of gemma-repl that reads input from outside: files, typed scripts, notebooks.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// `GGUFFile(path:)` on the bytes as a file, then every accessor and a writer round trip.
    case gguf
    /// Encode and decode with the tiny fixture's and the Gemma 3 vocabulary.
    case tokenizer
    /// The GNB scanner, parser, resolver and interpreter, with tight limits and a deadline.
    case language
    /// The .gnb parser and writer, and running the cells.
    case notebook

    /// Runs one input. A crash (trap, sanitizer report) is a bug; so is a thrown `FuzzFailure`,
    /// which reports a broken invariant (a round trip that differs, a script that hangs).
    public func run(_ input: [UInt8]) throws {
        switch self {
        case .gguf: try GGUFTarget.run(input)
        case .tokenizer: try TokenizerTarget.run(input)
        case .language: try LanguageTarget.run(input)
        case .notebook: try NotebookTarget.run(input)
        }
    }

    /// Words the mutation fuzzer splices in: keywords and tokens of each input format.
    public var dictionary: [[UInt8]] {
        let words: [String]
        switch self {
        case .gguf:
            words = ["GGUF", "general.alignment", "general.architecture", "tokenizer.ggml.tokens", "blk.0.attn_q.weight"]
        case .tokenizer:
            words = ["<start_of_turn>", "<end_of_turn>", "<bos>", "<eos>", "<unk>", "<pad>", "<mask>", " ", "▁", "\n", "\u{0}",
                     "<0x41>", "😀", "e\u{301}"]
        case .language:
            words = ["let ", "fn ", "return ", "while ", "for ", " in ", "if ", "else ", "true", "false", "null", "..<",
                     "=>", "\\(", "\"", "{", "}", "[", "]", "(", ")", ".map(", ".push(", "**", "1e308", "range(",
                     "str(", "help(", "len(", "assert(", "#", "\n"]
        case .notebook:
            words = ["#%% code", "#%% markdown", "#%% output", "#%% error", "#%% parameters", " id=", " nocheck",
                     " raises", "\\#%%", "\n", "\r\n", "print(", "let x = 1"]
        }
        return words.map { Array($0.utf8) }
    }
}

/// An invariant a target checks did not hold for an input.
public struct FuzzFailure: Error, CustomStringConvertible {
    public let target: FuzzTarget
    public let message: String

    public init(_ target: FuzzTarget, _ message: String) {
        self.target = target
        self.message = message
    }

    public var description: String { "\(target.rawValue): \(message)" }
}

/// Where the harness finds the repository's files.
enum FuzzPaths {
    /// The repository root: `GEMMA_REPO` when set, else two folders above this source file.
    static let repository: URL = {
        if let root = ProcessInfo.processInfo.environment["GEMMA_REPO"], !root.isEmpty {
            return URL(fileURLWithPath: root)
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }()

    static func fixture(_ name: String) -> String {
        repository.appendingPathComponent("Tests/Fixtures/reference/\(name)").path
    }

    /// A scratch file for this process, for targets that need a path.
    static func scratch(_ name: String) -> String {
        NSTemporaryDirectory() + "gemma-fuzz-\(getpid())-\(name)"
    }
}
