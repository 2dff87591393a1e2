#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// A byte-level test run before parsing. Parsing is the dominant cost, and most files of a real
/// tree, even of JAX itself, have no key in them: a file must name a JAX library *and* spell a
/// way to reach JAX's randomness to be parsed at all. The ways: `jax.random` (its uses, and its
/// imports as a module), `random` imported from `jax` (read by ``ImportScan``), the key
/// constructor `PRNGKey` and the key types (`KeyArray`, `PRNGKeyArray`), which make a parameter
/// a known key, or the Equinox/NNX module APIs whose layers take keys. `random` alone
/// (NumPy's, the standard library's, a word in a docstring) is no such way, unless the file
/// imports `jax` under another name (`jx.random`) or its imports could not all be read. A cue
/// counts only in code: the doctest of a docstring (`>>> key = jax.random.key(0)`) is no way.
public enum Prefilter {
    static let libraryCues: [[UInt8]] = ["jax", "flax", "equinox"].map { Array($0.utf8) }
    static let randomnessCues: [[UInt8]] = ["jax.random", "PRNGKey", "KeyArray", "equinox", "nnx"].map { Array($0.utf8) }
    static let anyRandom = Array("random".utf8)
    static let jaxUnderAlias = Array("import jax as".utf8)

    /// `imports`: the modules the file imports, as ``ImportScan`` reads all of them, or nil when
    /// the scan cannot tell (``ImportScan/allImportedModules(_:package:)``).
    /// A cue in a comment or a docstring reaches nothing, so one found is asked for again in
    /// the text's code alone (``CodeOnlyText``).
    static func mayMatter(_ text: inout CodeOnlyText.OnDemand, imports: [String]?) -> Bool {
        spellsCues(text.text, imports: imports) && spellsCues(text.code(), imports: imports)
    }

    private static func spellsCues(_ bytes: [UInt8], imports: [String]?) -> Bool {
        guard libraryCues.contains(where: { firstOccurrence(of: $0, in: bytes, from: 0) != nil }) else { return false }
        if randomnessCues.contains(where: { firstOccurrence(of: $0, in: bytes, from: 0) != nil }) { return true }
        if let imports, imports.contains(where: isJaxRandom) { return true }
        let aliasesJax = firstOccurrence(of: jaxUnderAlias, in: bytes, from: 0) != nil
        return (imports == nil || aliasesJax) && firstOccurrence(of: anyRandom, in: bytes, from: 0) != nil
    }

    /// `jax.random` or a module of it, or another module of JAX's named `random` (`jax._src.random`).
    static func isJaxRandom(_ module: String) -> Bool {
        module.hasPrefix("jax.") && (module.hasSuffix(".random") || module.hasPrefix("jax.random."))
    }

    /// Whether `word` occurs as a whole Python identifier (not inside a longer one).
    public static func containsWord(_ bytes: [UInt8], _ word: [UInt8]) -> Bool {
        hasWholeWord(word, in: bytes) { _ in true }
    }

    /// Whether the text may call `word`: some whole-word occurrence of it is followed by `(`
    /// after nothing but what may stand between a callee and its arguments (spaces, line breaks
    /// and `\` continuations, comments). A text where none is cannot hold a call `f(…)` or
    /// `obj.f(…)` of that name; an occurrence in a string or a comment counts, which only errs
    /// towards parsing the text.
    public static func mayCall(_ bytes: [UInt8], _ word: [UInt8]) -> Bool {
        hasWholeWord(word, in: bytes) { end in byte(after: end, in: bytes) == UInt8(ascii: "(") }
    }

    /// Whether the text may import every name of some module (`from m import *`): some
    /// whole-word `import` is followed by `*` after what `mayCall` skips. A text where none is
    /// is not parsed to find out.
    static func mayImportEveryName(_ bytes: [UInt8]) -> Bool {
        hasWholeWord(Array("import".utf8), in: bytes) { end in byte(after: end, in: bytes) == UInt8(ascii: "*") }
    }

    /// The first byte from `start` that is not a space, a line break, a `\` continuation or in
    /// a comment; nil at the end of `bytes`.
    private static func byte(after start: Int, in bytes: [UInt8]) -> UInt8? {
        var next = start
        while next < bytes.count {
            switch bytes[next] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\\"), 0x0C:
                next += 1
            case UInt8(ascii: "#"):
                while next < bytes.count, bytes[next] != UInt8(ascii: "\n"), bytes[next] != UInt8(ascii: "\r") { next += 1 }
            default:
                return bytes[next]
            }
        }
        return nil
    }

    /// Whether some occurrence of `word` as a whole identifier satisfies `accept`, asked with the
    /// offset just past it.
    private static func hasWholeWord(_ word: [UInt8], in bytes: [UInt8], where accept: (Int) -> Bool) -> Bool {
        var start = 0
        while let position = firstOccurrence(of: word, in: bytes, from: start) {
            let end = position + word.count
            if (position == 0 || !isIdentifierByte(bytes[position - 1])) && (end == bytes.count || !isIdentifierByte(bytes[end]))
                && accept(end)
            {
                return true
            }
            start = position + 1
        }
        return false
    }

    /// Finds `needle` by scanning with `memchr` (vectorised in glibc) for the byte of it that is
    /// rarest in Python text, and comparing the whole needle around each hit with `memcmp`. The
    /// rarer the byte, the fewer the hits: `sample` is looked for at its `p`, not at each `s`.
    static func firstOccurrence(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, start + needle.count <= haystack.count else { return nil }
        let commonness = Self.commonness
        var anchor = 0
        for index in needle.indices.dropFirst() where commonness[Int(needle[index])] < commonness[Int(needle[anchor])] {
            anchor = index
        }
        let anchorByte = Int32(needle[anchor])
        return haystack.withUnsafeBufferPointer { buffer -> Int? in
            guard let base = buffer.baseAddress else { return nil }
            // A candidate starts at `position`, its anchor at `position + anchor`.
            let last = buffer.count - needle.count
            var position = start
            while position <= last {
                guard let hit = memchr(base + position + anchor, anchorByte, last - position + 1) else { return nil }
                position = base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) - anchor
                if memcmp(base + position, needle, needle.count) == 0 { return position }
                position += 1
            }
            return nil
        }
    }

    /// How common each byte is in Python source, from 0 (rarest) up: a rough order of letters
    /// in code, then space, newline and `_` as the most common. Bytes not listed count as rare.
    private static let commonness: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256)
        let byFrequency = Array(" \n_etasrionlcdpmuf.(),=hgybk:vwx'\"[]0j1zq2".utf8)
        for (rank, byte) in byFrequency.enumerated() { table[Int(byte)] = UInt8(byFrequency.count - rank) }
        return table
    }()

    static func isIdentifierByte(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return byte == UInt8(ascii: "_") || (byte >= 0x30 && byte <= 0x39) || (lower >= 0x61 && lower <= 0x7A) || byte >= 0x80
    }
}

/// The identifiers a text spells, gathered in one pass, for asking about many words: each answer
/// is ``Prefilter/containsWord(_:_:)``'s, without scanning the text again. The words are kept as
/// sorted 64-bit hashes, 8 bytes a distinct word (on the sdist tree a quarter of the text's size;
/// a set of the words' slices takes some 40 bytes a word), so a word may be taken for spelt on a
/// collision, one in 2⁶⁴: every user asks to find out whether a file is worth parsing, and
/// parsing it then settles the question.
struct SpelledWords: Sendable {
    private let bytes: [UInt8]
    private let hashes: [UInt64]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        // Each distinct word is kept once as it is met, and only those are sorted: a word
        // recurs many times in a text, and sorting every occurrence took most of the time.
        var distinct = DistinctHashes()
        Self.identifierBytes.withUnsafeBufferPointer { isIdentifierByte in
            bytes.withUnsafeBufferPointer { buffer in
                var word = StableHash()
                var inWord = false
                for byte in buffer {
                    if isIdentifierByte[Int(byte)] {
                        word.add(byte)
                        inWord = true
                    } else if inWord {
                        distinct.insert(word.value)
                        word = StableHash()
                        inWord = false
                    }
                }
                if inWord { distinct.insert(word.value) }
            }
        }
        hashes = distinct.sorted()
    }

    /// ``Prefilter/isIdentifierByte(_:)`` of each byte, looked up: asked of every byte of every
    /// text the prefilter skipped.
    private static let identifierBytes = (0...255).map { Prefilter.isIdentifierByte(UInt8($0)) }

    /// Whether `bytes` spell `word`, answered by `words` (gathered from those bytes) when given.
    static func spell(_ bytes: [UInt8], _ word: Word, known words: SpelledWords?) -> Bool {
        words?.contains(word) ?? Prefilter.containsWord(bytes, word.bytes)
    }

    /// A word as it is looked up, hashed once for the many texts asked about it.
    struct Word {
        let bytes: [UInt8]
        /// Nil for a word that is not one identifier: it may span several, and only a scan finds it.
        let hash: UInt64?

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
            hash = bytes.allSatisfy(Prefilter.isIdentifierByte) ? StableHash.of(bytes) : nil
        }

        init(_ word: String) {
            self.init(Array(word.utf8))
        }
    }

    func contains(_ word: [UInt8]) -> Bool {
        contains(Word(word))
    }

    func contains(_ word: Word) -> Bool {
        guard let hash = word.hash else { return Prefilter.containsWord(bytes, word.bytes) }
        var low = 0
        var high = hashes.count
        while low < high {
            let middle = (low + high) / 2
            if hashes[middle] < hash { low = middle + 1 } else { high = middle }
        }
        return low < hashes.count && hashes[low] == hash
    }
}

/// A set of 64-bit hashes, placed by their own low bits (they are hashes already, so no second
/// hashing is needed), with linear probing; zero marks an empty slot and is kept aside.
private struct DistinctHashes {
    private var slots = [UInt64](repeating: 0, count: 64)
    private var count = 0
    private var holdsZero = false

    mutating func insert(_ hash: UInt64) {
        guard hash != 0 else {
            holdsZero = true
            return
        }
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: hash) & mask
        while slots[index] != 0 {
            if slots[index] == hash { return }
            index = (index + 1) & mask
        }
        slots[index] = hash
        count += 1
        if count * 2 > slots.count { grow() }
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: old.count * 2)
        count = 0
        for hash in old where hash != 0 { insert(hash) }
    }

    func sorted() -> [UInt64] {
        var result = slots.filter { $0 != 0 }
        if holdsZero { result.append(0) }
        result.sort()
        return result
    }
}
