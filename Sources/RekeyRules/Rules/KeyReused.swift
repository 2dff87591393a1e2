import RekeyAnalysis
import RekeyEdits
import RekeySyntax

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
            `jax.jit`/`vmap`/`pmap`, branches of `jax.lax.cond`/`switch` (one of which runs at the \
            call), and keys stored on `self` that a method consumes without \
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
            key, and each call of the instance passes it, or a subkey of one split of it per call, \
            in this file and in the files that import the class. Done only when every instance is \
            bound to one name and called directly outside loops, and no class subclasses it; \
            otherwise left for hand migration with what stopped it. A run given some files of a \
            project (pre-commit) leaves the fix alone when it would edit a file not given.
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

    func replan(_ finding: Finding, in file: FileContext, project: ProjectView) -> Finding? {
        KeyReuseFinding.replan(finding, in: file, project: project)
    }
}
