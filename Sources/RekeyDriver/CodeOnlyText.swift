/// A text with each comment and each triple-quoted string (a docstring, mostly) blanked to
/// spaces: where the prefilter's cues are asked for, as a cue in those reaches nothing. Short
/// strings are kept, since a string annotation (`key: "jax.Array"`) is one, and so are f- and
/// t-strings, whose braces hold code. Their ends are found as Python 3.12 reads them (PEP 701: a
/// replacement field may hold strings quoted like its own, comments and line breaks). A text
/// the scan cannot read to its end (a string left open, which is a syntax error to report, or
/// fields nested deeper than any real code) comes back whole.
struct CodeOnlyText {
    /// Read through a pointer: the scan looks at every byte of each file the cues let through.
    private let bytes: UnsafeBufferPointer<UInt8>

    static func of(_ bytes: [UInt8]) -> [UInt8] {
        guard let blanks = bytes.withUnsafeBufferPointer({ CodeOnlyText(bytes: $0).blanks() }) else { return bytes }
        var code = bytes
        code.withUnsafeMutableBufferPointer { code in
            for range in blanks { code[range].update(repeating: UInt8(ascii: " ")) }
        }
        return code
    }

    /// A file's text whose code alone is made on the first ask and kept: the import scan and
    /// the prefilter may both ask for it of one file.
    struct OnDemand {
        let text: [UInt8]
        private var made: [UInt8]?

        init(_ text: [UInt8]) { self.text = text }

        mutating func code() -> [UInt8] {
            if let made { return made }
            let code = CodeOnlyText.of(text)
            made = code
            return code
        }
    }

    /// Deeper nesting of replacement fields gives up rather than recurse without bound.
    private static let deepestField = 32

    private static let backslash = UInt8(ascii: "\\")
    private static let openBrace = UInt8(ascii: "{")
    private static let closeBrace = UInt8(ascii: "}")

    /// The ranges to blank, nil when the text cannot be read to its end.
    private func blanks() -> [Range<Int>]? {
        var blanks: [Range<Int>] = []
        var position = 0
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "#"):
                let end = lineEnd(from: position)
                blanks.append(position..<end)
                position = end
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                guard let string = string(quotedAt: position, depth: 0) else { return nil }
                if string.isTriple && !string.interpolates { blanks.append(position + 3..<string.end - 3) }
                position = string.end
            default:
                position += 1
            }
        }
        return blanks
    }

    private func lineEnd(from start: Int) -> Int {
        var end = start
        while end < bytes.count, !isLineBreak(bytes[end]) { end += 1 }
        return end
    }

    private func isLineBreak(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") }

    /// The string whose opening quote is at `quote`: where it ends (past its closing quotes),
    /// whether it is triple-quoted and whether it is an f- or t-string; nil when it is left open.
    private func string(quotedAt quote: Int, depth: Int) -> (end: Int, isTriple: Bool, interpolates: Bool)? {
        let mark = bytes[quote]
        var prefixStart = quote
        while prefixStart > 0, Prefilter.isIdentifierByte(bytes[prefixStart - 1]) { prefixStart -= 1 }
        // A prefix is at most two of `rbuft` in either case.
        var isPrefix = quote - prefixStart <= 2
        var hasInterpolation = false
        for index in prefixStart..<quote where isPrefix {
            switch bytes[index] | 0x20 {
            case UInt8(ascii: "f"), UInt8(ascii: "t"): hasInterpolation = true
            case UInt8(ascii: "r"), UInt8(ascii: "b"), UInt8(ascii: "u"): break
            default: isPrefix = false
            }
        }
        let interpolates = isPrefix && hasInterpolation
        let isTriple = isTripled(mark, at: quote)
        var position = quote + (isTriple ? 3 : 1)
        while position < bytes.count {
            let byte = bytes[position]
            if byte == Self.backslash {
                let next = position + 1 < bytes.count ? bytes[position + 1] : 0
                if interpolates && (next == Self.openBrace || next == Self.closeBrace) {
                    // The brace after it is still a field's, or a doubled brace. (`\N{NAME}`
                    // reads as a field too, and ends where the name does.)
                    position += 1
                } else {
                    position += 2
                }
            } else if byte == mark && (!isTriple || isTripled(mark, at: position)) {
                return (position + (isTriple ? 3 : 1), isTriple, interpolates)
            } else if !isTriple && isLineBreak(byte) {
                return nil
            } else if interpolates && byte == Self.openBrace {
                if position + 1 < bytes.count && bytes[position + 1] == Self.openBrace {
                    position += 2
                } else {
                    guard let end = fieldEnd(from: position + 1, depth: depth + 1) else { return nil }
                    position = end
                }
            } else {
                position += 1
            }
        }
        return nil
    }

    private func isTripled(_ mark: UInt8, at position: Int) -> Bool {
        position + 2 < bytes.count && bytes[position + 1] == mark && bytes[position + 2] == mark
    }

    /// The end (past its `}`) of the replacement field whose expression starts at `start`.
    private func fieldEnd(from start: Int, depth: Int) -> Int? {
        guard depth <= Self.deepestField else { return nil }
        var brackets = 0
        var position = start
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                guard let string = string(quotedAt: position, depth: depth) else { return nil }
                position = string.end
            case UInt8(ascii: "#"):
                position = lineEnd(from: position)
            case UInt8(ascii: "("), UInt8(ascii: "["), Self.openBrace:
                brackets += 1
                position += 1
            case UInt8(ascii: ")"), UInt8(ascii: "]"):
                guard brackets > 0 else { return nil }
                brackets -= 1
                position += 1
            case Self.closeBrace:
                if brackets == 0 { return position + 1 }
                brackets -= 1
                position += 1
            case UInt8(ascii: ":") where brackets == 0:
                return specificationEnd(from: position + 1, depth: depth)
            default:
                position += 1
            }
        }
        return nil
    }

    /// The end (past the field's `}`) of a format specification starting at `start`: text in
    /// which a quote is a fill character, with fields of its own in braces.
    private func specificationEnd(from start: Int, depth: Int) -> Int? {
        var position = start
        while position < bytes.count {
            switch bytes[position] {
            case Self.openBrace:
                guard let end = fieldEnd(from: position + 1, depth: depth + 1) else { return nil }
                position = end
            case Self.closeBrace:
                return position + 1
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                return nil
            default:
                position += 1
            }
        }
        return nil
    }
}
