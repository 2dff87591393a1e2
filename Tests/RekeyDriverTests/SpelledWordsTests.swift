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
}
