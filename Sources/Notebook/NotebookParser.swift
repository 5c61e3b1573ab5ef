// Reading .gnb text: byte checks (UTF-8, NUL), marker lines, attributes, attaching outputs
// (docs/notebook-format.md, "Cells" and "Errors").

extension Notebook {
    /// Parses the bytes of a .gnb file. `file` names the file in errors.
    public static func parse(_ bytes: [UInt8], file: String) throws -> Notebook {
        if bytes.count > maxFileSize {
            throw NotebookError.fileTooLarge(file: file, size: bytes.count, limit: maxFileSize)
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { throw NotebookError.byteOrderMark(file: file) }
        try validateText(bytes, file: file)
        var parser = NotebookParser(file: file)
        return try parser.parse(String(decoding: bytes, as: UTF8.self))
    }

    /// Parses .gnb text (a String is valid Unicode; NUL characters are still refused).
    public static func parse(_ text: String, file: String) throws -> Notebook {
        try parse(Array(text.utf8), file: file)
    }

    /// Throws at the first NUL byte or ill-formed UTF-8 sequence (overlong forms, surrogates and
    /// code points past U+10FFFF are ill-formed), naming its 0-based byte offset and line.
    static func validateText(_ bytes: [UInt8], file: String) throws {
        var offset = 0
        var line = 1
        while offset < bytes.count {
            let lead = bytes[offset]
            if lead < 0x80 {
                if lead == 0 { throw NotebookError.nulByte(file: file, line: line, byteOffset: offset) }
                if lead == 0x0A { line += 1 }
                offset += 1
                continue
            }
            // The allowed range of the second byte, and how many bytes the sequence has.
            let (second, length): (ClosedRange<UInt8>, Int) = switch lead {
            case 0xC2...0xDF: (0x80...0xBF, 2)
            case 0xE0: (0xA0...0xBF, 3)
            case 0xE1...0xEC, 0xEE...0xEF: (0x80...0xBF, 3)
            case 0xED: (0x80...0x9F, 3)
            case 0xF0: (0x90...0xBF, 4)
            case 0xF1...0xF3: (0x80...0xBF, 4)
            case 0xF4: (0x80...0x8F, 4)
            default: (0x00...0x00, 0)
            }
            guard length > 0, offset + length <= bytes.count, second.contains(bytes[offset + 1]),
                  bytes[(offset + 2)..<(offset + length)].allSatisfy({ (0x80...0xBF).contains($0) }) else {
                throw NotebookError.invalidUTF8(file: file, line: line, byteOffset: offset)
            }
            offset += length
        }
    }
}

/// Turns lines into cells, one marker at a time.
private struct NotebookParser {
    /// A marker and the lines after it, until the next marker.
    struct Pending {
        var kind: String
        var line: Int
        var name: String?
        var flags: Set<String> = []
        var lines: [String] = []
    }

    let file: String
    var cells: [NotebookCell] = []
    var pending: Pending?
    var parametersLine: Int?
    var namesSeen: [String: Int] = [:]

    init(file: String) { self.file = file }

    mutating func parse(_ text: String) throws -> Notebook {
        var lines = NotebookText.lines(of: text)
        if text.hasSuffix("\n") { lines.removeLast() }
        for (index, line) in lines.enumerated() {
            let number = index + 1
            if NotebookText.isMarker(line) {
                try finishCell()
                pending = try marker(line, at: number)
            } else if pending == nil {
                if !NotebookText.isBlank(line) { throw NotebookError.textBeforeFirstCell(file: file, line: number) }
            } else {
                pending?.lines.append(NotebookText.unescaped(line))
            }
        }
        try finishCell()
        return Notebook(cells: cells, file: file)
    }

    /// Reads `#%% kind attribute...`, checking the kind and the attributes it accepts.
    func marker(_ line: String, at number: Int) throws -> Pending {
        let words = String(decoding: line.utf8.dropFirst(NotebookText.marker.utf8.count), as: UTF8.self)
            .unicodeScalars.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            .map { String($0) }
        guard let kind = words.first else { throw NotebookError.missingCellKind(file: file, line: number) }
        guard ["markdown", "code", "parameters", "output"].contains(kind) else {
            throw NotebookError.unknownCellKind(file: file, line: number, kind: kind)
        }
        var cell = Pending(kind: kind, line: number)
        var seen: Set<String> = []
        for word in words.dropFirst() {
            let key = word.hasPrefix("id=") ? "id" : word
            let accepted = NotebookCell.attributes(of: kind).map { $0.hasPrefix("id=") ? "id" : $0 }
            guard accepted.contains(key) else {
                throw NotebookError.unknownAttribute(file: file, line: number, attribute: word, kind: kind)
            }
            guard seen.insert(key).inserted else {
                throw NotebookError.duplicateAttribute(file: file, line: number, attribute: key)
            }
            if key == "id" {
                let name = String(word.dropFirst(3))
                guard !name.isEmpty, name.allSatisfy(NotebookText.isNameCharacter) else {
                    throw NotebookError.invalidCellName(file: file, line: number, name: name)
                }
                if let first = namesSeen[name] {
                    throw NotebookError.duplicateCellName(file: file, line: number, name: name, firstLine: first)
                }
                cell.name = name
            } else {
                cell.flags.insert(key)
            }
        }
        return cell
    }

    /// Adds the pending cell: a new cell, or the output of the code cell before it.
    mutating func finishCell() throws {
        guard let cell = pending else { return }
        pending = nil
        let content = NotebookText.joinedContent(cell.lines)
        if cell.kind == "output" {
            guard let last = cells.indices.last, cells[last].isCode else {
                throw NotebookError.outputWithoutCode(file: file, line: cell.line)
            }
            if let existing = cells[last].output {
                throw NotebookError.duplicateOutput(file: file, line: cell.line, firstLine: existing.line)
            }
            cells[last].output = CellOutput(text: content, isError: cell.flags.contains("error"), line: cell.line)
            return
        }
        let kind = NotebookCell.Kind(rawValue: cell.kind) ?? .code
        if kind == .parameters {
            if let first = parametersLine {
                throw NotebookError.secondParametersCell(file: file, line: cell.line, firstLine: first)
            }
            parametersLine = cell.line
        }
        if let name = cell.name { namesSeen[name] = cell.line }
        cells.append(NotebookCell(kind: kind, source: content, name: cell.name,
                                  expectsError: cell.flags.contains("raises"),
                                  checksOutput: !cell.flags.contains("nocheck"), line: cell.line))
    }
}
