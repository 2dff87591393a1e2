import RekeyRules
import Testing

/// Issue 8, item 6: a test that draws twice from one key and compares the results for equality,
/// or whose name says the same key is meant, reuses it on purpose. The finding stays, for hand
/// migration with that reason, and no tier fixes it (a split would break the assertion).
@Suite("Deliberate reuse in tests")
struct DeliberateReuseTests {
    func expectDeliberate(_ source: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let findings = try Snippet(source).check().findings.filter { KeyInspectionTests.reuseCodes.contains($0.code) }
        #expect(findings.count == 1, sourceLocation: sourceLocation)
        #expect(findings.allSatisfy { $0.fix == nil }, sourceLocation: sourceLocation)
        #expect(
            findings.map(Reported.init).allSatisfy { $0.remedy.contains("the reuse looks deliberate") },
            "\(findings.map(Reported.init))", sourceLocation: sourceLocation)
        #expect(try Snippet(source).fix(unsafeFixes: true).text == source, sourceLocation: sourceLocation)
    }

    @Test(arguments: [
        "np.testing.assert_allclose(eager, compiled)",
        "np.testing.assert_array_equal(np.asarray(eager), compiled)",
        "assert (eager == compiled).all()",
        "assert jnp.all(eager == compiled)",
        "assert jnp.allclose(eager, compiled)",
        "chex.assert_trees_all_close(eager, compiled)",
        "assert bool(jnp.all(jnp.abs(eager - compiled) < 1e-6))",
        "delta = jnp.max(jnp.abs(eager - compiled))\n    assert delta == 0.0",
        "flat = jnp.ravel(eager)\n    np.testing.assert_allclose(flat, jnp.ravel(compiled))",
    ])
    func drawsComparedForEqualityAreDeliberate(_ comparison: String) throws {
        try expectDeliberate(
            """
            import chex
            import jax
            import jax.numpy as jnp
            import numpy as np


            def sample(key):
                return jax.random.normal(key, (3,))


            def test_sample_under_jit():
                key = jax.random.PRNGKey(0)
                eager = sample(key)
                compiled = jax.jit(sample)(key)
                \(comparison)

            """)
    }

    @Test func unittestAssertionAndTreeMapComparison() throws {
        try expectDeliberate(
            """
            import unittest

            import jax
            import numpy as np


            class TestBatching(unittest.TestCase):
                def test_batched_matches_full(self):
                    key = jax.random.PRNGKey(0)
                    full = self.run_sampler(key, batch_size=0)
                    batched = self.run_sampler(key, batch_size=10)
                    jax.tree.map(lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-5), full, batched)
                    self.assertEqual(full.shape, batched.shape)

            """)
    }

    /// An equality assertion mapped over the two draws' trees compares them leaf by leaf, whether
    /// the map is given the assertion's name, a `partial` of it, or a name the test or the module
    /// binds to such a partial.
    @Test(arguments: [
        "jax.tree.map(np.testing.assert_allclose, a, b)",
        "jax.tree_util.tree_map(np.testing.assert_allclose, a, b)",
        "jtu.tree_map(assert_allclose, a, b)",
        "tree.map_structure(np.testing.assert_allclose, a, b)",
        "tree_map(assert_allclose, a, b)",
        "jax.tree_map(self.assertAllClose, a, b)",
        "jax.tree_multimap(np.testing.assert_array_equal, a, b)",
        "jax.tree.map(functools.partial(np.testing.assert_allclose, rtol=1e-5), a, b)",
        "jax.tree.map(partial(np.testing.assert_allclose, rtol=1e-5), a, b)",
        "check = functools.partial(np.testing.assert_allclose, atol=1e-6)\n        jax.tree.map(check, a, b)",
        "jax.tree.map(close, a, b)",
        "jax.tree_util.tree_map_with_path(lambda path, x, y: np.testing.assert_allclose(x, y), a, b)",
        "jax.tree.map_with_path(lambda path, x, y: assert_allclose(x, y, err_msg=str(path)), a, b)",
        "tree.map_structure_with_path(lambda path, x, y: assert_allclose(x, y), a, b)",
    ])
    func equalityAssertionMappedOverTheDrawsIsDeliberate(_ comparison: String) throws {
        try expectDeliberate(
            """
            import functools
            import unittest
            from functools import partial

            import jax
            import jax.tree_util as jtu
            import numpy as np
            import tree
            from jax.tree_util import tree_map
            from numpy.testing import assert_allclose

            close = functools.partial(np.testing.assert_allclose, atol=1e-6)


            class TestModel(unittest.TestCase):
                def test_init(self):
                    key = jax.random.PRNGKey(0)
                    a = self.model.init(key, self.x)
                    b = self.model.init(key, self.x)
                    \(comparison)

            """)
    }

    /// The name of a method that draws is no use of a variable spelled the same: `d.sample(key)`
    /// is a second draw, not the first one's `sample` again. The variable as an attribute's object
    /// (`sample.mean()`) still carries its draw.
    @Test(arguments: [
        "sample = d.sample(key)\n    np.testing.assert_allclose(sample, d.sample(key))",
        "draw = d.draw(key)\n    np.testing.assert_allclose(draw, d.draw(key))",
        "gen = g.gen(key)\n    np.testing.assert_allclose(gen, g.gen(key))",
        "sample = d.sample(key)\n    np.testing.assert_allclose(sample.mean(), d.sample(key).mean())",
    ])
    func variableNamedLikeTheDrawingMethodIsDeliberate(_ draws: String) throws {
        try expectDeliberate(
            """
            import jax
            import numpy as np


            def test_sample(d, g):
                key = jax.random.PRNGKey(0)
                \(draws)

            """)
    }

    @Test(arguments: ["test_same_seed_gives_same_noise", "test_deterministic_init", "test_is_reproducible"])
    func testNamedForTheSameNumbers(_ name: String) throws {
        try expectDeliberate(
            """
            import jax


            def \(name)():
                key = jax.random.PRNGKey(0)
                first = jax.random.normal(key, (3,))
                second = jax.random.normal(key, (3,))
                print(first, second)

            """)
    }

    /// Comparing shapes, comparing against something else, or comparing outside a test is no
    /// evidence: the reuse gets its split.
    @Test(arguments: [
        ("test_draws", "assert a.shape == b.shape"),
        ("test_draws", "assert (a.shape, \"é\") == (b.shape, \"é\")"),  // not ASCII: read as characters
        ("test_draws", "np.testing.assert_allclose(a, expected)"),
        ("test_draws", "self.assertEqual(len(a), len(b))"),
        ("test_draws", "assert jnp.sum(a == b) <= 1"),
        ("test_draws", "assert not jnp.allclose(a, b)"),
        ("test_draws", "np.testing.assert_allclose(jnp.dot(a, b), jnp.dot(b, a))"),
        ("test_draws", "assert jnp.abs(a - b).max() > 0.1"),
        ("test_draws", "jax.tree.map(jnp.add, a, b)"),
        ("test_draws", "jax.tree.map(np.testing.assert_allclose, a, expected)"),
        ("check_draws", "np.testing.assert_allclose(a, b)"),
    ])
    func otherComparisonsAreNoEvidence(function: String, comparison: String) throws {
        let findings = try Snippet(
            """
            import jax
            import jax.numpy as jnp
            import numpy as np


            def \(function)(self, expected):
                key = jax.random.PRNGKey(0)
                a = jax.random.normal(key, (3,))
                b = jax.random.normal(key, (3,))
                \(comparison)

            """
        ).check().findings.filter { $0.code == "RK004" }
        #expect(findings.map(Reported.init).map(\.remedy) == ["fix (unsafe)"])
    }

    /// A third draw from the key the compared pair shares gets its own subkey; the pair goes on
    /// sharing the key the split renews, so the assertion still holds.
    @Test func anotherUseOfTheComparedKeyGetsItsOwnSubkey() throws {
        let fixed = try Snippet(
            """
            import jax
            import numpy as np


            def test_metrics_agree(lr_metric, diag_metric):
                key = jax.random.PRNGKey(0)
                p_lr = lr_metric.sample_momentum(key)
                p_diag = diag_metric.sample_momentum(key)
                np.testing.assert_allclose(p_lr, p_diag)
                p_test = jax.random.normal(key, (3,))
                return p_test

            """
        ).fix(unsafeFixes: true)
        #expect(
            fixed.text == """
                import jax
                import numpy as np


                def test_metrics_agree(lr_metric, diag_metric):
                    key = jax.random.PRNGKey(0)
                    key, key_p_test = jax.random.split(key)
                    p_lr = lr_metric.sample_momentum(key)
                    p_diag = diag_metric.sample_momentum(key)
                    np.testing.assert_allclose(p_lr, p_diag)
                    p_test = jax.random.normal(key_p_test, (3,))
                    return p_test

                """)
        let left = try fixed.snippet.check().findings.filter { $0.code == "RK004" }.map(Reported.init)
        #expect(left.count == 1 && left[0].remedy.contains("the reuse looks deliberate"), "\(left)")
    }
}
