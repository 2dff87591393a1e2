/// The part of CPython's tokenizer that the tree-sitter grammar does not reproduce, run over the
/// bytes before parsing.
///
/// tree-sitter-python is lenient where CPython's tokenizer is strict: it takes an indented line
/// where no block opens, a dedent to a column no enclosing block used, and tabs and spaces mixed
/// ambiguously; CPython refuses all three (`IndentationError`, `TabError`). It also has limits of
/// its own: its scanner stores indentation widths in one byte (a line indented 256 columns or
/// more is misread, and some thousands of levels corrupt its heap), so such files must be
/// refused before tree-sitter sees them. So must one expression with tens of thousands of prefix
/// or right-associative operators (`not not … a`, `a if b else … a`): tree-sitter 0.20.7 parses
/// it, but corrupts its heap recovering from any syntax error once its parse stack passes 65,535
/// entries. This scan follows the tokenizer's rules exactly where it
/// reports an error, and errs towards accepting elsewhere: a file it passes may still be refused
/// later, a file CPython compiles is never refused here.
///
/// It records where each indented block starts (CPython's INDENT tokens), so that
/// ``CompileCheck`` can tell, from the tree, an indent that opens a block from an unexpected one.
public struct IndentationScan: Sendable {
    /// CPython's tokenizer refuses a 100th level (`MAXINDENT`, counting the module's own level).
    public static let cpythonMaximumIndentationLevels = 99
    /// CPython's tokenizer refuses a 201st open bracket (`MAXLEVEL`).
    public static let cpythonMaximumBracketNesting = 200
    /// The grammar's scanner counts a space as 1 and a tab as 8, and stores each width in a byte.
    public static let grammarMaximumIndentationWidth = 255
    /// Operators that can nest to the right (prefix `-`, `+`, `~`, `not`, `await`, `lambda`,
    /// `yield`; `**`, `=`, `if`/`else` of a conditional) pending in one expression, counted up to
    /// the next comma, bracket or line end. Each adds at most two entries to tree-sitter's parse
    /// stack, so this stays well below the 65,535 entries its error recovery survives; CPython
    /// itself refuses such chains beyond about 3,000 (only chained `a = b = …` assignments and
    /// `and`/`or` chains of negations go further, and would be refused anyway as nested
    /// deeper than `PythonParser.maximumNestingDepth`).
    public static let maximumRightNestingOperators = 20_000

    /// Byte offsets of the first token of every logical line that opens an indented block.
    public private(set) var indentedLineStarts: [Int] = []
    /// The first problem found, in file order; nil if none.
    public private(set) var problem: SourceProblem?

    public init(_ source: SourceText) {
        var scanner = Scanner(source: source)
        scanner.run()
        indentedLineStarts = scanner.indentedLineStarts
        problem = scanner.problem
    }
}

/// The scanner behind ``IndentationScan``: code, strings (f-strings with their nested fields) and
/// comments are told apart so that only real line starts, outside brackets and strings, count.
private struct Scanner {
    /// What the scanner is inside of. Plain strings are skipped in one go and never stacked.
    enum Frame {
        /// The literal text of an f-string.
        case formattedString(quote: UInt8, triple: Bool, raw: Bool)
        /// The expression of an f-string's `{...}` field, with the brackets opened inside it.
        case replacementField(brackets: Int)
        /// A field's format specification, after its `:`: literal text with nested fields.
        case formatSpec
    }

    let bytes: [UInt8]
    let source: SourceText
    var index = 0
    var frames: [Frame] = []
    /// Open brackets in code outside every f-string.
    var brackets = 0
    /// The next byte starts a physical line that is not a continuation (after `\`).
    var atLineStart = true
    /// Indentation of every open block: CPython's `col` (tabs to the next multiple of 8) and
    /// `altcol` (tabs as one column), which must order lines the same way.
    var columns: [Int] = [0]
    var alternateColumns: [Int] = [0]
    var indentedLineStarts: [Int] = []
    var problem: SourceProblem?
    /// Right-nesting operators pending at each open bracket (and f-string field), and their sum.
    var rightNesting: [Int] = [0]
    var rightNestingTotal = 0

    init(source: SourceText) {
        self.source = source
        self.bytes = source.bytes
    }

    static let newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")

    mutating func run() {
        if let nul = SourceText.firstIndex(of: 0, in: bytes) {
            fail(.refusedByCPython, at: nul, "source code cannot contain null bytes")
            return
        }
        while index < bytes.count, problem == nil {
            if frames.isEmpty {
                if atLineStart && brackets == 0 { measureIndentation() }
                atLineStart = false
                if problem != nil { return }
                scanCode(bracketsOutsideFields: true)
            } else {
                switch frames[frames.count - 1] {
                case .formattedString(let quote, let triple, let raw):
                    scanFormattedStringText(quote: quote, triple: triple, raw: raw)
                case .replacementField:
                    scanCode(bracketsOutsideFields: false)
                case .formatSpec:
                    scanFormatSpec()
                }
            }
        }
    }

    // MARK: Indentation

    /// At a physical line's start, outside brackets: the tokenizer's INDENT/DEDENT rules.
    mutating func measureIndentation() {
        var column = 0
        var alternate = 0
        var width = 0
        var position = index
        scan: while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: " "):
                column += 1
                alternate += 1
                width += 1
            case UInt8(ascii: "\t"):
                column = (column / 8 + 1) * 8
                alternate += 1
                width += 8
            case 0x0C:
                column = 0
                alternate = 0
                width = 0  // form feed, as CPython and the grammar both reset
            default: break scan
            }
            position += 1
        }
        index = position
        // Blank and comment-only lines do not take part in indentation.
        guard position < bytes.count, bytes[position] != Self.newline, bytes[position] != Self.carriageReturn,
            bytes[position] != UInt8(ascii: "#")
        else { return }
        if width > IndentationScan.grammarMaximumIndentationWidth {
            fail(
                .beyondParser, at: position,
                "indentation of \(width) columns is wider than the tree-sitter Python "
                    + "grammar can follow (\(IndentationScan.grammarMaximumIndentationWidth) columns)")
            return
        }
        let top = columns.count - 1
        if column == columns[top] {
            if alternate != alternateColumns[top] { failTabs(at: position) }
        } else if column > columns[top] {
            if columns.count > IndentationScan.cpythonMaximumIndentationLevels {
                fail(.refusedByCPython, at: position, "too many levels of indentation")
                return
            }
            if alternate <= alternateColumns[top] {
                failTabs(at: position)
                return
            }
            columns.append(column)
            alternateColumns.append(alternate)
            indentedLineStarts.append(position)
        } else {
            while columns.count > 1, column < columns[columns.count - 1] {
                columns.removeLast()
                alternateColumns.removeLast()
            }
            if column != columns[columns.count - 1] {
                fail(.refusedByCPython, at: position, "unindent does not match any outer indentation level")
            } else if alternate != alternateColumns[alternateColumns.count - 1] {
                failTabs(at: position)
            }
        }
    }

    mutating func failTabs(at offset: Int) {
        fail(.refusedByCPython, at: offset, "inconsistent use of tabs and spaces in indentation")
    }

    mutating func fail(_ kind: SourceProblem.Kind, at offset: Int, _ detail: String) {
        if problem == nil { problem = SourceProblem(kind, at: source.position(at: offset), detail) }
    }

    // MARK: Right-nesting operators

    mutating func countRightNestingOperator(at offset: Int) {
        rightNesting[rightNesting.count - 1] += 1
        rightNestingTotal += 1
        if rightNestingTotal > IndentationScan.maximumRightNestingOperators {
            fail(
                .beyondParser, at: offset,
                "more than \(IndentationScan.maximumRightNestingOperators) operators nest "
                    + "to the right in one expression, more than tree-sitter recovers from safely")
        }
    }

    /// A comma or line end: the operators pending at this level are complete.
    mutating func endRightNestingRun() {
        rightNestingTotal -= rightNesting[rightNesting.count - 1]
        rightNesting[rightNesting.count - 1] = 0
    }

    mutating func openRightNestingLevel() {
        rightNesting.append(0)
    }

    mutating func closeRightNestingLevel() {
        guard rightNesting.count > 1 else { return endRightNestingRun() }
        rightNestingTotal -= rightNesting.removeLast()
    }

    // MARK: Code

    /// Scans code up to the end of the physical line (top level) or until the frame changes
    /// (inside an f-string's field). `bracketsOutsideFields` says which bracket count applies.
    mutating func scanCode(bracketsOutsideFields: Bool) {
        let startingDepth = frames.count
        while index < bytes.count, problem == nil, frames.count == startingDepth {
            let byte = bytes[index]
            switch byte {
            case Self.newline, Self.carriageReturn:
                skipNewline()
                if frames.isEmpty {
                    if brackets == 0 { endRightNestingRun() }
                    atLineStart = true
                    return
                }
            case UInt8(ascii: ","), UInt8(ascii: ";"):
                endRightNestingRun()
                index += 1
            case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "~"), UInt8(ascii: "*"), UInt8(ascii: "="):
                scanOperator()
            case UInt8(ascii: "#"):
                while index < bytes.count, bytes[index] != Self.newline, bytes[index] != Self.carriageReturn { index += 1 }
            case UInt8(ascii: "\\"):
                index += 1
                if index < bytes.count, bytes[index] == Self.newline || bytes[index] == Self.carriageReturn {
                    skipNewline()  // a continuation line: no indentation of its own
                }
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                startString(prefix: [])
            case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
                index += 1
                openRightNestingLevel()
                if bracketsOutsideFields {
                    brackets += 1
                    if brackets > IndentationScan.cpythonMaximumBracketNesting {
                        fail(.refusedByCPython, at: index - 1, "too many nested parentheses")
                    }
                } else if case .replacementField(let open) = frames[frames.count - 1] {
                    // Counted from the field, not the file: before Python 3.12 a field was
                    // tokenized on its own, so this is the lenient count.
                    if open + 1 > IndentationScan.cpythonMaximumBracketNesting {
                        fail(.refusedByCPython, at: index - 1, "too many nested parentheses")
                    }
                    frames[frames.count - 1] = .replacementField(brackets: open + 1)
                }
            case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                closeRightNestingLevel()
                if bracketsOutsideFields {
                    brackets = max(0, brackets - 1)
                    index += 1
                } else if case .replacementField(let open) = frames[frames.count - 1] {
                    if open == 0 && byte == UInt8(ascii: "}") {
                        frames.removeLast()  // the field ends; back to the f-string's text
                    } else {
                        frames[frames.count - 1] = .replacementField(brackets: max(0, open - 1))
                    }
                    index += 1
                }
            case UInt8(ascii: ":"):
                index += 1
                if !bracketsOutsideFields, case .replacementField(brackets: 0) = frames[frames.count - 1] {
                    frames[frames.count - 1] = .formatSpec
                    return
                }
            default:
                if isIdentifierByte(byte) {
                    scanWord()
                } else {
                    index += 1
                }
            }
        }
    }

    /// A name or number; when a quote follows a valid string prefix, the string it starts.
    mutating func scanWord() {
        let start = index
        while index < bytes.count, isIdentifierByte(bytes[index]) { index += 1 }
        // Most words are no keyword of these lengths: told by their length before their bytes.
        if (2...6).contains(index - start), Self.rightNestingKeywords.contains(PackedWord.of(bytes, start..<index)) {
            countRightNestingOperator(at: start)
        }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "'") || bytes[index] == UInt8(ascii: "\""),
            index - start <= 3
        else { return }
        let prefix = bytes[start..<index].map { $0 | 0x20 }  // ASCII lower case
        let letters = Set(prefix)
        // r, u, b, f, t (Python 3.14's template strings), and r with any but u.
        let (r, u, b, f, t) = (UInt8(ascii: "r"), UInt8(ascii: "u"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "t"))
        let valid =
            letters.count == prefix.count && letters.isSubset(of: [r, u, b, f, t])
            && letters.subtracting([r]).count <= 1 && !(letters.contains(u) && letters.contains(r))
        if valid { startString(prefix: prefix) }
    }

    /// `<=`, `!=`, `:=`, `+=`, `//=`, `**=` … end in `=` and are not assignments that chain.
    static let operatorBytesBeforeEquals: Set<UInt8> = Set("<>!=:+-*/%&|^@".utf8)
    static let rightNestingKeywords = ["not", "await", "lambda", "yield", "if", "else"].map { PackedWord.of($0.utf8) }

    /// `-`, `+`, `~`, `**` and a lone `=` count as right-nesting; the operators they begin
    /// (`-=`, `->`, `==`, `*`, `*=`, …) do not.
    mutating func scanOperator() {
        let start = index
        let byte = bytes[index]
        let next = index + 1 < bytes.count ? bytes[index + 1] : 0
        let previous = index > 0 ? bytes[index - 1] : 0
        switch byte {
        case UInt8(ascii: "*"):
            if next == UInt8(ascii: "*") {
                index += 2
                if index < bytes.count, bytes[index] == UInt8(ascii: "=") {
                    index += 1
                    return
                }
                countRightNestingOperator(at: start)
            } else {
                index += 1
            }
        case UInt8(ascii: "="):
            index += 1
            if next == UInt8(ascii: "=") {
                index += 1
                return
            }
            if Self.operatorBytesBeforeEquals.contains(previous) { return }
            countRightNestingOperator(at: start)
        default:  // - + ~
            index += 1
            if next == UInt8(ascii: "=") || next == UInt8(ascii: ">") {
                index += 1
                return
            }
            countRightNestingOperator(at: start)
        }
    }

    /// At an opening quote: skips a plain string, or enters an f-string (or t-string).
    mutating func startString(prefix: [UInt8]) {
        let quote = bytes[index]
        let triple = index + 2 < bytes.count && bytes[index + 1] == quote && bytes[index + 2] == quote
        index += triple ? 3 : 1
        let raw = prefix.contains(UInt8(ascii: "r"))
        if prefix.contains(UInt8(ascii: "f")) || prefix.contains(UInt8(ascii: "t")) {
            frames.append(.formattedString(quote: quote, triple: triple, raw: raw))
            return
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") {
                index += 1
                if index < bytes.count { skipEscapedByte() }
            } else if byte == quote, !triple || (index + 2 < bytes.count && bytes[index + 1] == quote && bytes[index + 2] == quote) {
                index += triple ? 3 : 1
                return
            } else if !triple && (byte == Self.newline || byte == Self.carriageReturn) {
                return  // unterminated; the parser reports it, the line break is code again
            } else {
                index += 1
            }
        }
    }

    // MARK: f-strings

    mutating func scanFormattedStringText(quote: UInt8, triple: Bool, raw: Bool) {
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") {
                index += 1
                guard index < bytes.count else { return }
                let next = bytes[index]
                if next == UInt8(ascii: "{") || next == UInt8(ascii: "}") {
                    continue  // the brace is still a field's brace
                }
                if !raw && next == UInt8(ascii: "N"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "{") {
                    // A named Unicode escape, `\N{DASH}`: its braces are not a field.
                    while index < bytes.count, bytes[index] != UInt8(ascii: "}"), bytes[index] != quote { index += 1 }
                    if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1 }
                    continue
                }
                skipEscapedByte()
            } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "}") {
                if index + 1 < bytes.count, bytes[index + 1] == byte {
                    index += 2  // `{{` or `}}`: a literal brace
                } else if byte == UInt8(ascii: "{") {
                    index += 1
                    frames.append(.replacementField(brackets: 0))
                    openRightNestingLevel()
                    return
                } else {
                    index += 1  // a stray `}`: CPython refuses it, the parser reports it
                }
            } else if byte == quote, !triple || (index + 2 < bytes.count && bytes[index + 1] == quote && bytes[index + 2] == quote) {
                index += triple ? 3 : 1
                frames.removeLast()
                return
            } else if !triple && (byte == Self.newline || byte == Self.carriageReturn) {
                frames.removeLast()  // unterminated; let the enclosing context read the line break
                return
            } else {
                index += 1
            }
        }
    }

    /// After a field's `:`: literal text until the field's `}`, with nested `{...}` fields.
    mutating func scanFormatSpec() {
        let enclosingQuote = frames.reversed().lazy.compactMap { frame -> UInt8? in
            if case .formattedString(let quote, _, _) = frame { return quote }
            return nil
        }.first
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "{") {
                index += 1
                frames.append(.replacementField(brackets: 0))
                openRightNestingLevel()
                return
            } else if byte == UInt8(ascii: "}") {
                index += 1
                frames.removeLast()  // the spec and its field end together
                closeRightNestingLevel()
                return
            } else if byte == enclosingQuote {
                frames.removeLast()  // the string ends inside a field: CPython refuses it, the parser reports it
                return
            } else if byte == UInt8(ascii: "\\") {
                index += 1
                if index < bytes.count { skipEscapedByte() }
            } else {
                index += 1
            }
        }
    }

    // MARK: Bytes

    /// Skips the byte after a backslash; a CRLF counts as one.
    mutating func skipEscapedByte() {
        if bytes[index] == Self.carriageReturn, index + 1 < bytes.count, bytes[index + 1] == Self.newline {
            index += 2
        } else {
            index += 1
        }
    }

    /// Skips "\n", "\r\n" or a lone "\r".
    mutating func skipNewline() {
        if bytes[index] == Self.carriageReturn, index + 1 < bytes.count, bytes[index + 1] == Self.newline {
            index += 2
        } else {
            index += 1
        }
    }

    func isIdentifierByte(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return byte == UInt8(ascii: "_") || (byte >= 0x30 && byte <= 0x39) || (lower >= 0x61 && lower <= 0x7A) || byte >= 0x80
    }
}
