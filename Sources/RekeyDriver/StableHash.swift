/// FNV-1a, 64 bits: the same on every run and machine, unlike Swift's seeded `Hasher`. For
/// fingerprints that must survive the process (findings, journals, the check cache), not against
/// an adversary.
struct StableHash {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        for byte in bytes { add(byte) }
    }

    mutating func add(_ byte: UInt8) {
        value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }

    /// A string and a separator after it, so `("ab", "c")` and `("a", "bc")` differ.
    mutating func add(field: String) {
        add(field.utf8)
        add(UInt8(0))
    }

    static func of<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var hash = StableHash()
        hash.add(bytes)
        return hash.value
    }

    /// A hash of a file's bytes for the check cache's keys, read eight bytes a step (FNV-1a's
    /// byte a step made hashing the tree most of an unchanged re-run). Each step multiplies
    /// and folds the high half down, so every byte reaches every bit, and is a bijection, so
    /// texts of one length that differ in one word never hash alike. Only the cache keeps it,
    /// under the build's identity, so it may change with rekey; fingerprints keep FNV-1a.
    static func ofContent(_ bytes: [UInt8]) -> UInt64 {
        let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
        var hash = UInt64(truncatingIfNeeded: bytes.count) &* multiplier
        bytes.withUnsafeBytes { buffer in
            let words = buffer.count / 8
            for index in 0..<words {
                hash = (hash ^ UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))) &* multiplier
                hash ^= hash >> 32
            }
            var tail: UInt64 = 0
            for offset in (words * 8)..<buffer.count { tail |= UInt64(buffer[offset]) << (8 * UInt64(offset - words * 8)) }
            hash = (hash ^ tail) &* multiplier
            hash ^= hash >> 29
        }
        return hash
    }

    /// 16 hex digits.
    var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
