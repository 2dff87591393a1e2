import RekeyEdits

/// A rewritten program put back into the notebook it came from: each line of the new program
/// goes to the cell its old line was in (found by a line diff of the two programs; a changed run
/// across cells is split where its characters align), a line a fix inserted goes to the cell of
/// the line it was inserted before (fixes insert before the statement they prepare), and only the
/// `source` values of the cells whose text changed are replaced, in the notebook's own layout (a list of lines or one string, its indentation and
/// line breaks) and escaping (a line unchanged keeps its JSON text byte for byte; a new line is
/// escaped as the file escapes, `\u00e9` in an ASCII-only file). Outputs, metadata, execution
/// counts and every other byte of the file stay as they were.
extension Notebook {
    enum WriteBackFailure: Error, CustomStringConvertible {
        /// A fix would change or remove a line of IPython syntax (a magic, a shell escape).
        case changesIPythonLine(cell: Int, line: Int)
        /// Read again, the rewritten notebook is not the rewritten program (a safety net).
        case notReproduced

        var description: String {
            switch self {
            case .changesIPythonLine(let cell, let line):
                return "it would change the IPython line \(line) of cell \(cell) (magics and shell escapes are left alone)"
            case .notReproduced:
                return "the notebook written back does not read as the fixed program"
            }
        }
    }

    /// The notebook whose program is `newProgram`.
    func writingBack(_ newProgram: [UInt8]) throws(WriteBackFailure) -> Notebook {
        let newCellTexts = try cellTexts(of: newProgram)
        var output: [UInt8] = []
        var copied = 0
        for (cell, text) in zip(cells, newCellTexts) where text != cell.text {
            output += bytes[copied..<cell.sourceSpan.start]
            output += renderedSource(text, like: cell)
            copied = cell.sourceSpan.end
        }
        output += bytes[copied...]
        guard let rewritten = try? Notebook(bytes: output), rewritten.program == newProgram else { throw .notReproduced }
        return rewritten
    }

    /// Each cell's new source text, the IPython lines as they were.
    private func cellTexts(of newProgram: [UInt8]) throws(WriteBackFailure) -> [[UInt8]] {
        var owners: [(cell: Int, line: Int)] = []
        var originalLines: [[ArraySlice<UInt8>]] = []
        for (index, cell) in cells.enumerated() {
            originalLines.append(Self.lines(of: cell.text))
            owners += Self.lines(of: Array(program[cell.programRange.start..<cell.programRange.end])).indices.map { (index, $0) }
        }
        let oldLines = Self.lines(of: program)
        let newLines = Self.lines(of: newProgram)
        guard !cells.isEmpty else {
            if newLines.isEmpty { return [] }
            throw .notReproduced
        }
        let script = LineDiff(oldLines: oldLines, newLines: newLines).script
        var texts = Array(repeating: [UInt8](), count: cells.count)
        var (old, new) = (0, 0)
        /// The lines both programs have, up to old line `end`, each to its cell.
        func keepLines(upTo end: Int) {
            while old < end {
                let owner = owners[old]
                let cell = cells[owner.cell]
                let stripped = cell.dedentedLines.contains(owner.line) ? cell.strippedIndent : []
                var line = newLines[new]
                // A kept placeholder is written back as the IPython text it stands for (same length).
                if cell.ipythonLines.contains(owner.line) {
                    let original = Self.body(of: originalLines[owner.cell][owner.line]).dropFirst(stripped.count)
                    line.replaceSubrange(line.startIndex..<(line.startIndex + original.count), with: original)
                }
                texts[owner.cell] += stripped + line
                old += 1
                new += 1
            }
        }
        for change in script.changes {
            keepLines(upTo: change.old.lowerBound)
            let touched = change.old.map { owners[$0] }
            if let ipython = touched.first(where: { cells[$0.cell].ipythonLines.contains($0.line) }) {
                throw .changesIPythonLine(cell: cells[ipython.cell].number, line: ipython.line + 1)
            }
            if Set(touched.map { $0.cell }).count <= 1 {
                let target =
                    touched.first?.cell ?? (change.old.upperBound < owners.count ? owners[change.old.upperBound].cell : cells.count - 1)
                for line in change.new { texts[target] += indented(newLines[line], in: target) }
            } else {
                let cellOfNewLine = Self.cellsAcrossBoundaries(
                    old: change.old.map { (oldLines[$0], owners[$0].cell) }, new: change.new.map { newLines[$0] })
                for (line, cell) in zip(change.new, cellOfNewLine) { texts[cell] += indented(newLines[line], in: cell) }
            }
            (old, new) = (change.old.upperBound, change.new.upperBound)
        }
        keepLines(upTo: oldLines.count)
        for (index, cell) in cells.enumerated() where cell.addedNewline && texts[index].last == UInt8(ascii: "\n") {
            texts[index].removeLast()
        }
        return texts
    }

    /// A new line of the program as the cell at `index` holds it: with the indentation IPython
    /// takes off the cell put back, unless the line is blank.
    private func indented(_ line: ArraySlice<UInt8>, in index: Int) -> [UInt8] {
        let blank = Self.body(of: line).allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        return (blank ? [] : cells[index].strippedIndent) + Array(line)
    }

    /// The cell of each new line of a changed run whose old lines span cells (a fix that edits
    /// the last line of one cell and the first of the next): the two runs are aligned character
    /// by character, and each old line that starts a cell starts it at the new line where its
    /// first surviving character went (`weights = normal(key)` / `noise = normal(key)` becoming
    /// `k1, k2 = split(key)` / `weights = normal(k1)` / `noise = normal(k2)` keeps `noise` in the
    /// second cell, the new `split` line in the first).
    private static func cellsAcrossBoundaries(old: [(line: ArraySlice<UInt8>, cell: Int)], new: [ArraySlice<UInt8>]) -> [Int] {
        let oldBytes = old.flatMap(\.line)
        let newBytes = new.flatMap { $0 }
        // For each old byte, the new byte it became or, deleted, the next one that survived.
        var newOffset = Array(repeating: newBytes.count, count: oldBytes.count + 1)
        var (oldIndex, newIndex) = (0, 0)
        func keepCommon(upTo end: Int) {
            for step in 0..<(end - oldIndex) { newOffset[oldIndex + step] = newIndex + step }
        }
        for change in ShortestEditScript(old: oldBytes.map(Int.init), new: newBytes.map(Int.init)).changes {
            keepCommon(upTo: change.old.lowerBound)
            for deleted in change.old { newOffset[deleted] = change.new.upperBound }
            (oldIndex, newIndex) = (change.old.upperBound, change.new.upperBound)
        }
        keepCommon(upTo: oldBytes.count)
        var cells: [Int] = []
        var newLineStart = 0
        var oldLine = 0
        var oldLineStart = 0
        for line in new {
            // The old lines whose first character lands in or before this new line take it to their cell.
            while oldLine + 1 < old.count, newOffset[oldLineStart + old[oldLine].line.count] < newLineStart + line.count {
                oldLineStart += old[oldLine].line.count
                oldLine += 1
            }
            cells.append(old[oldLine].cell)
            newLineStart += line.count
        }
        return cells
    }

    /// A line without its terminator.
    private static func body(of line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        line.prefix { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }
    }

    /// `text` as a `source` value laid out like `cell`'s.
    private func renderedSource(_ text: [UInt8], like cell: Cell) -> [UInt8] {
        let spelled = spelledLines
        let lines = Self.lines(of: text).map { encodedLine($0, spelled: spelled) }
        guard cell.isList else { return Array("\"".utf8) + lines.joined() + Array("\"".utf8) }
        guard !lines.isEmpty else { return Array("[]".utf8) }
        let layout = listLayout(for: cell)
        let items = lines.map { Array("\"".utf8) + $0 + Array("\"".utf8) }
        return Array("[".utf8) + layout.prefix + Array(items.joined(separator: layout.separator)) + layout.suffix + Array("]".utf8)
    }

    /// What a list-valued `source` has between its bracket and first string, between two
    /// strings, and after the last: the cell's own, or another cell's when it has too few strings
    /// to show (Jupyter writes every cell alike), or one line when no cell shows it.
    private func listLayout(for cell: Cell) -> (prefix: [UInt8], separator: [UInt8], suffix: [UInt8]) {
        let lists = [cell] + cells.filter(\.isList)
        guard let shown = lists.first(where: { !$0.pieces.isEmpty }) else { return ([], Array(", ".utf8), []) }
        let prefix = Array(bytes[(shown.sourceSpan.start + 1)..<shown.pieces[0].span.start])
        let suffix = Array(bytes[shown.pieces.last!.span.end..<(shown.sourceSpan.end - 1)])
        if let several = lists.first(where: { $0.pieces.count > 1 }) {
            return (prefix, Array(bytes[several.pieces[0].span.end..<several.pieces[1].span.start]), suffix)
        }
        return (prefix, Array(",".utf8) + (prefix.isEmpty ? Array(" ".utf8) : prefix), suffix)
    }

    /// A line's JSON string content (no quotes): as the file spells it when the file has that
    /// line already, else escaped the file's way.
    private func encodedLine(_ line: ArraySlice<UInt8>, spelled: [ArraySlice<UInt8>: [UInt8]]) -> [UInt8] {
        if let known = spelled[line] { return known }
        var out = ""
        JSONValue.writeString(String(decoding: line, as: UTF8.self), to: &out, escapingNonASCII: isASCII)
        return Array(out.utf8.dropFirst().dropLast())
    }

    /// Every line of every code cell's strings, decoded, with its text in the file.
    private var spelledLines: [ArraySlice<UInt8>: [UInt8]] {
        var spelled: [ArraySlice<UInt8>: [UInt8]] = [:]
        for piece in cells.flatMap(\.pieces) {
            var start = 0
            for line in Self.lines(of: piece.text) {
                let end = start + line.count
                spelled[line] = spelled[line] ?? Array(bytes[piece.sourceOffsets[start]..<piece.sourceOffsets[end]])
                start = end
            }
        }
        return spelled
    }
}
