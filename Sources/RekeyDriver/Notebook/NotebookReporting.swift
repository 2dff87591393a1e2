import RekeyEdits
import RekeyRules
import RekeySyntax

/// How the reports show a finding in a notebook. Text and JSON, read by people and by tools that
/// know notebooks, give the cell and the line and column within it, as ruff does
/// (`nb.ipynb:cell 3:2:5:`). SARIF, GitHub and GitLab annotate the file's own text, which is
/// JSON: there the position is where the code is in that text (inside the string holding the
/// line), so an annotation lands on the right characters of the `.ipynb` file, and the message
/// starts with the cell, line and column a reader finds in Jupyter. A fix's byte edits are in
/// the program of the code cells, not in the file: reports that list edits leave those of a
/// notebook out (and the other files' edits of such a fix with them); `rekey diff` and `rekey fix` apply them.
extension Finding {
    /// The start and end a reader looks for: within the cell for a notebook.
    var shownStart: SourcePosition { notebookPlace?.start ?? start }
    var shownEnd: SourcePosition { notebookPlace?.end ?? end }

    /// The start and end in the file's own text.
    var fileStart: SourcePosition { notebookPlace?.fileStart ?? start }
    var fileEnd: SourcePosition { notebookPlace?.fileEnd ?? end }

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

extension Notebook {
    /// `text` (a message, a reason) with each `line N` of this notebook's program said as the
    /// cell and the line within it (`cell 3, line 2`). A line of another file (`model.py line 4`,
    /// `in model.py at line 4`) is left as it is.
    func describingLines(in text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let match = rest.firstMatch(of: /line (\d+)/) {
            let before = rest[..<match.range.lowerBound]
            out += before
            let namesAnotherFile =
                before.split(separator: " ").last.map { $0.contains(".py") || $0.contains("/") } ?? false
                || before.hasSuffix(" at ") && before.dropLast(4).split(separator: " ").last.map { $0.contains(".py") } == true
            if !namesAnotherFile, let line = Int(match.output.1), let cell = cells.last(where: { $0.firstLine <= line }) {
                out += "cell \(cell.number), line \(line - cell.firstLine + 1)"
            } else {
                out += match.output.0
            }
            rest = rest[match.range.upperBound...]
        }
        return out + rest
    }
}
