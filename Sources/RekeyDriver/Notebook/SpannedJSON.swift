import RekeySyntax

/// A JSON document read with the byte range of every value in its text, so a notebook can have
/// some values replaced in place and the rest of its text, layout and escaping kept byte for byte
/// (a JSON library would give the values and lose where they were).
indirect enum SpannedJSON: Sendable {
    case object([Member], span: ByteRange)
    case array([SpannedJSON], span: ByteRange)
    /// A string, decoded only when asked for (``string(in:)``): a notebook's outputs hold
    /// megabytes of text nobody reads. The span includes the quotes.
    case string(span: ByteRange)
    /// Numbers, `true`, `false`, `null`: their text as written.
    case literal(String, span: ByteRange)

    struct Member: Sendable {
        let key: String
        let value: SpannedJSON
    }

    var span: ByteRange {
        switch self {
        case .object(_, let span), .array(_, let span), .string(let span), .literal(_, let span): return span
        }
    }

    subscript(key: String) -> SpannedJSON? {
        guard case .object(let members, _) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    var isString: Bool {
        guard case .string = self else { return false }
        return true
    }

    /// The text of a string value of the document in `bytes`.
    func string(in bytes: [UInt8]) -> String? {
        guard case .string(let span) = self else { return nil }
        return String(decoding: Self.decodedString(in: bytes, span: span).text, as: UTF8.self)
    }

    struct SyntaxError: Error, CustomStringConvertible {
        let byteOffset: Int
        let expected: String

        var description: String { "invalid JSON at byte \(byteOffset): expected \(expected)" }
    }

    /// Nesting deeper than this is refused rather than recursed into (notebooks nest a few levels).
    static let maximumDepth = 512

    /// The document in `bytes`, which must hold one value and nothing but white space around it.
    static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> SpannedJSON {
        var reader = Reader(bytes: bytes)
        let value = try reader.value(depth: 0)
        reader.skipWhiteSpace()
        guard reader.offset == bytes.count else { throw SyntaxError(byteOffset: reader.offset, expected: "the end of the document") }
        return value
    }

    /// The text of the JSON string literal at `span` (quotes included) with, for each of its
    /// UTF-8 bytes, the offset in `bytes` of the character or escape it was decoded from, and one
    /// more entry for the closing quote: how a position in a cell's source is found in the file.
    static func decodedString(in bytes: [UInt8], span: ByteRange) -> (text: [UInt8], sourceOffsets: [Int]) {
        var reader = Reader(bytes: bytes)
        reader.offset = span.start
        var offsets: [Int]? = []
        let text = (try? reader.stringBytes(sourceOffsets: &offsets)) ?? []
        return (text, (offsets ?? []) + [span.end - 1])
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func skipWhiteSpace() {
            while offset < bytes.count, bytes[offset] == 0x20 || bytes[offset] == 0x0A || bytes[offset] == 0x09 || bytes[offset] == 0x0D {
                offset += 1
            }
        }

        mutating func value(depth: Int) throws(SyntaxError) -> SpannedJSON {
            guard depth < SpannedJSON.maximumDepth else {
                throw SyntaxError(byteOffset: offset, expected: "at most \(SpannedJSON.maximumDepth) levels of nesting")
            }
            skipWhiteSpace()
            let start = offset
            guard offset < bytes.count else { throw SyntaxError(byteOffset: offset, expected: "a value") }
            switch bytes[offset] {
            case UInt8(ascii: "{"):
                offset += 1
                var members: [Member] = []
                try list(closing: "}") { reader throws(SyntaxError) in
                    reader.skipWhiteSpace()
                    guard reader.offset < reader.bytes.count, reader.bytes[reader.offset] == UInt8(ascii: "\"") else {
                        throw SyntaxError(byteOffset: reader.offset, expected: "a member name")
                    }
                    let key = String(decoding: try reader.stringBytes(), as: UTF8.self)
                    reader.skipWhiteSpace()
                    try reader.expect(":")
                    members.append(Member(key: key, value: try reader.value(depth: depth + 1)))
                }
                return .object(members, span: ByteRange(start, offset))
            case UInt8(ascii: "["):
                offset += 1
                var items: [SpannedJSON] = []
                try list(closing: "]") { reader throws(SyntaxError) in items.append(try reader.value(depth: depth + 1)) }
                return .array(items, span: ByteRange(start, offset))
            case UInt8(ascii: "\""):
                var noText: [UInt8]? = nil
                var noOffsets: [Int]? = nil
                try readString(into: &noText, sourceOffsets: &noOffsets)
                return .string(span: ByteRange(start, offset))
            default:
                while offset < bytes.count, Self.isLiteralByte(bytes[offset]) { offset += 1 }
                let text = String(decoding: bytes[start..<offset], as: UTF8.self)
                guard ["true", "false", "null"].contains(text) || Double(text) != nil else {
                    throw SyntaxError(byteOffset: start, expected: "a value")
                }
                return .literal(text, span: ByteRange(start, offset))
            }
        }

        static func isLiteralByte(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || [UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "E")].contains(byte)
        }

        mutating func expect(_ character: Unicode.Scalar) throws(SyntaxError) {
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: character) else {
                throw SyntaxError(byteOffset: offset, expected: "'\(character)'")
            }
            offset += 1
        }

        /// The items of an object or array after its opening bracket, separated by commas.
        mutating func list(closing: Unicode.Scalar, item: (inout Reader) throws(SyntaxError) -> Void) throws(SyntaxError) {
            skipWhiteSpace()
            if offset < bytes.count, bytes[offset] == UInt8(ascii: closing) {
                offset += 1
                return
            }
            while true {
                try item(&self)
                skipWhiteSpace()
                guard offset < bytes.count else { throw SyntaxError(byteOffset: offset, expected: "',' or '\(closing)'") }
                if bytes[offset] == UInt8(ascii: closing) {
                    offset += 1
                    return
                }
                try expect(",")
            }
        }

        /// Reads the string literal starting at `offset` (its opening quote), appending its UTF-8
        /// bytes to `text` and the source offset of each to `sourceOffsets`, each when given (a
        /// value nobody asked for is only checked). Runs of plain bytes are taken at once: a
        /// notebook's outputs hold megabytes of them (images in base64).
        mutating func readString(into text: inout [UInt8]?, sourceOffsets: inout [Int]?) throws(SyntaxError) {
            offset += 1
            while offset < bytes.count {
                let start = offset
                while offset < bytes.count, bytes[offset] >= 0x20, bytes[offset] != UInt8(ascii: "\""),
                    bytes[offset] != UInt8(ascii: "\\")
                {
                    offset += 1
                }
                text?.append(contentsOf: bytes[start..<offset])
                sourceOffsets?.append(contentsOf: start..<offset)
                guard offset < bytes.count else { break }
                switch bytes[offset] {
                case UInt8(ascii: "\""):
                    offset += 1
                    return
                case UInt8(ascii: "\\"):
                    let escape = offset
                    let scalar = try escapedScalar()
                    guard text != nil || sourceOffsets != nil else { continue }
                    let encoded = Array(String(Character(scalar)).utf8)
                    text?.append(contentsOf: encoded)
                    sourceOffsets?.append(contentsOf: repeatElement(escape, count: encoded.count))
                default:
                    throw SyntaxError(byteOffset: offset, expected: "an escaped control character")
                }
            }
            throw SyntaxError(byteOffset: offset, expected: "a closing quote")
        }

        /// The UTF-8 bytes of the string literal starting at `offset`, with their source offsets
        /// when `sourceOffsets` is given.
        mutating func stringBytes(sourceOffsets: inout [Int]?) throws(SyntaxError) -> [UInt8] {
            var text: [UInt8]? = []
            try readString(into: &text, sourceOffsets: &sourceOffsets)
            return text ?? []
        }

        mutating func stringBytes() throws(SyntaxError) -> [UInt8] {
            var noOffsets: [Int]? = nil
            return try stringBytes(sourceOffsets: &noOffsets)
        }

        /// The character of the escape at `offset` (a backslash), a surrogate pair as one.
        mutating func escapedScalar() throws(SyntaxError) -> Unicode.Scalar {
            let start = offset
            guard offset + 1 < bytes.count else { throw SyntaxError(byteOffset: offset, expected: "an escape") }
            offset += 2
            switch bytes[offset - 1] {
            case UInt8(ascii: "\""): return "\""
            case UInt8(ascii: "\\"): return "\\"
            case UInt8(ascii: "/"): return "/"
            case UInt8(ascii: "b"): return "\u{08}"
            case UInt8(ascii: "f"): return "\u{0C}"
            case UInt8(ascii: "n"): return "\n"
            case UInt8(ascii: "r"): return "\r"
            case UInt8(ascii: "t"): return "\t"
            case UInt8(ascii: "u"):
                let high = try hexQuad()
                if (0xD800..<0xDC00).contains(high), offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"),
                    bytes[offset + 1] == UInt8(ascii: "u")
                {
                    offset += 2
                    let low = try hexQuad()
                    if (0xDC00..<0xE000).contains(low), let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) {
                        return scalar
                    }
                }
                // A lone surrogate has no UTF-8 form; Python's json reads it, but it cannot be Python source.
                guard let scalar = Unicode.Scalar(high) else {
                    throw SyntaxError(byteOffset: start, expected: "a character, not a lone surrogate")
                }
                return scalar
            default:
                throw SyntaxError(byteOffset: start, expected: "a valid escape")
            }
        }

        mutating func hexQuad() throws(SyntaxError) -> UInt32 {
            guard offset + 4 <= bytes.count, let value = UInt32(String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self), radix: 16)
            else { throw SyntaxError(byteOffset: offset, expected: "four hexadecimal digits") }
            offset += 4
            return value
        }
    }
}
