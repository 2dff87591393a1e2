import Foundation
import RekeySyntax
import Testing

@testable import RekeyDriver

/// ``SpelledWords`` answers from the words it gathered once what ``Prefilter/containsWord(_:_:)``
/// answers by scanning, and ``ParsedTexts`` gives every thread the same model of a text.
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

    @Test func sharedTextsKeepOneModelPerTextAcrossThreads() throws {
        let texts = (0..<8).map { SourceText(path: "m\($0).py", text: "def f\($0)(key):\n    return g(key)\n") }
        let shared = ParsedTexts(texts, budget: 1 << 20, workers: 2)
        let grammar = try LoadableGrammar.check()
        let models = parallelMap(Array(0..<64), workers: 2, makeState: { PythonParser(grammar) }) { parser, request in
            shared.model(texts[request % texts.count], parser: parser).map(ObjectIdentifier.init)
        }
        for (request, model) in models.enumerated() {
            #expect(model != nil)
            #expect(model == models[request % texts.count])
        }
        #expect(shared.spells(texts[3], "f3") == true)
        #expect(shared.spells(texts[3], "f4") == false)
        #expect(shared.spells(SourceText(path: "other.py", text: "f3"), "f3") == nil)
    }
}
