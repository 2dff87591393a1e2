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

    /// 16 hex digits.
    var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
