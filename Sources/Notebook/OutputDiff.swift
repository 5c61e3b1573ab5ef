// Unified-style line diffs of a stored and an actual cell output, numbered by file lines
// (the hunk format of GNU diff -u: `@@ -start,count +start,count @@`, 3 lines of context).

enum OutputDiff {
    /// One line of the edit script.
    enum Edit: Equatable {
        case same(String), removed(String), added(String)
    }

    /// Past this many cells of the LCS table the changed middle is shown as removed then added.
    static let maxTableCells = 4_000_000

    /// The hunks turning `old` into `new`. `oldStart`/`newStart` are the file lines of their
    /// first lines. Empty when the two are equal.
    static func hunks(old: [String], new: [String], oldStart: Int, newStart: Int, context: Int = 3) -> String {
        let edits = editScript(old, new)
        let changes = edits.indices.filter { if case .same = edits[$0] { false } else { true } }
        guard let firstChange = changes.first else { return "" }

        // Group changes whose context would touch into one hunk.
        var groups: [(first: Int, last: Int)] = [(firstChange, firstChange)]
        for change in changes.dropFirst() {
            if change - groups[groups.count - 1].last <= 2 * context {
                groups[groups.count - 1].last = change
            } else {
                groups.append((change, change))
            }
        }

        // Old and new line index before each edit.
        var oldIndex = [Int](), newIndex = [Int]()
        var (o, n) = (0, 0)
        for edit in edits {
            oldIndex.append(o)
            newIndex.append(n)
            switch edit {
            case .same: o += 1; n += 1
            case .removed: o += 1
            case .added: n += 1
            }
        }

        var lines: [String] = []
        for group in groups {
            let start = max(group.first - context, 0)
            let end = min(group.last + context, edits.count - 1)
            let slice = edits[start...end]
            let oldCount = slice.filter { if case .added = $0 { false } else { true } }.count
            let newCount = slice.filter { if case .removed = $0 { false } else { true } }.count
            // An empty range names the line before it, as diff -u does.
            let oldLine = oldStart + oldIndex[start] - (oldCount == 0 ? 1 : 0)
            let newLine = newStart + newIndex[start] - (newCount == 0 ? 1 : 0)
            lines.append("@@ -\(oldLine),\(oldCount) +\(newLine),\(newCount) @@")
            for edit in slice {
                switch edit {
                case .same(let text): lines.append(" " + text)
                case .removed(let text): lines.append("-" + text)
                case .added(let text): lines.append("+" + text)
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// A shortest edit script by longest common subsequence, after trimming the common prefix
    /// and suffix (outputs usually differ in a few lines).
    static func editScript(_ old: [String], _ new: [String]) -> [Edit] {
        var prefix = 0
        while prefix < old.count, prefix < new.count, old[prefix] == new[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < old.count - prefix, suffix < new.count - prefix,
              old[old.count - 1 - suffix] == new[new.count - 1 - suffix] { suffix += 1 }
        let oldMiddle = Array(old[prefix..<(old.count - suffix)])
        let newMiddle = Array(new[prefix..<(new.count - suffix)])

        var edits = old[..<prefix].map(Edit.same)
        let (rows, columns) = (oldMiddle.count, newMiddle.count)
        if rows.multipliedReportingOverflow(by: columns).partialValue > maxTableCells
            || rows.multipliedReportingOverflow(by: columns).overflow {
            edits += oldMiddle.map(Edit.removed) + newMiddle.map(Edit.added)
        } else {
            // common[i][j]: length of the LCS of oldMiddle[i...] and newMiddle[j...].
            var common = [[Int]](repeating: [Int](repeating: 0, count: columns + 1), count: rows + 1)
            for i in stride(from: rows - 1, through: 0, by: -1) {
                for j in stride(from: columns - 1, through: 0, by: -1) {
                    common[i][j] = oldMiddle[i] == newMiddle[j]
                        ? common[i + 1][j + 1] + 1 : max(common[i + 1][j], common[i][j + 1])
                }
            }
            var (i, j) = (0, 0)
            while i < rows || j < columns {
                if i < rows, j < columns, oldMiddle[i] == newMiddle[j] {
                    edits.append(.same(oldMiddle[i])); i += 1; j += 1
                } else if j < columns, i == rows || common[i][j + 1] > common[i + 1][j] {
                    edits.append(.added(newMiddle[j])); j += 1
                } else {
                    edits.append(.removed(oldMiddle[i])); i += 1
                }
            }
        }
        edits += old[(old.count - suffix)...].map(Edit.same)
        return edits
    }
}
