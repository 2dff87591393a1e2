import RekeyRules
import RekeySyntax

/// Where a finding in a notebook's program is for a reader: its cell and the line and column
/// within the cell's source (what Jupyter shows), and the same place in the `.ipynb` file's own
/// text (what an editor or a code-review annotation opening the file shows).
extension Notebook {
    func place(of finding: Finding) -> NotebookPlace? {
        guard let index = lastCell(where: { $0.firstLine <= finding.start.line }) else { return nil }
        let cell = cells[index]
        func inCell(_ position: SourcePosition) -> SourcePosition {
            let line = position.line - cell.firstLine + 1
            let stripped = cell.dedentedLines.contains(line - 1) ? cell.strippedIndent.count : 0
            return SourcePosition(line: line, column: position.column + stripped)
        }
        let fileRange = ByteRange(fileOffset(ofProgramOffset: finding.range.start), fileOffset(ofProgramOffset: finding.range.end))
        return NotebookPlace(
            cell: cell.number, start: inCell(finding.start), end: inCell(finding.end),
            fileStart: filePosition(ofFileOffset: fileRange.start), fileEnd: filePosition(ofFileOffset: fileRange.end), fileRange: fileRange
        )
    }

    /// The line and column (in characters, 1-based) of `fileOffset` in the `.ipynb` text.
    private func filePosition(ofFileOffset fileOffset: Int) -> SourcePosition {
        let line = Self.prefixLength(of: fileLineStarts) { $0 <= fileOffset } + 1
        let lineStart = line == 1 ? 0 : fileLineStarts[line - 2]
        let column = bytes[lineStart..<fileOffset].count { $0 & 0xC0 != 0x80 } + 1
        return SourcePosition(line: line, column: column)
    }

    /// Where in the `.ipynb` text the program's byte at `offset` was read (inside the JSON string
    /// it was decoded from).
    private func fileOffset(ofProgramOffset offset: Int) -> Int {
        guard var index = lastCell(where: { $0.programRange.start <= offset }) else { return 0 }
        // An empty cell holds no offset, not even the program's end.
        while index > 0, cells[index].programRange.isEmpty { index -= 1 }
        let cell = cells[index]
        var remaining = cell.textOffset(ofProgramOffset: offset - cell.programRange.start)
        for piece in cell.pieces {
            if remaining < piece.text.count { return piece.sourceOffsets[remaining] }
            remaining -= piece.text.count
        }
        // The newline the program added, or the end of the cell: the closing quote of its last string.
        return cell.pieces.last?.sourceOffsets.last ?? cell.sourceSpan.start
    }
}
