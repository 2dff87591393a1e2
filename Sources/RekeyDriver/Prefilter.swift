#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A byte-level test run before parsing: a file that never spells any of these cannot reach
/// JAX randomness by name, so it is not parsed at all. Parsing is the dominant cost, and most
/// files of a real tree have no key in them.
public enum Prefilter {
    static let cues: [[UInt8]] = ["jax", "flax", "equinox"].map { Array($0.utf8) }

    public static func mayMatter(_ bytes: [UInt8]) -> Bool {
        cues.contains { firstOccurrence(of: $0, in: bytes, from: 0) != nil }
    }

    /// Whether `word` occurs as a whole Python identifier (not inside a longer one).
    public static func containsWord(_ bytes: [UInt8], _ word: [UInt8]) -> Bool {
        var start = 0
        while let position = firstOccurrence(of: word, in: bytes, from: start) {
            let before = position > 0 ? bytes[position - 1] : UInt8(ascii: " ")
            let after = position + word.count < bytes.count ? bytes[position + word.count] : UInt8(ascii: " ")
            if !isIdentifierByte(before) && !isIdentifierByte(after) { return true }
            start = position + 1
        }
        return false
    }

    /// Finds `needle` by scanning for its first byte with `memchr` (vectorised in glibc) and
    /// comparing the rest with `memcmp`.
    static func firstOccurrence(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, start + needle.count <= haystack.count else { return nil }
        return haystack.withUnsafeBufferPointer { buffer -> Int? in
            guard let base = buffer.baseAddress else { return nil }
            let last = buffer.count - needle.count
            var offset = start
            while offset <= last {
                guard let hit = memchr(base + offset, Int32(first), last - offset + 1) else { return nil }
                let position = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if memcmp(base + position, needle, needle.count) == 0 { return position }
                offset = position + 1
            }
            return nil
        }
    }

    static func isIdentifierByte(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return byte == UInt8(ascii: "_") || (byte >= 0x30 && byte <= 0x39) || (lower >= 0x61 && lower <= 0x7A) || byte >= 0x80
    }
}
