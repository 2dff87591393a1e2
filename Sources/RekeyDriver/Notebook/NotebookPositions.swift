import RekeyRules
import RekeySyntax

/// Where a finding in a notebook's program is for a reader: its cell and the line and column
/// within the cell's source (what Jupyter shows), and the same place in the `.ipynb` file's own
/// text (what an editor or a code-review annotation opening the file shows).
extension Notebook {
    public func place(of finding: Finding) -> NotebookPlace? {
        guard let cell = cells.last(where: { $0.firstLine <= finding.start.line }) else { return nil }
        func inCell(_ position: SourcePosition) -> SourcePosition {
            SourcePosition(line: position.line - cell.firstLine + 1, column: position.column)
        }
        return NotebookPlace(
            cell: cell.number, start: inCell(finding.start), end: inCell(finding.end),
            fileStart: filePosition(ofProgramOffset: finding.range.start),
            fileEnd: filePosition(ofProgramOffset: finding.range.end))
    }

    /// The line and column (in characters, 1-based) in the `.ipynb` text of the character the
    /// program has at `offset`, inside the JSON string it was decoded from.
    func filePosition(ofProgramOffset offset: Int) -> SourcePosition {
        let fileOffset = self.fileOffset(ofProgramOffset: offset)
        let lineStart = (bytes[..<fileOffset].lastIndex(of: UInt8(ascii: "\n")) ?? -1) + 1
        let line = bytes[..<lineStart].count { $0 == UInt8(ascii: "\n") } + 1
        let column = bytes[lineStart..<fileOffset].count { $0 & 0xC0 != 0x80 } + 1
        return SourcePosition(line: line, column: column)
    }

    private func fileOffset(ofProgramOffset offset: Int) -> Int {
        // An empty cell holds no offset, not even the program's end.
        guard let cell = cells.last(where: { $0.programRange.start <= offset && !$0.programRange.isEmpty }) else { return 0 }
        var remaining = offset - cell.programRange.start
        for piece in cell.pieces {
            if remaining < piece.text.count { return piece.sourceOffsets[remaining] }
            remaining -= piece.text.count
        }
        // The newline the program added, or the end of the cell: the closing quote of its last string.
        return cell.pieces.last?.sourceOffsets.last ?? cell.sourceSpan.start
    }
}
