/// A byte-level test run before parsing: a file that never spells any of these cannot reach
/// JAX randomness by name, so it is not parsed at all. Parsing is the dominant cost, and most
/// files of a real tree have no key in them.
public enum Prefilter {
    static let cues: [[UInt8]] = ["jax", "flax", "equinox"].map { Array($0.utf8) }

    public static func mayMatter(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            cues.contains { contains(buffer, $0) }
        }
    }

    /// Substring search scanning for the first byte with memchr, which is vectorised.
    static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard let base = haystack.baseAddress, let first = needle.first, haystack.count >= needle.count else {
            return needle.isEmpty
        }
        var offset = 0
        let last = haystack.count - needle.count
        while offset <= last {
            guard let hit = memchr(base + offset, Int32(first), last - offset + 1) else { return false }
            let position = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if memcmp(base + position, needle, needle.count) == 0 { return true }
            offset = position + 1
        }
        return false
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
