import RekeyRules
import RekeySyntax
import Testing

@testable import RekeyDriver

/// The notebook model: which cells make the program, IPython syntax as placeholders, positions
/// both ways, and the program written back into the cells with the rest of the file untouched.
@Suite("Notebooks")
struct NotebookTests {
    /// A notebook laid out as Jupyter writes it (one-space indentation, one string per line).
    static let jupyterLayout = #"""
        {
         "cells": [
          {
           "cell_type": "markdown",
           "metadata": {},
           "source": [
            "# Title\n",
            "key = reused()"
           ]
          },
          {
           "cell_type": "code",
           "execution_count": 1,
           "metadata": {"tags": ["setup"]},
           "outputs": [],
           "source": [
            "%matplotlib inline\n",
            "import jax\n",
            "key = jax.random.PRNGKey(0)"
           ]
          },
          {
           "cell_type": "code",
           "execution_count": 2,
           "metadata": {},
           "outputs": [{"name": "stdout", "output_type": "stream", "text": ["0.5\n"]}],
           "source": "a = jax.random.normal(key)\nb = jax.random.normal(key)\n"
          },
          {
           "cell_type": "code",
           "execution_count": null,
           "metadata": {},
           "outputs": [],
           "source": ["%%bash\n", "echo key\n"]
          }
         ],
         "metadata": {},
         "nbformat": 4,
         "nbformat_minor": 5
        }

        """#

    static func notebook(_ text: String) throws -> Notebook {
        try Notebook(bytes: Array(text.utf8))
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func codeCellsInOrderMakeTheProgram() throws {
        let notebook = try Self.notebook(Self.jupyterLayout)
        #expect(
            Self.text(notebook.program)
                == "0#atplotlib inline\nimport jax\nkey = jax.random.PRNGKey(0)\na = jax.random.normal(key)\nb = jax.random.normal(key)\n")
        // Cells are numbered as in the file, the markdown cell counted; the cell magic's is left out.
        #expect(notebook.cells.map(\.number) == [2, 3])
        #expect(notebook.cells.map(\.firstLine) == [1, 4])
        #expect(notebook.cells.map(\.isList) == [true, false])
    }

    @Test(arguments: [
        ("%matplotlib inline", "0#atplotlib inline"),
        ("!pip install jax", "0#ip install jax"),
        ("files = !ls -la", "files = 0#s -la"),
        ("t = %time f(key)", "t = 0#ime f(key)"),
        ("jax.random.split?", "0#x.random.split?"),
        ("split??", "0#lit??"),
        ("?split", "0#plit"),
        ("    !echo", "0#cho"),  // a cell's own indentation is IPython's to take off
        ("!", "0"),
        ("# why?", "# why?"),
        ("a = b % c", "a = b % c"),
        ("x == !y", "x == !y"),
        ("print(x)  # done?", "print(x)  # done?"),
    ])
    func ipythonLinesBecomeSameLengthPython(_ line: String, _ python: String) throws {
        let document: JSONValue = ["nbformat": 4, "cells": [["cell_type": "code", "source": .string(line)]]]
        let notebook = try Notebook(bytes: Array(document.rendered().utf8))
        #expect(Self.text(notebook.program) == python + "\n")
    }

    @Test func onlyLinesThatStartALogicalLineAreIPython() throws {
        let cell = [
            "total = (a\n", "  % b)\n", "doc = \"\"\"\n", "%d items\n", "!not a shell escape\n", "\"\"\"\n",
            "s = 'it''s (' + \"#\" \\\n", "  % 2\n", "%time f()  # (\n", "!ls\n",
        ]
        let indices = IPythonSyntax.ipythonLineIndices(cell.map { ArraySlice($0.utf8) })
        #expect(indices == [8, 9])
    }

    @Test func aMagicInsideABlockLeavesTheBlockValid() throws {
        let notebook = try Self.notebook(
            #"{"nbformat": 4, "cells": [{"cell_type": "code", "source": ["for i in range(2):\n", "    !echo {i}\n"]}]}"#)
        #expect(Self.text(notebook.program) == "for i in range(2):\n    0#cho {i}\n")
        _ = try PythonParser().parseCompilable(SourceText(path: "nb.ipynb", bytes: notebook.program))
    }

    @Test func emptyCellsAddNothing() throws {
        let text =
            #"{"nbformat": 4, "cells": [{"cell_type": "code", "source": []}, {"cell_type": "code", "source": ""}, "#
            + #"{"cell_type": "code", "source": "x = 1"}, {"cell_type": "code", "source": []}]}"#
        let notebook = try Self.notebook(text)
        #expect(Self.text(notebook.program) == "x = 1\n")
        #expect(notebook.cells.map(\.firstLine) == [1, 1, 1, 2])
        let place = notebook.place(of: Self.finding(at: 0..<6, line: 1, column: 1, endColumn: 6))
        #expect(place?.cell == 3)
        // The end, after the newline the program added, is the closing quote of cell 3's source.
        let closingQuote = try #require(text.range(of: #""x = 1""#)).upperBound
        #expect(place?.fileEnd.column == text.distance(from: text.startIndex, to: closingQuote))
    }

    @Test(arguments: [
        ("[1, 2", "invalid JSON"),
        (#"{"nbformat": 3, "worksheets": []}"#, "nbformat"),
        (#"{"nbformat": 4}"#, "no \"cells\""),
        (#"{"nbformat": 4, "cells": [{"cell_type": "code", "source": 3}]}"#, "neither a string nor a list"),
        (#"{"nbformat": 4, "cells": [{"cell_type": "code", "source": "\ud800"}]}"#, "lone surrogate"),
        (#"{"nbformat": 4, "cells": []} x"#, "the end of the document"),
    ])
    func whatIsNotANotebookSaysWhy(_ text: String, _ reason: String) {
        #expect {
            _ = try Notebook(bytes: Array(text.utf8))
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    static func finding(at range: Range<Int>, line: Int, column: Int, endColumn: Int) -> Finding {
        Finding(
            code: "RK004", range: ByteRange(range.lowerBound, range.upperBound), start: SourcePosition(line: line, column: column),
            end: SourcePosition(line: line, column: endColumn), path: "nb.ipynb", message: "m", remedy: .manual(reason: "r"))
    }

    @Test func aFindingIsPlacedInItsCellAndInTheFileText() throws {
        let notebook = try Self.notebook(Self.jupyterLayout)
        let program = Self.text(notebook.program)
        // The second `key` of "b = jax.random.normal(key)": cell 3, line 2.
        let offset = program.utf8.count - "key)\n".utf8.count
        let place = try #require(notebook.place(of: Self.finding(at: offset..<(offset + 3), line: 5, column: 23, endColumn: 26)))
        #expect(place.cell == 3)
        #expect(place.start == SourcePosition(line: 2, column: 23))
        #expect(place.end == SourcePosition(line: 2, column: 26))
        let fileLines = Self.jupyterLayout.split(separator: "\n", omittingEmptySubsequences: false)
        let fileLine = fileLines[place.fileStart.line - 1]
        let column = fileLine.index(fileLine.startIndex, offsetBy: place.fileStart.column - 1)
        #expect(fileLine[column...].hasPrefix("key)\\n\""))
        #expect(place.fileEnd.column - place.fileStart.column == 3)
    }

    @Test func programLinesInMessagesAreSaidAsCells() throws {
        let lines = NotebookLines(notebooks: ["nb.ipynb": try Self.notebook(Self.jupyterLayout)])
        let message = "at line 4 and again at line 5 (line 2), in model.py at line 4, model.py line 9, nb.ipynb line 5; newline 4"
        #expect(
            lines.describing(message, in: "nb.ipynb")
                == "at cell 3, line 1 and again at cell 3, line 2 (cell 2, line 2), in model.py at line 4, model.py line 9, "
                + "nb.ipynb cell 3, line 2; newline 4")
        #expect(lines.describing("called at nb.ipynb line 4; (line 4)", in: "model.py") == "called at nb.ipynb cell 3, line 1; (line 4)")
    }

    /// A cell whose first line is indented, which IPython runs with that indentation taken off
    /// every line that has it (its `leading_indent` transform).
    static let indentedCell = #"""
        {
         "cells": [
          {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [],
           "source": ["import jax\n", "key = jax.random.PRNGKey(0)\n"]},
          {"cell_type": "code", "execution_count": 2, "metadata": {}, "outputs": [],
           "source": ["\n", "  a = jax.random.normal(key)\n", "  s = '''\n", "text'''\n", "  %time b = jax.random.normal(key)\n"]}
         ],
         "metadata": {},
         "nbformat": 4,
         "nbformat_minor": 5
        }

        """#

    @Test func anIndentedCellIsReadAsIPythonRunsIt() throws {
        let notebook = try Self.notebook(Self.indentedCell)
        #expect(
            Self.text(notebook.program)
                == "import jax\nkey = jax.random.PRNGKey(0)\n\na = jax.random.normal(key)\ns = '''\ntext'''\n0#ime b = jax.random.normal(key)\n"
        )
        #expect(notebook.cells[1].strippedIndent == Array("  ".utf8))
        #expect(notebook.cells[1].dedentedLines == [1, 2, 4])
        // `key` in "a = jax.random.normal(key)": program line 4, column 23; cell 2, line 2, column 25.
        let offset = Self.text(notebook.program).utf8.count - "key)\ns = '''\ntext'''\n0#ime b = jax.random.normal(key)\n".utf8.count
        let place = try #require(notebook.place(of: Self.finding(at: offset..<(offset + 3), line: 4, column: 23, endColumn: 26)))
        #expect(place.cell == 2)
        #expect(place.start == SourcePosition(line: 2, column: 25))
        let fileLine = Self.indentedCell.split(separator: "\n", omittingEmptySubsequences: false)[place.fileStart.line - 1]
        #expect(fileLine[fileLine.index(fileLine.startIndex, offsetBy: place.fileStart.column - 1)...].hasPrefix("key)\\n\""))
    }

    @Test func anIndentedCellIsWrittenBackIndented() throws {
        let notebook = try Self.notebook(Self.indentedCell)
        #expect(try notebook.writingBack(notebook.program).bytes == notebook.bytes)
        let program = try Self.edited(
            notebook, "\na = jax.random.normal(key)", "\nkey_a, key_b = jax.random.split(key)\na = jax.random.normal(key_a)")
        let rewritten = try notebook.writingBack(program)
        #expect(
            Self.text(rewritten.bytes).contains(
                #""source": ["\n", "  key_a, key_b = jax.random.split(key)\n", "  a = jax.random.normal(key_a)\n", "  s = '''\n", "text'''\n""#
            ))
        #expect(rewritten.program == program)
    }

    @Test func theSameProgramWritesTheSameBytes() throws {
        let notebook = try Self.notebook(Self.jupyterLayout)
        #expect(try notebook.writingBack(notebook.program).bytes == notebook.bytes)
    }

    /// `program` with `old` replaced by `new` (once).
    static func edited(_ notebook: Notebook, _ old: String, _ new: String) throws -> [UInt8] {
        let program = text(notebook.program)
        let range = try #require(program.range(of: old))
        return Array(program.replacingCharacters(in: range, with: new).utf8)
    }

    @Test func onlyTheChangedCellsSourceIsRewrittenInItsLayout() throws {
        let notebook = try Self.notebook(Self.jupyterLayout)
        let program = try Self.edited(
            notebook, "key = jax.random.PRNGKey(0)\na = jax.random.normal(key)",
            "key = jax.random.PRNGKey(0)\nkey_a, key_b = jax.random.split(key)\na = jax.random.normal(key_a)")
        let rewritten = try notebook.writingBack(program)
        let expected = Self.jupyterLayout.replacingOccurrences(
            of: #""source": "a = jax.random.normal(key)\nb"#,
            with: #""source": "key_a, key_b = jax.random.split(key)\na = jax.random.normal(key_a)\nb"#)
        // The inserted line went to the cell of the line it was inserted before; cell 2 is untouched.
        #expect(Self.text(rewritten.bytes) == expected)
        #expect(rewritten.program == program)
    }

    @Test func aListCellKeepsItsIndentationAndNoFinalNewline() throws {
        let notebook = try Self.notebook(Self.jupyterLayout)
        let program = try Self.edited(notebook, "import jax\n", "import jax\nimport jax.random\n")
        let rewritten = Self.text(try notebook.writingBack(program).bytes)
        #expect(
            rewritten.contains(
                #"""
                   "source": [
                    "%matplotlib inline\n",
                    "import jax\n",
                    "import jax.random\n",
                    "key = jax.random.PRNGKey(0)"
                   ]
                """#))
    }

    @Test func aChangedIPythonLineIsRefused() throws {
        let notebook = try Self.notebook(Self.jupyterLayout)
        let program = try Self.edited(notebook, "0#atplotlib inline\n", "")
        #expect(throws: Notebook.WriteBackFailure.self) { try notebook.writingBack(program) }
    }

    @Test func aChangedRunAcrossCellsIsSplitWhereItsCharactersAlign() throws {
        let notebook = try Self.notebook(Self.jupyterLayout)
        // The last line of cell 2 and the first of cell 3 change, a line comes between them, and
        // the first line of cell 3 is deleted while its second changes.
        let program = try Self.edited(
            notebook, "key = jax.random.PRNGKey(0)\na = jax.random.normal(key)\nb = jax.random.normal(key)\n",
            "key = jax.random.key(0)\nkey_a, key_b = jax.random.split(key)\nb = jax.random.normal(key_b)\n")
        let rewritten = try notebook.writingBack(program)
        #expect(rewritten.program == program)
        let texts = rewritten.cells.map { Self.text($0.text) }
        #expect(texts.count == 2)
        #expect(texts[0].hasPrefix("%matplotlib inline\nimport jax\nkey = jax.random.key(0)"))
        #expect(texts[1].hasSuffix("b = jax.random.normal(key_b)\n"))
        // Line for line, each changed line stays in its cell.
        let paired = try Self.edited(
            notebook, "key = jax.random.PRNGKey(0)\na = jax.random.normal(key)\n", "k = jax.random.PRNGKey(0)\na = jax.random.normal(k)\n")
        #expect(try notebook.writingBack(paired).cells.map(\.firstLine) == [1, 4])
    }

    @Test func escapesAreKeptAndNewTextIsEscapedTheFilesWay() throws {
        // An ASCII-only file (`ensure_ascii`): é as \u00e9, a quote as \", a tab as \t.
        let ascii = #"{"nbformat": 4, "cells": [{"cell_type": "code", "source": ["s = \"caf\u00e9\"\t# \/\n", "x = 1\n"]}]}"#
        let notebook = try Self.notebook(ascii)
        #expect(Self.text(notebook.program) == "s = \"café\"\t# /\nx = 1\n")
        let program = try Self.edited(notebook, "x = 1", "x = \"né\"")
        let rewritten = Self.text(try notebook.writingBack(program).bytes)
        #expect(rewritten == ascii.replacingOccurrences(of: #""x = 1\n""#, with: #""x = \"n\u00e9\"\n""#))
        // A UTF-8 file gets the character itself.
        let utf8 = ascii.replacingOccurrences(of: #"\u00e9"#, with: "é")
        let raw = try Self.notebook(utf8)
        let rawRewritten = Self.text(try raw.writingBack(try Self.edited(raw, "x = 1", "x = \"né\"")).bytes)
        #expect(rawRewritten == utf8.replacingOccurrences(of: #""x = 1\n""#, with: #""x = \"né\"\n""#))
    }

    @Test func crlfLinesStayCRLF() throws {
        let text = #"{"nbformat": 4, "cells": [{"cell_type": "code", "source": "import jax\r\nk = jax.random.PRNGKey(0)\r\nx = 1\r\n"}]}"#
        let notebook = try Self.notebook(text)
        let program = try Self.edited(notebook, "x = 1", "x = 2")
        let rewritten = Self.text(try notebook.writingBack(program).bytes)
        #expect(rewritten == text.replacingOccurrences(of: "x = 1", with: "x = 2"))
    }

    @Test func unicodeAndAstralCharactersMapToTheirFilePositions() throws {
        let text = #"{"nbformat": 4, "cells": [{"cell_type": "code", "source": "s = '🎲\ud83c\udfb2é'; key = 1\n"}]}"#
        let notebook = try Self.notebook(text)
        #expect(Self.text(notebook.program) == "s = '🎲🎲é'; key = 1\n")
        let offset = Self.text(notebook.program).utf8.count - "key = 1\n".utf8.count
        let place = try #require(notebook.place(of: Self.finding(at: offset..<(offset + 3), line: 1, column: 13, endColumn: 16)))
        let column = text.unicodeScalars.count - #"key = 1\n"}]}"#.unicodeScalars.count + 1
        #expect(place.fileStart == SourcePosition(line: 1, column: column))
        #expect(place.fileEnd == SourcePosition(line: 1, column: column + 3))
        // And its byte offset in the file, past the escaped surrogate pair.
        #expect(place.fileRange.start == text.utf8.count - #"key = 1\n"}]}"#.utf8.count)
    }
}
