import Foundation
import RekeyDriver
import RekeyRules
import RekeyTestSupport
import Testing

/// Issue 8, item 1: looking at a key (its type, shape or dtype) or tracing a function with it is
/// not consuming it, so it is neither the first use of a reuse nor a place a split goes before.
/// A key that really reaches a consumer through a project function or a library still does.
@Suite("Inspecting a key is not consuming it")
struct KeyInspectionTests {
    static let reuseCodes: Set<RuleCode> = ["RK004", "RK005", "RK006"]

    func reuseFindings(_ source: String) throws -> [Reported] {
        try Snippet(source).check().findings.filter { Self.reuseCodes.contains($0.code) }.map(Reported.init)
    }

    /// Python's and NumPy's inspection helpers, chex's assertions (all read shapes, types or
    /// values), checked before the key's one real use.
    @Test(arguments: [
        "assert hasattr(key, \"dtype\")",
        "assert getattr(key, \"shape\", None) is not None",
        "assert jnp.ndim(key) <= 1 and jnp.size(key) >= 1",
        "assert np.shape(key) in [(), (2,)]",
        "chex.assert_shape(key, ())",
        "print(jax.typeof(key))",
        "assert jnp.array_equal(key, pickle.loads(pickle.dumps(key)))",
        "assert numpyro.util.is_prng_key(key)",
    ])
    func inspectionBeforeASamplerIsNoReuse(_ check: String) throws {
        let source = """
            import pickle

            import chex
            import jax
            import jax.numpy as jnp
            import numpy as np
            import numpyro


            def sample(key):
                \(check)
                return jax.random.normal(key, (3,))

            """
        #expect(try reuseFindings(source) == [])
    }

    /// Abstract evaluation traces `f` with the key's shape and dtype and runs nothing; JAX's
    /// checker accepts a sampler on the key afterwards (verified with jax 0.10.2).
    @Test(arguments: [
        "jax.eval_shape(init, key)",
        "jax.make_jaxpr(init)(key)",
        "jax.jit(init).lower(key)",
        "jax.jit(init).trace(key)",
        "compiled.lower(key)",
    ])
    func tracingBeforeRunningIsNoReuse(_ tracing: String) throws {
        let source = """
            import jax


            def init(key):
                return jax.random.normal(key, (3,))


            def shapes_then_values(seed):
                key = jax.random.PRNGKey(seed)
                compiled = jax.jit(init)
                shapes = \(tracing)
                return shapes, init(key)

            """
        #expect(try reuseFindings(source) == [])
    }

    /// A validator of another module (numpyro's `is_prng_key`) only reads `key.shape` and
    /// `key.dtype`: calling it before the sampler is no reuse. Before, the other module's
    /// function was left out of the project's facts (it neither consumes nor returns a key), so
    /// it counted as a callee rekey cannot see into, which consumes the known keys it is given.
    @Test func projectValidatorInAnotherModuleIsNoConsumer() throws {
        let project = try Project([
            "pkg/__init__.py": "",
            "pkg/util.py": """
            import jax
            import numpy as np


            def is_prng_key(key):
                try:
                    if jax.dtypes.issubdtype(key.dtype, jax.dtypes.prng_key):
                        return key.shape == ()
                    return key.shape == (2,) and key.dtype == np.uint32
                except AttributeError:
                    return False


            def noise(key, shape):
                return jax.random.normal(key, shape)

            """,
            "pkg/dist.py": """
            import jax

            from pkg.util import is_prng_key


            def sample(key, shape):
                assert is_prng_key(key)
                return jax.random.exponential(key, shape)

            """,
        ])
        #expect(try project.reuseFindings() == [])
    }

    /// A project function that hands its key to a library (`model.apply`) consumes it as the
    /// library does: called twice with one key, that is a reuse, across modules as in one file.
    @Test func projectFunctionPassingItsKeyToALibraryStillConsumesIt() throws {
        let project = try Project([
            "pkg/__init__.py": "",
            "pkg/run.py": """
            import jax.random


            def forward(model, params, x, rng):
                return model.apply(params, x, rng)

            """,
            "pkg/test_run.py": """
            import jax

            from pkg.run import forward


            def test_forward(model, params, x):
                rng = jax.random.PRNGKey(0)
                a = forward(model, params, x, rng)
                b = forward(model, params, x, rng)
                assert a.shape == b.shape

            """,
        ])
        let findings = try project.reuseFindings()
        #expect(findings.map(\.code) == ["RK004"])
        #expect(findings.first?.message.contains("`rng` is consumed at line 8 by `pkg.run.forward`") == true)
    }

    /// The same in one file.
    @Test func localFunctionPassingItsKeyToALibraryStillConsumesIt() throws {
        let source = """
            import jax


            def forward(model, params, x, rng):
                return model.apply(params, x, rng)


            def test_forward(model, params, x):
                rng = jax.random.PRNGKey(0)
                return forward(model, params, x, rng), forward(model, params, x, rng)

            """
        #expect(try reuseFindings(source).map(\.code) == ["RK004"])
    }

    /// A project class keeping the key it is given (numpyro's `seed` handler) draws from it
    /// later: two instances built from one key draw the same numbers.
    @Test func constructorStoringItsKeyConsumesIt() throws {
        let source = """
            import jax


            class Seeded:
                def __init__(self, fn, rng_seed):
                    self.fn = fn
                    if isinstance(rng_seed, int):
                        rng_seed = jax.random.PRNGKey(rng_seed)
                    self.rng_key = rng_seed

                def __call__(self):
                    self.rng_key, sub = jax.random.split(self.rng_key)
                    return self.fn(sub)


            def model_and_guide(model, guide, key):
                plate_key, key = jax.random.split(key)
                return Seeded(model, plate_key), Seeded(guide, plate_key)

            """
        #expect(try reuseFindings(source).map(\.code) == ["RK004"])
    }

    /// A parameter annotated as a tuple holding a key (a scan carry) is not itself a key: its
    /// first item handed to `lax` twice is no reuse. One annotated as an optional key is a key.
    @Test func onlyKeyAnnotationsMakeKnownKeys() throws {
        #expect(
            try reuseFindings(
                """
                from typing import Optional, Tuple

                import chex
                import jax


                def fill(carry: Tuple[chex.Array, chex.PRNGKey], col: int):
                    grid = carry[0]
                    part = jax.lax.dynamic_slice(grid, (0, col), (2, 2))
                    grid = jax.lax.dynamic_update_slice(grid, part, (0, col))
                    return (grid, jax.random.split(carry[1])[0]), col

                """) == [])
        #expect(
            try reuseFindings(
                """
                from typing import Optional

                import chex
                import jax


                def twice(model, key: Optional[chex.PRNGKey]):
                    return model.apply(key), model.apply(key)

                """
            ).map(\.code) == ["RK004"])
    }

    /// Equinox layers and other libraries taking `key=` consume it, inspection or not.
    @Test func libraryLayersStillConsumeTheirKey() throws {
        let source = """
            import equinox as eqx
            import jax


            def layers(key):
                assert key.shape == (2,)
                return eqx.nn.Linear(2, 2, key=key), eqx.nn.Linear(2, 2, key=key)

            """
        #expect(try reuseFindings(source).map(\.code) == ["RK004"])
    }

    /// The unsafe split never goes before a mere check: the check keeps the key it was handed.
    @Test func splitGoesAfterTheCheck() throws {
        let fixed = try Snippet(
            """
            import jax


            def init(key):
                assert hasattr(key, "dtype"), "expected a key"
                w = jax.random.normal(key, (3, 3))
                b = jax.random.uniform(key, (3,))
                return w, b

            """
        ).fix(unsafeFixes: true)
        #expect(
            fixed.text == """
                import jax


                def init(key):
                    assert hasattr(key, "dtype"), "expected a key"
                    key_w, key_b = jax.random.split(key)
                    w = jax.random.normal(key_w, (3, 3))
                    b = jax.random.uniform(key_b, (3,))
                    return w, b

                """)
    }
}

extension Project {
    /// The reuse findings of the whole project, which is removed afterwards.
    func reuseFindings() throws -> [Reported] {
        defer { remove() }
        return check(".").findings.filter { KeyInspectionTests.reuseCodes.contains($0.code) }.map(Reported.init)
    }
}
