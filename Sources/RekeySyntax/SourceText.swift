import Foundation

/// A half-open range of UTF-8 byte offsets into a source file. Every offset in rekey is a UTF-8
/// byte offset; the type name says so, so no UTF-16 or character offset can slip in unnoticed.
public struct ByteRange: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var start: Int
    public var end: Int

    public init(_ start: Int, _ end: Int) {
        precondition(start <= end, "ByteRange start \(start) is after end \(end)")
        self.start = start
        self.end = end
    }

    public var length: Int { end - start }
    public var isEmpty: Bool { start == end }

    public func contains(_ offset: Int) -> Bool { offset >= start && offset < end }
    public func contains(_ other: ByteRange) -> Bool { other.start >= start && other.end <= end }
    /// Two ranges overlap when they share a byte, or when an insertion sits strictly inside the other.
    public func overlaps(_ other: ByteRange) -> Bool {
        if isEmpty || other.isEmpty {
            return (isEmpty && other.start < start && start < other.end)
                || (other.isEmpty && start < other.start && other.start < end)
                || (isEmpty && other.isEmpty && start == other.start)
        }
        return start < other.end && other.start < end
    }

    public static func < (lhs: ByteRange, rhs: ByteRange) -> Bool {
        (lhs.start, lhs.end) < (rhs.start, rhs.end)
    }

    public var description: String { "\(start)..<\(end)" }
}

/// A 1-based line and 1-based column counted in Unicode scalars (characters), for messages.
public struct SourcePosition: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    public var description: String { "\(line):\(column)" }
}

public enum LineEnding: String, Sendable {
    case lf = "\n"
    case crlf = "\r\n"
    /// A lone carriage return (classic Mac OS), which Python reads as a line break too.
    case cr = "\r"
}

/// The bytes of one source file, validated as UTF-8, with the line index messages need.
public final class SourceText: Sendable {
    public let path: String
    public let bytes: [UInt8]
    /// Byte offset of the first byte of every line; `lineStarts[0] == 0`. Lines end as Python's
    /// tokenizer ends them: at "\n", "\r\n" or a lone "\r".
    public let lineStarts: [Int]
    /// The bytes tree-sitter parses: `bytes` with every lone "\r" turned into "\n". The grammar
    /// only breaks lines at "\n", while CPython reads a lone "\r" as a line break; the swap keeps
    /// every byte offset, so edits still apply to `bytes`. Nil when there is no lone "\r".
    let bytesWithLoneCarriageReturnsAsNewlines: [UInt8]?

    public enum DecodingError: Error, Equatable, CustomStringConvertible {
        /// `declared`: the encoding a PEP 263 coding comment names, if any (`latin-1`).
        case invalidUTF8(byteOffset: Int, declared: String? = nil)
        /// UTF-16 or UTF-32 text: with a byte-order mark, or recognised by its zero bytes.
        case wideEncoding(name: String, byteOrderMark: Bool)
        /// A NUL byte in text that is otherwise no wide encoding; CPython refuses it too.
        case nulByte(byteOffset: Int)

        public var description: String {
            switch self {
            case .invalidUTF8(let offset, let declared):
                let found = "not valid UTF-8 (first bad byte at offset \(offset))"
                guard let declared else { return found }
                return found + "; its coding comment declares \(declared), and rekey reads UTF-8 only: "
                    + "convert it (`iconv -f \(declared) -t utf-8`) and drop the comment to migrate it"
            case .wideEncoding(let name, let byteOrderMark):
                return "not valid UTF-8: it is \(name), \(byteOrderMark ? "with" : "without") a byte-order mark; "
                    + "rekey reads UTF-8 only, as CPython does without a coding declaration"
            case .nulByte(let offset):
                return "not a Python source file: a NUL byte at offset \(offset) (CPython refuses source code with null bytes)"
            }
        }
    }

    /// Where `byte` first occurs in `bytes` at or after `start`, found by `memchr` (vectorised in glibc).
    public static func firstIndex(of byte: UInt8, in bytes: [UInt8], from start: Int = 0) -> Int? {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, start < buffer.count,
                let hit = memchr(base + start, Int32(byte), buffer.count - start)
            else { return nil }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// Whether `bytes` are in an encoding rekey does not read that a byte-level prefilter would
    /// not notice (its cues are ASCII words, which UTF-16 spells with zero bytes between the
    /// letters): UTF-32 or UTF-16 by their byte-order mark or their zero bytes, or any NUL byte.
    /// Cheap enough to run on every file: a `memchr` for a zero byte, and a look at the first
    /// 4 KB only when there is one.
    public static func wideEncodingOrNul(in bytes: [UInt8]) -> DecodingError? {
        let start = Array(bytes.prefix(4))
        if start == [0xFF, 0xFE, 0, 0] { return .wideEncoding(name: "UTF-32 little-endian", byteOrderMark: true) }
        if start == [0, 0, 0xFE, 0xFF] { return .wideEncoding(name: "UTF-32 big-endian", byteOrderMark: true) }
        if start.starts(with: [0xFF, 0xFE]) { return .wideEncoding(name: "UTF-16 little-endian", byteOrderMark: true) }
        if start.starts(with: [0xFE, 0xFF]) { return .wideEncoding(name: "UTF-16 big-endian", byteOrderMark: true) }
        guard let nul = firstIndex(of: 0, in: bytes) else { return nil }
        // Mostly-ASCII text in UTF-16 has a zero in nearly every other byte, on one side only.
        let sample = bytes.prefix(4096)
        var zeros = (even: 0, odd: 0)
        for (offset, byte) in sample.enumerated() where byte == 0 {
            if offset % 2 == 0 { zeros.even += 1 } else { zeros.odd += 1 }
        }
        let pairs = max(sample.count / 2, 1)
        if zeros.odd * 10 >= pairs * 4 && zeros.even * 10 < pairs {
            return .wideEncoding(name: "UTF-16 little-endian", byteOrderMark: false)
        }
        if zeros.even * 10 >= pairs * 4 && zeros.odd * 10 < pairs {
            return .wideEncoding(name: "UTF-16 big-endian", byteOrderMark: false)
        }
        return .nulByte(byteOffset: nul)
    }

    public convenience init(path: String, bytes: [UInt8]) throws(DecodingError) {
        if let bad = SourceText.firstInvalidUTF8Offset(bytes) {
            throw .invalidUTF8(byteOffset: bad, declared: SourceText.declaredEncoding(bytes))
        }
        self.init(path: path, validUTF8: bytes)
    }

    /// The encoding a PEP 263 coding comment on the first or second line names
    /// (`# -*- coding: latin-1 -*-`, `# vim: set fileencoding=cp1252 :`).
    static func declaredEncoding(_ bytes: [UInt8]) -> String? {
        let head = String(decoding: bytes.prefix(512), as: UTF8.self)
        for line in head.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" }).prefix(2) {
            let text = line.drop { $0 == " " || $0 == "\t" || $0 == "\u{0C}" }
            guard text.hasPrefix("#"), let match = text.firstMatch(of: /coding[:=][ \t]*([-\w.]+)/) else { continue }
            return String(match.1)
        }
        return nil
    }

    public convenience init(path: String, text: String) {
        // A Swift String is always valid UTF-8.
        self.init(path: path, validUTF8: Array(text.utf8))
    }

    private init(path: String, validUTF8 bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        let (starts, loneCarriageReturns) = Self.lineStarts(bytes)
        self.lineStarts = starts
        lineEnding = Self.mostUsedLineEnding(bytes, lineStarts: starts)
        if loneCarriageReturns.isEmpty {
            bytesWithLoneCarriageReturnsAsNewlines = nil
        } else {
            var parsed = bytes
            for offset in loneCarriageReturns { parsed[offset] = UInt8(ascii: "\n") }
            bytesWithLoneCarriageReturnsAsNewlines = parsed
        }
    }

    /// Where each line starts, and the offsets of the carriage returns that end a line alone (not
    /// before a line feed). Most files have no carriage return: their lines are found by `memchr`.
    private static func lineStarts(_ bytes: [UInt8]) -> (starts: [Int], loneCarriageReturns: [Int]) {
        let newline = UInt8(ascii: "\n")
        let carriageReturn = UInt8(ascii: "\r")
        var starts = [0]
        var loneCarriageReturns: [Int] = []
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            if memchr(base, Int32(carriageReturn), buffer.count) == nil {
                var offset = 0
                while let hit = memchr(base + offset, Int32(newline), buffer.count - offset) {
                    offset = base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) + 1
                    starts.append(offset)
                }
                return
            }
            for (offset, byte) in buffer.enumerated() {
                if byte == newline {
                    starts.append(offset + 1)
                } else if byte == carriageReturn, offset + 1 == buffer.count || buffer[offset + 1] != newline {
                    starts.append(offset + 1)
                    loneCarriageReturns.append(offset)
                }
            }
        }
        return (starts, loneCarriageReturns)
    }

    /// The line ending the file mostly uses (LF on a tie); new lines written into the file use the same.
    public let lineEnding: LineEnding

    private static func mostUsedLineEnding(_ bytes: [UInt8], lineStarts: [Int]) -> LineEnding {
        var (lf, crlf, cr) = (0, 0, 0)
        for start in lineStarts.dropFirst() {
            if bytes[start - 1] == UInt8(ascii: "\r") {
                cr += 1
            } else if start >= 2 && bytes[start - 2] == UInt8(ascii: "\r") {
                crlf += 1
            } else {
                lf += 1
            }
        }
        if crlf > lf && crlf >= cr { return .crlf }
        if cr > lf && cr > crlf { return .cr }
        return .lf
    }

    public var string: String { String(decoding: bytes, as: UTF8.self) }

    public func text(in range: ByteRange) -> String {
        String(decoding: bytes[range.start..<range.end], as: UTF8.self)
    }

    /// The 0-based index of the line containing `offset`.
    public func lineIndex(at offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low
    }

    public func position(at offset: Int) -> SourcePosition {
        let line = lineIndex(at: offset)
        var column = 1
        var index = lineStarts[line]
        while index < offset {
            // Count scalars: every byte that is not a UTF-8 continuation byte starts one.
            if bytes[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        return SourcePosition(line: line + 1, column: column)
    }

    /// The byte range of line `index` (0-based) including its line terminator.
    public func lineRange(_ index: Int) -> ByteRange {
        let start = lineStarts[index]
        let end = index + 1 < lineStarts.count ? lineStarts[index + 1] : bytes.count
        return ByteRange(start, end)
    }

    /// The whitespace that starts the line containing `offset` (tabs stay tabs).
    public func indentation(ofLineAt offset: Int) -> String {
        let range = lineRange(lineIndex(at: offset))
        var end = range.start
        while end < range.end, bytes[end] == UInt8(ascii: " ") || bytes[end] == UInt8(ascii: "\t") {
            end += 1
        }
        return text(in: ByteRange(range.start, end))
    }

    static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { buffer -> Int? in
            let raw = UnsafeRawBufferPointer(buffer)
            var index = 0
            let count = buffer.count
            while index < count {
                // Source is mostly ASCII: eight bytes at a time while none has its high bit set.
                while index + 8 <= count, raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    index += 8
                }
                guard index < count else { break }
                let lead = buffer[index]
                if lead < 0x80 {
                    index += 1
                    continue
                }
                let length: Int
                var minimum: UInt32
                var scalar: UInt32
                switch lead {
                case 0xC2...0xDF:
                    length = 2
                    minimum = 0x80
                    scalar = UInt32(lead & 0x1F)
                case 0xE0...0xEF:
                    length = 3
                    minimum = 0x800
                    scalar = UInt32(lead & 0x0F)
                case 0xF0...0xF4:
                    length = 4
                    minimum = 0x10000
                    scalar = UInt32(lead & 0x07)
                default: return index
                }
                if index + length > count { return index }
                for next in 1..<length {
                    let byte = buffer[index + next]
                    if byte & 0xC0 != 0x80 { return index }
                    scalar = scalar << 6 | UInt32(byte & 0x3F)
                }
                if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return index }
                index += length
            }
            return nil
        }
    }
}
