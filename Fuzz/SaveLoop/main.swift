// A writer to kill: saves generation after generation of a file atomically, with the writers
// gemma-repl uses, until it is killed (Tests/HostileTests/AtomicWriteKillTests.swift).
//
//     gemma-save-loop notebook|gguf|plain|history PATH FIRST-GENERATION
import AtomicWrite
import CLibEdit
import Foundation
import FuzzHarness
import LineEditor

let arguments = CommandLine.arguments
guard arguments.count == 4, let kind = SavedFile(rawValue: arguments[1]), let first = Int(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: gemma-save-loop notebook|gguf|plain|history PATH FIRST-GENERATION\n".utf8))
    exit(2)
}
let path = arguments[2]
let historyReader = kind == .history ? EditLineReader(historyPath: path, completer: nil) : nil
var generation = first
while true {
    do {
        switch kind {
        case .notebook: try SavedFile.notebook(generation).write(to: URL(fileURLWithPath: path))
        case .gguf: try SavedFile.gguf(generation).write(to: path)
        case .plain: try AtomicFile.write(SavedFile.plain(generation), to: path)
        case .history:
            clear_history()
            for line in SavedFile.historyLines(generation) { historyReader?.addHistory(line) }
            if let warning = historyReader?.saveHistory() { throw FileDamage(warning) }
        }
    } catch {
        FileHandle.standardError.write(Data("gemma-save-loop: \(error)\n".utf8))
        exit(1)
    }
    // One line per completed save, so the test knows how far it got.
    FileHandle.standardOutput.write(Data("\(generation)\n".utf8))
    generation += 1
}
