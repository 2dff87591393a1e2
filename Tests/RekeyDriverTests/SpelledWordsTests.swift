import Foundation
import RekeySyntax
import Testing

@testable import RekeyDriver

/// ``SpelledWords`` answers from the words it gathered once what ``Prefilter/containsWord(_:_:)``
/// answers by scanning.
@Suite struct SpelledWordsTests {
    static let text = """
        import jax.random as jr
        from pkg.models import Encoder  # Encoder_v2 is not Encoder
        key = jr.PRNGKey(0)
        def init_params(key, größe=3): return jr.normal(key, (größe,)) + x.y_z
        end
        """

    @Test(arguments: [
        "jr", "random", "Encoder", "Encoder_v2", "Encode", "ncoder", "key", "PRNGKey", "PRNG", "init_params",
        "init", "größe", "röße", "y_z", "y", "z", "end", "import", "jax.random", "pkg.models", "x.y", "models import",
        "absent", "",
    ])
    func answersAsTheScanDoes(word: String) {
        let bytes = Array(Self.text.utf8)
        #expect(SpelledWords(bytes).contains(Array(word.utf8)) == Prefilter.containsWord(bytes, Array(word.utf8)))
    }

    @Test func aTextWithoutWordsSpellsNone() {
        #expect(!SpelledWords(Array("  ()\n".utf8)).contains(Array("a".utf8)))
        #expect(!SpelledWords([]).contains(Array("a".utf8)))
    }

    /// A text of thousands of distinct words, each spelt many times: every one is found, and
    /// no word it does not spell (the distinct words are gathered in a table that grows).
    @Test func aLargeTextSpellsEachOfItsWordsAndNoOther() {
        let words = (0..<3_000).map { "w\($0)_\($0 % 7)" }
        let text = (0..<5).flatMap { round in words.shuffled().map { $0 + (round % 2 == 0 ? " " : "(x)\n") } }.joined()
        let spelled = SpelledWords(Array(text.utf8))
        #expect(words.allSatisfy { spelled.contains(Array($0.utf8)) })
        #expect(!(0..<3_000).contains { spelled.contains(Array("w\($0)_\(($0 + 1) % 7)".utf8)) })
        #expect(spelled.contains(Array("x".utf8)) && !spelled.contains(Array("w".utf8)))
    }

    /// The byte search finds the first occurrence at or after the start, as comparing at every
    /// offset does, whichever byte of the needle it scans for: over texts of a few letters, so
    /// that needles occur often, overlap and sit at both ends.
    @Test func firstOccurrenceIsTheFirstMatchAtOrAfterTheStart() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let alphabet = Array("ap_ s\nQ".utf8)
        for _ in 0..<2_000 {
            let text = (0..<next(40)).map { _ in alphabet[next(alphabet.count)] }
            let needle = (0..<(1 + next(4))).map { _ in alphabet[next(alphabet.count)] }
            let start = next(text.count + 2)
            let expected =
                text.count < needle.count
                ? nil
                : (start...max(start, text.count - needle.count)).first { offset in
                    offset + needle.count <= text.count && Array(text[offset..<offset + needle.count]) == needle
                }
            #expect(Prefilter.firstOccurrence(of: needle, in: text, from: start) == expected, "\(text) \(needle) \(start)")
        }
    }
}
