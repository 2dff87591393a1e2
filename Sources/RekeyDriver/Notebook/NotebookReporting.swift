import RekeyEdits
import RekeyRules
import RekeySyntax

/// How the reports show a finding in a notebook. Text and JSON, read by people and by tools that
/// know notebooks, give the cell and the line and column within it, as ruff does
/// (`nb.ipynb:cell 3:2:5:`). SARIF, GitHub, GitLab and rdjson annotate the file's own text, which
/// is JSON: there the position is where the code is in that text (inside the string holding the
/// line), so an annotation lands on the right characters of the `.ipynb` file, and the message
/// starts with the cell, line and column a reader finds in Jupyter. A fix's byte edits are in
/// the program of the code cells, not in the file: reports that list or suggest edits leave out a
/// fix that edits a notebook (its other files' edits too, which alone would break the calls the
/// notebook's edits update); `rekey diff` and `rekey fix` apply it.
extension Finding {
    /// The start and end a reader looks for: within the cell for a notebook.
    var shownStart: SourcePosition { notebookPlace?.start ?? start }
    var shownEnd: SourcePosition { notebookPlace?.end ?? end }

    /// The start and end in the file's own text, and its bytes there.
    var fileStart: SourcePosition { notebookPlace?.fileStart ?? start }
    var fileEnd: SourcePosition { notebookPlace?.fileEnd ?? end }
    var fileRange: ByteRange { notebookPlace?.fileRange ?? range }

    /// `cell 3:` before the line and column in a text report; "" outside notebooks.
    var cellLabel: String { notebookPlace.map { "cell \($0.cell):" } ?? "" }

    /// The message, after `cell 3, line 2, column 5: ` in a notebook, for the reports that
    /// point into the file's text.
    var messageWithCell: String {
        guard let place = notebookPlace else { return message }
        return "cell \(place.cell), line \(place.start.line), column \(place.start.column): \(message)"
    }
}

extension Fix {
    /// Whether one of its edits is in a notebook, whose offsets are in the program of its cells.
    var editsNotebook: Bool { edits.keys.contains(where: Notebook.isNotebookPath) }
}

/// The notebooks of a run by path, to say their program's line numbers in messages as cells.
struct NotebookLines {
    let notebooks: [String: Notebook]
    private static let notebookSuffix = Array(".ipynb".utf8)

    /// `text` (a message, a reason) of a finding in `path` with each `line N` of a notebook's
    /// program said as its cell and the line within it: an unqualified `line N` when `path` is a
    /// notebook (`at cell 3, line 2`), and `nb.ipynb line N` or `nb.ipynb at line N` for any
    /// notebook. A line of a Python file (`model.py line 4`) is left as it is.
    func describing(_ text: String, in path: String) -> String {
        // Only a notebook's own text or one naming a notebook can change; most runs have findings
        // by the hundred and a few notebooks. Every notebook's path ends in `.ipynb`: a text
        // without it names none, found without asking each path (Foundation's search is slow).
        guard
            notebooks[path] != nil
                || (Prefilter.firstOccurrence(of: Self.notebookSuffix, in: Array(text.utf8), from: 0) != nil
                    && notebooks.keys.contains(where: text.contains))
        else { return text }
        var out = ""
        var rest = Substring(text)
        while let match = rest.firstMatch(of: /\bline (\d+)/) {
            let before = rest[..<match.range.lowerBound]
            out += before
            let words = before.split(separator: " ")
            let named = words.last == "at" ? words.dropLast().last : words.last
            let file = named.map(String.init).flatMap { $0.contains(".") || $0.contains("/") ? $0 : nil }
            if let notebook = notebooks[file ?? path], let line = Int(match.output.1),
                let cell = notebook.lastCell(where: { $0.firstLine <= line }).map({ notebook.cells[$0] })
            {
                out += "cell \(cell.number), line \(line - cell.firstLine + 1)"
            } else {
                out += match.output.0
            }
            rest = rest[match.range.upperBound...]
        }
        return out + rest
    }

    /// `diagnostics` of the file at `path` (a cell that does not parse), their program's lines
    /// said as cells.
    func placed(_ diagnostics: [Diagnostic], path: String) -> [Diagnostic] {
        guard notebooks[path] != nil else { return diagnostics }
        return diagnostics.map { Diagnostic(path: $0.path, message: describing($0.message, in: path), severity: $0.severity) }
    }

    /// `findings` of the file at `path`, placed in its cells when it is a notebook, their
    /// messages and reasons saying notebook lines as cells.
    func placed(_ findings: [Finding], path: String) -> [Finding] {
        guard !notebooks.isEmpty else { return findings }
        return findings.map { finding in
            var remedy = finding.remedy
            if case .manual(let reason) = remedy { remedy = .manual(reason: describing(reason, in: path)) }
            var placed = Finding(
                code: finding.code, range: finding.range, start: finding.start, end: finding.end, path: finding.path,
                message: describing(finding.message, in: path), remedy: remedy, touchedSymbols: finding.touchedSymbols)
            placed.fingerprint = finding.fingerprint
            placed.notebookPlace = notebooks[path]?.place(of: finding)
            return placed
        }
    }
}
