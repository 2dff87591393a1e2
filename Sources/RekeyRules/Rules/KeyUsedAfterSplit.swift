import RekeyAnalysis
import RekeyEdits
import RekeySyntax

/// RK006 — a key used after `jax.random.split` consumed it.
struct KeyUsedAfterSplit: Rule {
    static let description = RuleDescription(
        code: "RK006",
        name: "key-used-after-split",
        summary: "key used after it was split",
        whatItDoes: """
            Reports a key passed to a sampler or split again after `jax.random.split` consumed it, \
            typically `subkeys = jax.random.split(key)` followed by `jax.random.normal(key, …)`.
            """,
        whyBad: """
            Splitting consumes the parent key; the subkeys are derived from it, so using the parent \
            as well correlates its numbers with the subkeys'. Keep the first output as the new \
            parent (`key, subkey = jax.random.split(key)`) and use that.
            """,
        fixSafety: """
            Unsafe: the split keeps its first output as the new key (`k1, k2 = split(key)` \
            becomes `key, k1, k2 = split(key, 3)`), or, when the split is not a plain unpacking, \
            the split and the later use get separate keys. The numbers change.
            """,
        examples: [
            RuleExample(
                bad: """
                    import jax

                    def sample(key):
                        k1, k2 = jax.random.split(key)
                        a = jax.random.normal(k1)
                        b = jax.random.normal(key)
                        return a, b

                    """,
                good: """
                    import jax

                    def sample(key):
                        key, k1, k2 = jax.random.split(key, 3)
                        a = jax.random.normal(k1)
                        b = jax.random.normal(key)
                        return a, b

                    """,
                unsafeFixes: true)
        ])

    func check(_ file: FileContext) -> [Finding] {
        KeyReuseFinding.findings(of: [.usedAfterSplit], code: code, in: file)
    }
}
