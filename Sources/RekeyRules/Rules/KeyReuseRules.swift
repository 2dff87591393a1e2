import RekeyAnalysis
import RekeyEdits
import RekeySyntax

/// The three reuse rules read one shared analysis (``FileKeyFlow``) and differ only in which
/// kind of reuse they report; this is the one place their findings are built.
enum KeyReuseFinding {
    static func findings(of kinds: Set<KeyReuse.Kind>, code: RuleCode, in file: FileContext) -> [Finding] {
        file.keyFlow.reuses.filter { kinds.contains($0.kind) }.map { reuse in
            Finding(code: code, node: reuse.use, path: file.path, message: message(reuse),
                    plan: SplitBeforeReuse.plan(for: reuse, in: file))
        }
    }

    static func message(_ reuse: KeyReuse) -> String {
        let first = reuse.earlier.startPosition.line
        let second = reuse.use.startPosition.line
        switch reuse.kind {
        case .reused:
            return "`\(reuse.keyText)` is consumed at line \(first) by `\(reuse.earlierCallee)` and again at line \(second) by `\(reuse.useCallee)`"
        case .consumedInLoop:
            return "`\(reuse.keyText)` is consumed by `\(reuse.useCallee)` at line \(second) on every iteration of a loop without a per-iteration split"
        case .usedAfterSplit:
            return "`\(reuse.keyText)` is used at line \(second) by `\(reuse.useCallee)` after `jax.random.split` consumed it at line \(first)"
        case .storedKeyNotReplaced:
            return "`\(reuse.keyText)` is stored on the object and consumed at line \(second) by `\(reuse.useCallee)` without being replaced; every later call consumes it again"
        }
    }
}

/// RK004 — a key consumed twice on one path.
struct KeyReused: Rule {
    static let description = RuleDescription(
        code: "RK004",
        name: "key-reused",
        summary: "key consumed twice on one path",
        whatItDoes: """
            Follows every key through each function, path by path, and reports a sampler, `split` \
            or key-consuming call that receives a key some earlier call on the same path already \
            consumed, including through aliases (`k2 = k`), helper functions that consume their \
            key parameter (or hand it to a library), closures called twice, steps called through \
            `jax.jit`/`vmap`/`pmap`, and keys stored on `self` that a method consumes without \
            replacing. Looking at a key is not using it: checks of its type, shape or dtype \
            (`isinstance`, `hasattr`, `key.shape`, `jnp.ndim`, a project's `is_prng_key`, \
            `chex.assert_*`) and abstract evaluation (`jax.eval_shape`, `jax.make_jaxpr(f)(key)`, \
            `jax.jit(f).lower(key)`) consume nothing. Paths no run can take are not followed: the \
            same condition tested twice takes the same side both times, and a loop over one \
            element runs once. A key a test class stores in `setUp`/`setup_method` is new in every \
            test.
            """,
        whyBad: """
            JAX keys are single-use. Two samplers given the same key draw correlated numbers — \
            `normal(key)` twice returns the same values — which silently breaks dropout masks, \
            initialisations and noise. JAX's reuse checker raises `KeyReuseError` for it, but only \
            at run time, for typed keys, on the path that happened to run.
            """,
        fixSafety: """
            Unsafe: one `jax.random.split` before the first use gives each consumer its own \
            subkey, named after what it makes (`key_w`, `key_b`), and renews the key too when the \
            function reads it again later. The numbers drawn change. Keys given as `keys[0]`, uses \
            inside lambdas or comprehensions, names rebound between the uses, and batches of keys \
            (`split(key, n)` kept whole, which `split` refuses) are left for hand migration, with \
            the reason. So is reuse a test makes on purpose: when the test compares the results of \
            the draws for equality (`assert_allclose(a, b)`, `assert (a == b).all()`, \
            `self.assertEqual(a, b)`, `assert jnp.abs(a - b).max() < 1e-6`), or its name says so \
            (same key, same seed, deterministic, reproducible), a split would break the test; it is \
            reported with that reason and fixed in no tier (other uses of the key get their own \
            subkeys, while the compared draws go on sharing it). Silence it with \
            `# rekey: ignore[RK004]` when the same numbers are meant. A key stored on `self` and \
            drawn on every call is renewed there (`self.key, subkey = jax.random.split(self.key)`); \
            on an Equinox module or a dataclass, which may be frozen, the method takes a key per \
            call instead (`def __call__(self, x, *, key)`, the seed guide's FAQ): the field (or \
            the `__init__` parameter that filled it) goes, each instantiation stops passing the \
            key, and each call of the instance passes it, or a subkey of one split of it per call. \
            Done only when every instance is made in this file, bound to one name and called \
            directly outside loops, and no other file uses the class; otherwise left for hand \
            migration with what stopped it.
            """,
        examples: [
            RuleExample(
                bad: """
                    import jax

                    def init(key):
                        w = jax.random.normal(key, (3, 3))
                        b = jax.random.uniform(key, (3,))
                        return w, b

                    """,
                good: """
                    import jax

                    def init(key):
                        key_w, key_b = jax.random.split(key)
                        w = jax.random.normal(key_w, (3, 3))
                        b = jax.random.uniform(key_b, (3,))
                        return w, b

                    """,
                unsafeFixes: true),
            RuleExample(
                bad: """
                    import jax
                    import numpy as np


                    def sample(key):
                        return jax.random.normal(key, (3,))


                    def test_sample_under_jit():
                        key = jax.random.PRNGKey(0)
                        eager = sample(key)
                        compiled = jax.jit(sample)(key)
                        np.testing.assert_allclose(eager, compiled)

                    """,
                good: """
                    import jax
                    import numpy as np


                    def sample(key):
                        return jax.random.normal(key, (3,))


                    def test_sample_under_jit():
                        key = jax.random.PRNGKey(0)
                        eager = sample(key)
                        compiled = jax.jit(sample)(key)  # rekey: ignore[RK004]
                        np.testing.assert_allclose(eager, compiled)

                    """,
                fixedByRekey: false),
            RuleExample(
                bad: """
                    import equinox as eqx
                    import jax


                    class Noise(eqx.Module):
                        key: jax.Array

                        def __call__(self, x):
                            return x + jax.random.normal(self.key, x.shape)


                    def main():
                        noise = Noise(jax.random.PRNGKey(0))
                        return noise(noise(jax.numpy.ones(3)))

                    """,
                good: """
                    import equinox as eqx
                    import jax


                    class Noise(eqx.Module):
                        def __call__(self, x, *, key):
                            return x + jax.random.normal(key, x.shape)


                    def main():
                        noise_key1, noise_key2 = jax.random.split(jax.random.PRNGKey(0))
                        noise = Noise()
                        return noise(noise(jax.numpy.ones(3), key=noise_key2), key=noise_key1)

                    """,
                unsafeFixes: true),
        ])

    func check(_ file: FileContext) -> [Finding] {
        KeyReuseFinding.findings(of: [.reused, .storedKeyNotReplaced], code: code, in: file)
    }
}

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
            step that folds its counter into the key (`fold_in(key, step)`) before drawing.
            """,
        whyBad: """
            Every iteration draws the same numbers: a loop of `normal(key)` is one sample repeated. \
            The usual fix is `key, subkey = jax.random.split(key)` at the top of the body, or \
            iterating over `jax.random.split(key, n)`.
            """,
        fixSafety: """
            Unsafe: `key, subkey = jax.random.split(key)` at the top of the loop body, and the use \
            takes `subkey`; the numbers change. Comprehensions, and keys the body itself rebinds, \
            are left for hand migration.
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
        ])

    func check(_ file: FileContext) -> [Finding] {
        KeyReuseFinding.findings(of: [.consumedInLoop], code: code, in: file)
    }
}

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
                unsafeFixes: true),
        ])

    func check(_ file: FileContext) -> [Finding] {
        KeyReuseFinding.findings(of: [.usedAfterSplit], code: code, in: file)
    }
}
