/// What IPython adds to Python in a cell, read the way its input transformers read it: line
/// magics (`%time f()`), shell escapes (`!pip install jax`), help (`?jax.random`, `split??`), the
/// same after a plain assignment (`files = !ls`), and cell magics (`%%bash` on the first line).
///
/// rekey does not interpret any of it. Each such line becomes, in the program rekey analyses, a
/// Python line of the same length that parses anywhere a statement may stand: `0#` over the
/// first two characters of the IPython part (`0#atplotlib inline`, `files = 0#s`), so every byte
/// offset after it is unchanged and an indented magic keeps its block non-empty. Only a line that
/// starts a logical line can be IPython syntax (IPython looks at the first token of each): a `%`
/// continuing an expression in brackets, or a line inside a triple-quoted string, is Python.
enum IPythonSyntax {
    /// Whether a cell whose text is `text` starts with a cell magic: all of it is another language.
    static func startsWithCellMagic(_ text: [UInt8]) -> Bool {
        let start = text.firstIndex { !isHorizontalSpace($0) && $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") } ?? text.count
        return text[start...].starts(with: Array("%%".utf8))
    }

    /// An IPython line (its terminator excluded) as the analysed program reads it: a Python line
    /// of the same length.
    static func placeholder(for line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        guard let start = ipythonStart(line) else { return line }
        var replaced = line
        let placeholder = Array("0#".utf8).prefix(line.endIndex - start)
        replaced.replaceSubrange(start..<(start + placeholder.count), with: placeholder)
        return replaced
    }

    /// The indices of the cell's `lines` (terminators kept) that are IPython syntax.
    static func ipythonLineIndices(_ lines: [ArraySlice<UInt8>]) -> Set<Int> {
        var logical = LogicalLines()
        var indices = Set<Int>()
        for (index, line) in lines.enumerated() {
            let body = line.prefix { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }
            // An IPython line is not Python: its brackets and quotes are not scanned.
            if logical.atLogicalLineStart, ipythonStart(body) != nil {
                indices.insert(index)
            } else {
                logical.scan(body)
            }
        }
        return indices
    }

    /// Where Python's logical lines start, followed line by line: open brackets, a string still
    /// open (triple-quoted) and a backslash at the end of a line continue a logical line.
    private struct LogicalLines {
        var depth = 0
        var openString: [UInt8]?
        var continued = false

        var atLogicalLineStart: Bool { depth == 0 && openString == nil && !continued }

        mutating func scan(_ line: ArraySlice<UInt8>) {
            continued = false
            var index = line.startIndex
            while index < line.endIndex {
                let byte = line[index]
                if let delimiter = openString {
                    if byte == UInt8(ascii: "\\") {
                        index += 2
                    } else if line[index...].starts(with: delimiter) {
                        openString = nil
                        index += delimiter.count
                    } else {
                        index += 1
                    }
                    continue
                }
                switch byte {
                case UInt8(ascii: "#"):
                    return
                case UInt8(ascii: "'"), UInt8(ascii: "\""):
                    let triple = [byte, byte, byte]
                    openString = line[index...].starts(with: triple) ? triple : [byte]
                    index += openString!.count - 1
                case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
                    depth += 1
                case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                    depth = max(0, depth - 1)
                case UInt8(ascii: "\\"):
                    continued = index + 1 == line.endIndex
                default:
                    break
                }
                index += 1
            }
            // A quoted string ends with its line (Python refuses one left open).
            if openString?.count == 1 { openString = nil }
        }
    }

    /// Where the IPython part of `line` starts, or nil for a Python line.
    static func ipythonStart(_ line: ArraySlice<UInt8>) -> Int? {
        guard let first = line.firstIndex(where: { !isHorizontalSpace($0) }) else { return nil }
        let byte = line[first]
        if byte == UInt8(ascii: "#") { return nil }
        if [UInt8(ascii: "%"), UInt8(ascii: "!"), UInt8(ascii: "?")].contains(byte) { return first }
        if line.last(where: { !isHorizontalSpace($0) }) == UInt8(ascii: "?"), isHelpTarget(line[first...]) { return first }
        return assignedEscape(line, from: first)
    }

    /// `name = !ls`, `a.b = %time f()`: the offset of the `!` or `%` after a plain assignment.
    private static func assignedEscape(_ line: ArraySlice<UInt8>, from first: Int) -> Int? {
        var index = first
        while index < line.endIndex, isNameByte(line[index]) || line[index] == UInt8(ascii: ".") { index += 1 }
        guard index > first else { return nil }
        while index < line.endIndex, isHorizontalSpace(line[index]) { index += 1 }
        guard index < line.endIndex, line[index] == UInt8(ascii: "=") else { return nil }
        index += 1
        while index < line.endIndex, isHorizontalSpace(line[index]) { index += 1 }
        guard index < line.endIndex, line[index] == UInt8(ascii: "!") || line[index] == UInt8(ascii: "%") else { return nil }
        return index
    }

    /// `jax.random.split?` or `split??`: a dotted name and question marks, nothing else.
    private static func isHelpTarget(_ text: ArraySlice<UInt8>) -> Bool {
        let trimmed = text.prefix { !isHorizontalSpace($0) }
        guard trimmed.count == text.prefix(through: text.lastIndex { !isHorizontalSpace($0) }!).count else { return false }
        let name = trimmed.prefix { $0 != UInt8(ascii: "?") }
        return !name.isEmpty && name.allSatisfy { isNameByte($0) || $0 == UInt8(ascii: ".") }
            && trimmed[name.endIndex...].allSatisfy { $0 == UInt8(ascii: "?") }
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "_") || byte >= 0x80 || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    private static func isHorizontalSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }
}
