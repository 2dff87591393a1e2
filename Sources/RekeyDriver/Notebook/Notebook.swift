import RekeySyntax

/// A Jupyter notebook (nbformat 4) as rekey reads it: its code cells, in order, as one Python
/// program (the kernel runs them as one session, so a key made in one cell and reused in another
/// is a reuse), and where each cell's source is in the file's own text.
///
/// Markdown and raw cells, and code cells that start with a cell magic (`%%bash`), are not part
/// of the program. Every other code cell's source is, line for line, with IPython's own syntax
/// replaced by same-length placeholders (see ``IPythonSyntax``) and a newline after a cell whose
/// source does not end with one. Positions in the program are mapped back to a cell and a line
/// within it (``place(of:)``), and a rewritten program back into the cells' `source` values
/// (``NotebookWriteBack``).
struct Notebook: Sendable {
    /// The `.ipynb` file's bytes.
    let bytes: [UInt8]
    /// The program rekey analyses.
    let program: [UInt8]
    let cells: [Cell]
    /// Whether the file is ASCII only: its strings then escape any other character (`\u00e9`),
    /// and a rewritten source does too.
    let isASCII: Bool
    /// The offset of every line of the file after the first, for positions in its text.
    let fileLineStarts: [Int]

    /// A code cell of the program.
    struct Cell: Sendable {
        /// 1-based, counting every cell of the notebook (markdown ones too), as `cells[n - 1]`.
        let number: Int
        /// The `source` value in the file (a string, or an array of strings).
        let sourceSpan: ByteRange
        /// The strings of the `source` value, in order: their spans and decoded text.
        let pieces: [Piece]
        let isList: Bool
        /// The cell's source, decoded.
        let text: [UInt8]
        /// Where the cell is in the program.
        let programRange: ByteRange
        /// 1-based program line of the cell's first line.
        let firstLine: Int
        /// The program added a newline after the cell's last line.
        let addedNewline: Bool
        /// The cell's lines that are IPython syntax, by 0-based line index in the cell: the
        /// program has a placeholder there, and no fix may change it.
        let ipythonLines: Set<Int>
        /// The indentation IPython takes off the cell before running it, as its `leading_indent`
        /// does: its first non-blank line's, off every line that starts with it. Empty for most.
        let strippedIndent: [UInt8]
        /// The cell's lines (0-based) the program has without `strippedIndent`.
        let dedentedLines: Set<Int>

        /// Where the program's byte `offset` bytes into the cell is in the cell's text.
        func textOffset(ofProgramOffset offset: Int) -> Int {
            guard !dedentedLines.isEmpty else { return offset }
            var (programStart, textStart) = (0, 0)
            for (index, line) in Notebook.lines(of: text).enumerated() {
                let stripped = dedentedLines.contains(index) ? strippedIndent.count : 0
                let programLength = line.count - stripped
                if offset < programStart + programLength { return textStart + stripped + offset - programStart }
                programStart += programLength
                textStart += line.count
            }
            return textStart + offset - programStart
        }
    }

    struct Piece: Sendable {
        let span: ByteRange
        let text: [UInt8]
        /// For each byte of `text`, where in the file it was read (see ``SpannedJSON/decodedString(in:span:)``).
        let sourceOffsets: [Int]
    }

    enum Failure: Error, CustomStringConvertible {
        case notJSON(String)
        case notUTF8
        case notNotebook(String)
        /// Its kernel runs another language (R, Julia…): not a Python file, so not rekey's.
        case notPython(language: String)

        var description: String {
            switch self {
            case .notJSON(let problem): return "not a notebook: \(problem)"
            case .notUTF8: return "not a notebook: not valid UTF-8"
            case .notNotebook(let reason): return "not a notebook rekey reads: \(reason)"
            case .notPython(let language): return "a notebook in \(language), not Python"
            }
        }
    }

    /// Notebooks are the files with this extension (as Jupyter and ruff name them).
    static func isNotebookPath(_ path: String) -> Bool { path.hasSuffix(".ipynb") }

    init(bytes: [UInt8]) throws(Failure) {
        guard (try? SourceText(path: "", bytes: bytes)) != nil else { throw .notUTF8 }
        let document: SpannedJSON
        do {
            document = try SpannedJSON.parse(bytes)
        } catch {
            throw .notJSON(error.description)
        }
        guard case .literal("4", _) = document["nbformat"] else {
            throw .notNotebook("no \"nbformat\": 4 (rekey reads nbformat 4, the format Jupyter has written since 2015)")
        }
        // The language Jupyter records for the kernel; a notebook that names none is taken for Python.
        let metadata = document["metadata"]
        if let language = metadata?["language_info"]?["name"]?.string(in: bytes) ?? metadata?["kernelspec"]?["language"]?.string(in: bytes),
            language.lowercased() != "python"
        {
            throw .notPython(language: language)
        }
        guard case .array(let cellValues, _) = document["cells"] else { throw .notNotebook("no \"cells\" array") }
        var cells: [Cell] = []
        var program: [UInt8] = []
        var line = 1
        for (index, cell) in cellValues.enumerated() {
            guard cell["cell_type"]?.string(in: bytes) == "code" else { continue }
            guard let source = cell["source"] else { throw .notNotebook("cell \(index + 1) has no \"source\"") }
            let strings: [SpannedJSON]
            let isList: Bool
            switch source {
            case .string: (strings, isList) = ([source], false)
            case .array(let items, _) where items.allSatisfy(\.isString): (strings, isList) = (items, true)
            default: throw .notNotebook("cell \(index + 1)'s \"source\" is neither a string nor a list of strings")
            }
            let pieces = strings.map { string in
                let decoded = SpannedJSON.decodedString(in: bytes, span: string.span)
                return Piece(span: string.span, text: decoded.text, sourceOffsets: decoded.sourceOffsets)
            }
            let text = pieces.flatMap(\.text)
            if IPythonSyntax.startsWithCellMagic(text) { continue }
            let textLines = Self.lines(of: text)
            let indent = Self.leadingIndent(of: textLines)
            var dedentedLines = Set<Int>()
            let cellLines = textLines.enumerated().map { index, line in
                guard !indent.isEmpty, line.starts(with: indent) else { return line }
                dedentedLines.insert(index)
                return line.dropFirst(indent.count)
            }
            let ipythonLines = IPythonSyntax.ipythonLineIndices(cellLines)
            var cellProgram: [UInt8] = []
            for (lineIndex, sourceLine) in cellLines.enumerated() {
                guard ipythonLines.contains(lineIndex) else {
                    cellProgram += sourceLine
                    continue
                }
                let body = sourceLine.prefix { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }
                cellProgram += IPythonSyntax.placeholder(for: body) + sourceLine[body.endIndex...]
            }
            let addedNewline = !(cellProgram.last.map { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") } ?? true)
            if addedNewline { cellProgram.append(UInt8(ascii: "\n")) }
            let start = program.count
            program += cellProgram
            cells.append(
                Cell(
                    number: index + 1, sourceSpan: source.span, pieces: pieces, isList: isList, text: text,
                    programRange: ByteRange(start, program.count), firstLine: line, addedNewline: addedNewline,
                    ipythonLines: ipythonLines, strippedIndent: indent, dedentedLines: dedentedLines))
            line += Self.lines(of: cellProgram).count
        }
        self.bytes = bytes
        self.program = program
        self.cells = cells
        isASCII = bytes.allSatisfy { $0 < 0x80 }
        fileLineStarts = bytes.indices.filter { bytes[$0] == UInt8(ascii: "\n") }.map { $0 + 1 }
    }

    /// The last cell for which `isAtOrBefore` holds, which holds for a prefix of the cells (they
    /// are in program order): a binary search, as every finding looks its cell up.
    func lastCell(where isAtOrBefore: (Cell) -> Bool) -> Int? {
        let count = Self.prefixLength(of: cells, where: isAtOrBefore)
        return count == 0 ? nil : count - 1
    }

    /// How many first elements of `elements` satisfy `predicate`, which holds for a prefix of them.
    static func prefixLength<Element>(of elements: [Element], where predicate: (Element) -> Bool) -> Int {
        var (low, high) = (0, elements.count)
        while low < high {
            let middle = (low + high) / 2
            if predicate(elements[middle]) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The spaces and tabs that start a cell's first line that is not blank (IPython drops blank
    /// lines before it looks).
    static func leadingIndent(of lines: [ArraySlice<UInt8>]) -> [UInt8] {
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        let isBlank = { (line: ArraySlice<UInt8>) in
            line.allSatisfy { isSpace($0) || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }
        }
        guard let first = lines.first(where: { !isBlank($0) }) else { return [] }
        return Array(first.prefix(while: isSpace))
    }

    /// Lines as Python ends them ("\n", "\r\n" or a lone "\r"), each keeping its terminator.
    static func lines(of text: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index < text.count {
            let byte = text[index]
            index += 1
            guard byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") else { continue }
            if byte == UInt8(ascii: "\r"), index < text.count, text[index] == UInt8(ascii: "\n") { index += 1 }
            lines.append(text[start..<index])
            start = index
        }
        if start < text.count { lines.append(text[start...]) }
        return lines
    }
}
