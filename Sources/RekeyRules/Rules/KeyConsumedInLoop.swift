import RekeyAnalysis
import RekeyEdits
import RekeySyntax

/// RK005 — a key consumed in a loop body without a per-iteration split.
struct KeyConsumedInLoop: Rule {
    static let description = RuleDescription(
        code: "RK005",
        name: "key-consumed-in-loop",
        summary: "key consumed inside a loop without a per-iteration split",
        whatItDoes: """
            Reports a key from outside a loop (or comprehension) that the loop body consumes on \
            every iteration, when nothing in the body replaces it first. A loop over a single \
            element (`for scale in [0.1]:`, `range(1)`) runs once and is not reported, nor is a \
            step that folds its counter into the key (`fold_in(key, step)`) before drawing. The \
            function `jax.lax.fori_loop`, `while_loop`, `scan` or `map` is given runs on every \
            iteration too: a key it reads from the enclosing function is reported at the call.
            """,
        whyBad: """
            Every iteration draws the same numbers: a loop of `normal(key)` is one sample repeated. \
            The usual fix is `key, subkey = jax.random.split(key)` at the top of the body, or \
            iterating over `jax.random.split(key, n)`.
            """,
        fixSafety: """
            Unsafe: `key, subkey = jax.random.split(key)` at the top of the loop body, and the use \
            takes `subkey`; the numbers change. Comprehensions, keys the body itself rebinds, and \
            the bodies of `jax.lax` loops are left for hand migration.
            """,
        examples: [
            RuleExample(
                bad: """
                    import jax

                    def noisy_copies(x, key, n):
                        return [x + jax.random.normal(key, x.shape) for _ in range(n)]

                    """,
                good: """
                    import jax

                    def noisy_copies(x, key, n):
                        return [x + jax.random.normal(k, x.shape) for k in jax.random.split(key, n)]

                    """,
                fixedByRekey: false),
            RuleExample(
                bad: """
                    import jax

                    def random_walk(key, steps):
                        position = 0.0
                        for _ in range(steps):
                            position += jax.random.normal(key)
                        return position

                    """,
                good: """
                    import jax

                    def random_walk(key, steps):
                        position = 0.0
                        for _ in range(steps):
                            key, subkey = jax.random.split(key)
                            position += jax.random.normal(subkey)
                        return position

                    """,
                unsafeFixes: true),
            RuleExample(
                bad: """
                    import jax

                    def random_walk(key, steps):
                        return jax.lax.fori_loop(0, steps, lambda i, x: x + jax.random.normal(key), 0.0)

                    """,
                good: """
                    import jax

                    def random_walk(key, steps):
                        return jax.lax.fori_loop(0, steps, lambda i, x: x + jax.random.normal(jax.random.fold_in(key, i)), 0.0)

                    """,
                fixedByRekey: false),
        ])

    func check(_ file: FileContext) -> [Finding] {
        KeyReuseFinding.findings(of: [.consumedInLoop], code: code, in: file)
    }
}
