import RekeyRules
import Testing

/// Issue 8, item 2: unittest's `setUp` and pytest's `setup_method` run on a fresh instance
/// before every test method, so a key they store on `self` is new in each test. Consuming it
/// once per test is no reuse; consuming it twice within one test still is.
@Suite("Keys stored by per-test setup")
struct PerTestSetupTests {
    func reuseFindings(_ source: String) throws -> [Reported] {
        try Snippet(source).check().findings.filter { KeyInspectionTests.reuseCodes.contains($0.code) }.map(Reported.init)
    }

    @Test(arguments: [
        ("unittest.TestCase", "def setUp(self):"),
        ("object", "def setup_method(self, method):"),
    ])
    func keyFromPerTestSetupUsedOncePerTestIsNoReuse(base: String, setup: String) throws {
        let source = """
            import unittest

            import jax


            class TestNoise(\(base)):
                \(setup)
                    self.key = jax.random.PRNGKey(0)

                def _noise(self, shape):
                    return jax.random.normal(self.key, shape)

                def test_normal(self):
                    assert jax.random.normal(self.key, (3,)).shape == (3,)

                def test_through_a_helper(self):
                    assert self._noise((2,)).shape == (2,)

            """
        #expect(try reuseFindings(source) == [])
    }

    /// The setup of a base class of the same file counts for its subclasses.
    @Test func setupInheritedFromABaseClassOfTheFile() throws {
        let source = """
            import unittest

            import jax


            class KeyedTest(unittest.TestCase):
                def setUp(self):
                    self.rng = jax.random.PRNGKey(0)


            class TestUniform(KeyedTest):
                def test_range(self):
                    assert float(jax.random.uniform(self.rng).max()) < 1.0

                def test_shape(self):
                    assert jax.random.uniform(self.rng, (2,)).shape == (2,)

            """
        #expect(try reuseFindings(source) == [])
    }

    /// One test calling a helper that draws from the stored key twice reuses it.
    @Test func helperDrawingFromTheStoredKeyCalledTwiceInOneTest() throws {
        let findings = try reuseFindings(
            """
            import unittest

            import jax


            class TestNoise(unittest.TestCase):
                def setUp(self):
                    self.key = jax.random.PRNGKey(0)

                def _noise(self, shape):
                    return jax.random.normal(self.key, shape)

                def test_two_draws(self):
                    a = self._noise((3,))
                    b = self._noise((3,))
                    assert a.shape == b.shape

            """)
        #expect(findings.map(\.code) == ["RK004"])
        #expect(findings.first?.start.line == 15)
    }

    /// The stored key is a known key in every test (the setup made it with `jax.random`), so a
    /// library call consuming it counts as a use, as for a key made in the test.
    @Test func libraryCallThenSamplerOnTheStoredKeyInOneTest() throws {
        let findings = try reuseFindings(
            """
            import unittest

            import jax


            class TestMomentum(unittest.TestCase):
                def setUp(self):
                    self.key = jax.random.PRNGKey(0)

                def test_momentum(self):
                    momentum = self.metric.sample_momentum(self.key, 1.0)
                    expected = jax.random.normal(self.key)
                    assert momentum.shape == expected.shape

            """)
        #expect(findings.map(\.code) == ["RK004"])
        #expect(findings.first?.message.contains("consumed at line 11 by `self.metric.sample_momentum`") == true)
    }

    /// `setUpClass` runs once for the whole class: every test draws from the same key.
    @Test func keyStoredOncePerClassIsStillReusedAcrossTests() throws {
        let findings = try reuseFindings(
            """
            import unittest

            import jax


            class TestNoise(unittest.TestCase):
                @classmethod
                def setUpClass(cls):
                    cls.key = jax.random.PRNGKey(0)

                def test_normal(self):
                    assert jax.random.normal(self.key, (3,)).shape == (3,)

            """)
        #expect(findings.map(\.code) == ["RK004"])
    }
}
