/// What IPython adds to Python in a cell, read the way its input transformers read it: line
/// magics (`%time f()`), shell escapes (`!pip install jax`), help (`?jax.random`, `split??`), the
/// same after a plain assignment (`files = !ls`), and cell magics (`%%bash` on the first line).
///
/// rekey does not interpret any of it. Each such line becomes, in the program rekey analyses, a
/// Python line of the same length that parses anywhere a statement may stand: `0#` over the
/// first two characters of the IPython part (`0#atplotlib inline`, `files = 0#s`), so every byte
/// offset after it is unchanged and an indented magic keeps its block non-empty.
enum IPythonSyntax {
    /// Whether a cell whose text is `text` starts with a cell magic: all of it is another language.
    static func startsWithCellMagic(_ text: [UInt8]) -> Bool {
        let start = text.firstIndex { !isHorizontalSpace($0) && $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") } ?? text.count
        return text[start...].starts(with: Array("%%".utf8))
    }

    /// The line (its terminator excluded) as the analysed program reads it: the same bytes for
    /// Python, or a same-length placeholder for IPython syntax.
    static func pythonLine(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        guard let start = ipythonStart(line) else { return line }
        var replaced = line
        let placeholder = Array("0#".utf8).prefix(line.endIndex - start)
        replaced.replaceSubrange(start..<(start + placeholder.count), with: placeholder)
        return replaced
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
