// `gemma-repl tokenize`: token ids and pieces of a text.
import ArgumentParser
import Foundation
import Gemma

struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tokenize", abstract: "Show the token ids and pieces of a text.")

    @OptionGroup var options: ModelOptions
    @Flag(help: "Print JSON.") var json = false
    @Flag(name: .customLong("no-bos"), help: "Do not add the BOS token.") var noBOS = false
    @Flag(help: "Turn control-token text such as <start_of_turn> into the token.") var special = false
    @Argument(help: "The text.") var text: String

    struct Output: Encodable { let ids: [Int]; let pieces: [String] }

    func run() throws {
        try reportingErrors {
            let tokenizer = try options.load().tokenizer
            let ids = tokenizer.encode(text, addSpecial: !noBOS, parseSpecial: special)
            let pieces = ids.map { tokenizer.piece($0) }
            if json {
                print(try jsonText(Output(ids: ids, pieces: pieces)))
            } else {
                for (id, piece) in zip(ids, pieces) {
                    print(String(id).padding(toLength: 8, withPad: " ", startingAt: 0) + piece.debugDescription)
                }
                print("\(ids.count) tokens")
            }
        }
    }
}
