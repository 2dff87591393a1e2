import Foundation
import RekeyDriver
import RekeyRules
import RekeyTestSupport
import Testing

/// A key stored on an Equinox module or a dataclass and drawn by a method becomes a per-call key
/// of that method, when every instance and every call is in view; otherwise a hand migration
/// that says what stopped it.
struct PerCallKeyTests {
    private let noise = """
        import equinox as eqx
        import jax


        class Noise(eqx.Module):
            key: jax.Array

            def __call__(self, x):
                return x + jax.random.normal(self.key, x.shape)

        """

    private func manualReason(_ source: String) throws -> String? {
        let findings = try Snippet(source).findings("RK004")
        guard findings.count == 1, case .manual(let reason) = findings[0].remedy else { return nil }
        return reason
    }

    @Test func aKeyCalledOnceByNameIsPassedAsItIs() throws {
        let fixed = try Snippet(
            noise + """


                def main():
                    key = jax.random.PRNGKey(0)
                    noise = Noise(key)
                    return noise(jax.numpy.ones(3))

                """
        ).fix(unsafeFixes: true)
        #expect(
            fixed.text == """
                import equinox as eqx
                import jax


                class Noise(eqx.Module):
                    def __call__(self, x, *, key):
                        return x + jax.random.normal(key, x.shape)


                def main():
                    key = jax.random.PRNGKey(0)
                    noise = Noise()
                    return noise(jax.numpy.ones(3), key=key)

                """)
        #expect(try fixed.snippet.cpythonError == nil)
        #expect(try fixed.snippet.fix(unsafeFixes: true).report.changes.isEmpty)
    }

    @Test func threeCallsTakeThreeSubkeysOfOneSplit() throws {
        let fixed = try Snippet(
            noise + """


                def main():
                    noise = Noise(key=jax.random.PRNGKey(0))
                    x = noise(jax.numpy.ones(3))
                    y = noise(x)
                    return noise(y)

                """
        ).fix(unsafeFixes: true)
        #expect(
            fixed.text.contains(
                "    noise_key1, noise_key2, noise_key3 = jax.random.split(jax.random.PRNGKey(0), 3)\n    noise = Noise()\n"))
        #expect(fixed.text.contains("return noise(y, key=noise_key3)"))
    }

    @Test(arguments: [
        ("for _ in range(3):\n        noise(jax.numpy.ones(3))", "`noise` is called in a loop at line"),
        ("return noise.key", "`noise.key` is read at line"),
        ("return [noise]", "`noise` is handed on at line"),
        ("return jax.vmap(noise)", "`noise` is handed on at line"),
        ("make = Noise\n    return make", "`Noise` is used as a value at line"),
        ("return Noise(jax.random.PRNGKey(1))(jax.numpy.ones(3))", "is not bound to a name"),
        ("other = Noise(next(keys))\n    return other(noise(jax.numpy.ones(3)))", "computed by `next(keys)`"),
    ])
    func instancesOutOfViewAreLeftByHand(body: String, reason: String) throws {
        let source =
            noise + """


                def main(keys):
                    noise = Noise(jax.random.PRNGKey(0))
                    \(body)

                """
        let found = try #require(try manualReason(source))
        #expect(found.contains(reason), "\(found)")
        #expect(found.hasPrefix("`Noise` is a module or dataclass, which may be frozen: take a key per call instead"))
        #expect(try Snippet(source).fix(unsafeFixes: true).text == source)
    }

    @Test func aKeyReadByAnotherMethodIsLeftByHand() throws {
        let source = """
            import equinox as eqx
            import jax


            class Noise(eqx.Module):
                key: jax.Array

                def __call__(self, x):
                    return x + jax.random.normal(self.key, x.shape)

                def seed(self):
                    return self.key

            """
        let found = try #require(try manualReason(source))
        #expect(found.contains("`self.key` is also used at line 12"), "\(found)")
    }

    /// NNX modules take `rngs`, not a key per call: left with the general advice.
    @Test func anNNXModuleIsLeftByHand() throws {
        let source = """
            import jax
            from flax import nnx


            class Noise(nnx.Module):
                def __init__(self, key):
                    self.key = key

                def __call__(self, x):
                    return x + jax.random.normal(self.key, x.shape)

            """
        #expect(try Snippet(source).fix(unsafeFixes: true).text == source)
    }

    // MARK: Instances made in other files

    private func project(_ test: String) throws -> Project {
        try Project(["pkg/__init__.py": "from .noise import Noise\n", "pkg/noise.py": noise, "tests/test_noise.py": test])
    }

    /// A test that imports the class through the package's re-export: its instance passes the key
    /// per call (named first, as a made key is not stable), and the class loses its field.
    @Test func anInstanceInAnotherFileIsUpdatedWithTheClass() throws {
        let project = try project(
            """
            import jax

            from pkg import Noise


            def test_noise():
                noise = Noise(jax.random.PRNGKey(1))
                assert noise(jax.numpy.ones(3)).shape == (3,)

            """)
        defer { project.remove() }
        let report = project.fix(".", unsafeFixes: true)
        let texts = Dictionary(
            uniqueKeysWithValues: report.changes.map {
                (URL(fileURLWithPath: $0.path).lastPathComponent, String(decoding: $0.updated, as: UTF8.self))
            })
        #expect(texts["noise.py"]?.contains("def __call__(self, x, *, key):") == true)
        #expect(
            texts["test_noise.py"]?.contains(
                """
                    noise_key = jax.random.PRNGKey(1)
                    noise = Noise()
                    assert noise(jax.numpy.ones(3), key=noise_key).shape == (3,)
                """) == true, "\(texts)")
    }

    @Test func aSubclassInAnotherFileKeepsTheKeyStored() throws {
        let project = try project(
            """
            import jax

            from pkg.noise import Noise


            class LoudNoise(Noise):
                pass


            def test_noise():
                noise = LoudNoise(jax.random.PRNGKey(1))
                assert noise(jax.numpy.ones(3)).shape == (3,)

            """)
        defer { project.remove() }
        let findings = project.check(".").findings.filter { $0.code == "RK004" }
        #expect(findings.count == 1)
        guard case .manual(let reason) = findings.first?.remedy else {
            Issue.record("expected a hand migration, got \(findings)")
            return
        }
        #expect(reason.contains("`LoudNoise` in ") && reason.contains("test_noise.py subclasses it"), "\(reason)")
    }
}
