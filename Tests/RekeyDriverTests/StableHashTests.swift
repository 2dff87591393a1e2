import Testing

@testable import RekeyDriver

/// The check cache's key hashes every file's bytes eight at a step (``StableHash/ofContent(_:)``):
/// an edit must change the key, or a re-run would print a stale report.
@Suite struct StableHashTests {
    /// Each step is a bijection of the running hash, so texts of one length that differ in one
    /// byte never hash alike; the length is hashed too, so trailing zero bytes count.
    @Test func anyOneByteChangedChangesTheContentHash() {
        let text = Array("import jax\nkey = jax.random.key(0)\n".utf8)
        let original = StableHash.ofContent(text)
        var seen: Set<UInt64> = [original]
        for position in text.indices {
            for replacement: UInt8 in [0, 0x20, text[position] ^ 1, 0xFF] where replacement != text[position] {
                var edited = text
                edited[position] = replacement
                #expect(seen.insert(StableHash.ofContent(edited)).inserted, "byte \(position) set to \(replacement)")
            }
        }
        let zeros = (0...17).map { StableHash.ofContent([UInt8](repeating: 0, count: $0)) }
        #expect(Set(zeros).count == zeros.count)
    }
}
