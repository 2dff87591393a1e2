import Foundation
import RekeyDriver
import RekeyEdits
import RekeyRules
import Testing

/// RK001 and its fix, the global-key threading pass, case by case: each case states the exact
/// output, or the reason it is left for hand migration. Every fixed output must also be a fixed
/// point (a second run changes nothing and finds nothing) and compile.
@Suite("RK001 import-time-key")
struct ImportTimeKeyTests {
    // MARK: Helpers

    /// `before` has one RK001 finding whose fix has `applicability`, and fixing it (with unsafe
    /// fixes when the fix is unsafe) gives exactly `after`. An unsafe fix is not applied without.
    func expectFix(
        _ before: String, _ after: String, applicability: Applicability = .safe,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let snippet = Snippet(before)
        let findings = try snippet.findings()
        #expect(
            findings.map { $0.fix?.applicability } == [applicability],
            "\(findings.map(Reported.init))", sourceLocation: sourceLocation)
        let fixed = try snippet.fix(unsafeFixes: applicability == .unsafe)
        #expect(fixed.text == after, sourceLocation: sourceLocation)
        #expect(fixed.report.diagnostics.map(\.description) == [], sourceLocation: sourceLocation)
        try expectFixedPoint(fixed.snippet, sourceLocation: sourceLocation)
        if applicability == .unsafe {
            #expect(try snippet.fix(unsafeFixes: false).text == before, sourceLocation: sourceLocation)
        }
    }

    /// ruff's convergence and syntax checks: the output parses (tree-sitter and CPython), has no
    /// RK001 finding left, and a second run, even with unsafe fixes, changes nothing.
    func expectFixedPoint(_ output: Snippet, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try output.treeSitterError == nil, sourceLocation: sourceLocation)
        #expect(try output.cpythonError == nil, sourceLocation: sourceLocation)
        #expect(try output.findings().map(Reported.init) == [], sourceLocation: sourceLocation)
        let again = try output.fix(unsafeFixes: true)
        #expect(again.report.changes.isEmpty, "changed again:\n\(again.text)", sourceLocation: sourceLocation)
    }

    /// `source` has exactly one RK001 finding, left for hand migration for a reason that
    /// contains `phrase`; nothing is rewritten, even with unsafe fixes.
    func expectManual(
        _ source: String, because phrase: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let snippet = Snippet(source)
        let findings = try snippet.findings()
        try #require(findings.count == 1, "\(findings.map(Reported.init))", sourceLocation: sourceLocation)
        guard case .manual(let reason) = findings[0].remedy else {
            Issue.record("expected a hand migration, got a fix: \(Reported(findings[0]))", sourceLocation: sourceLocation)
            return
        }
        #expect(reason.contains(phrase), "reason: \(reason)", sourceLocation: sourceLocation)
        // RK001 alone changes nothing (another rule may still fix something else in the snippet).
        let fixed = try snippet.fix(unsafeFixes: true, rules: [try #require(RuleRegistry.rule("RK001"))])
        #expect(fixed.report.changes.isEmpty, sourceLocation: sourceLocation)
        #expect(fixed.report.remaining.filter { $0.code == "RK001" }.count == 1, sourceLocation: sourceLocation)
    }

    /// The snippet every case below starts from: one global, one reader, one test.
    static let noiseModule = """
        import jax

        key = jax.random.PRNGKey(0)


        def noise(shape):
            return jax.random.normal(key, shape)


        def test_noise():
            assert noise((2,)).shape == (2,)

        """

    // MARK: The finding

    @Test func findingPointsAtTheGlobalAndNamesItsReaders() throws {
        let findings = try Snippet(Self.noiseModule).findings()
        try #require(findings.count == 1)
        let finding = findings[0]
        #expect(finding.start == .init(line: 3, column: 1) && finding.end == .init(line: 3, column: 4))
        #expect(finding.message == "`key` is a PRNG key created at import time; read by `noise` (line 6)")
        #expect(finding.touchedSymbols == ["key", "noise"])
    }

    @Test func singleConsumerIsASafeFix() throws {
        try expectFix(
            Self.noiseModule,
            """
            import jax


            def noise(shape, *, key):
                return jax.random.normal(key, shape)


            def test_noise():
                key = jax.random.PRNGKey(0)
                assert noise((2,), key=key).shape == (2,)

            """)
    }

    @Test func twoConsumersSplitAndAreUnsafe() throws {
        try expectFix(
            """
            import jax

            key = jax.random.PRNGKey(0)


            def weights(n):
                return jax.random.normal(key, (n,))


            def bias(n):
                return jax.random.uniform(key, (n,))


            if __name__ == "__main__":
                w = weights(3)
                b = bias(3)

            """,
            """
            import jax


            def weights(n, *, key):
                return jax.random.normal(key, (n,))


            def bias(n, *, key):
                return jax.random.uniform(key, (n,))


            if __name__ == "__main__":
                key = jax.random.PRNGKey(0)
                key_w, key_b = jax.random.split(key)
                w = weights(3, key=key_w)
                b = bias(3, key=key_b)

            """, applicability: .unsafe)
    }

    @Test func unsafeFixIsReportedButNotAppliedWithoutUnsafeFixes() throws {
        let before = """
            import jax

            key = jax.random.PRNGKey(0)


            def noise(shape):
                return jax.random.normal(key, shape)


            def test_noise():
                assert noise((2,)).shape == noise((2,)).shape

            """
        let fixed = try Snippet(before).fix(unsafeFixes: false)
        #expect(fixed.text == before)
        #expect(fixed.report.applied.isEmpty)
        #expect(fixed.report.remaining.filter { $0.code == "RK001" }.map { $0.fix?.applicability } == [.unsafe])
    }

    // MARK: Names

    @Test func parameterClashingWithKeyBecomesRngKey() throws {
        try expectFix(
            """
            import jax

            KEY = jax.random.PRNGKey(0)


            def noise(shape, key=None):
                return jax.random.normal(KEY, shape), key


            def cached(shape):
                key = ("noise", shape)
                return jax.random.normal(KEY, shape), key


            def test_noise():
                assert noise((2,))[0].shape == cached((2,))[0].shape

            """,
            """
            import jax


            def noise(shape, key=None, *, rng_key):
                return jax.random.normal(rng_key, shape), key


            def cached(shape, *, rng_key):
                key = ("noise", shape)
                return jax.random.normal(rng_key, shape), key


            def test_noise():
                key = jax.random.PRNGKey(0)
                key_noise, key_cached = jax.random.split(key)
                assert noise((2,), rng_key=key_noise)[0].shape == cached((2,), rng_key=key_cached)[0].shape

            """, applicability: .unsafe)
    }

    @Test func keyAndRngKeyTakenGivesPrngKey() throws {
        try expectFix(
            """
            import jax

            KEY = jax.random.PRNGKey(0)


            def noise(shape, key=None, rng_key=None):
                return jax.random.normal(KEY, shape), key, rng_key


            def test_noise():
                assert noise((2,))[0].shape == (2,)

            """,
            """
            import jax


            def noise(shape, key=None, rng_key=None, *, prng_key):
                return jax.random.normal(prng_key, shape), key, rng_key


            def test_noise():
                key = jax.random.PRNGKey(0)
                assert noise((2,), prng_key=key)[0].shape == (2,)

            """)
    }

    @Test func entryVariableAvoidsTheEntrysOwnNames() throws {
        try expectFix(
            """
            import jax

            KEY = jax.random.PRNGKey(0)


            def noise(shape):
                return jax.random.normal(KEY, shape)


            def test_noise():
                key = "unrelated"
                assert noise((2,)).shape == (2,)
                assert key

            """,
            """
            import jax


            def noise(shape, *, key):
                return jax.random.normal(key, shape)


            def test_noise():
                key = "unrelated"
                key2 = jax.random.PRNGKey(0)
                assert noise((2,), key=key2).shape == (2,)
                assert key

            """)
    }

    /// The entry point's variable is the global's name, lowercased, leading underscores dropped.
    @Test(arguments: [("KEY", "key"), ("_rng", "rng"), ("__Model_Key", "model_key"), ("RNG2", "rng2")])
    func entryVariableIsTheGlobalsNameLowercased(global: String, local: String) throws {
        try expectFix(
            """
            import jax

            \(global) = jax.random.PRNGKey(0)


            def noise(shape):
                return jax.random.normal(\(global), shape)


            def test_noise():
                assert noise((2,)).shape == (2,)

            """,
            """
            import jax


            def noise(shape, *, key):
                return jax.random.normal(key, shape)


            def test_noise():
                \(local) = jax.random.PRNGKey(0)
                assert noise((2,), key=\(local)).shape == (2,)

            """)
    }

    // MARK: Parameter lists

    @Test func multiLineListsWithTrailingCommaGetOneItemPerLine() throws {
        try expectFix(
            """
            import jax

            key = jax.random.PRNGKey(0)


            def noise(
                shape,
                scale,
            ):
                return scale * jax.random.normal(key, shape)


            def test_noise():
                assert noise(
                    (2,),
                    1.0,
                ).shape == (2,)

            """,
            """
            import jax


            def noise(
                shape,
                scale,
                *,
                key,
            ):
                return scale * jax.random.normal(key, shape)


            def test_noise():
                key = jax.random.PRNGKey(0)
                assert noise(
                    (2,),
                    1.0,
                    key=key,
                ).shape == (2,)

            """)
    }

    @Test func multiLineListsWithoutTrailingCommaGrowOnTheLastLine() throws {
        try expectFix(
            """
            import jax

            key = jax.random.PRNGKey(0)


            def noise(
                shape,
                scale):
                return scale * jax.random.normal(key, shape)


            def test_noise():
                assert noise(
                    (2,),
                    1.0).shape == (2,)

            """,
            """
            import jax


            def noise(
                shape,
                scale, *, key):
                return scale * jax.random.normal(key, shape)


            def test_noise():
                key = jax.random.PRNGKey(0)
                assert noise(
                    (2,),
                    1.0, key=key).shape == (2,)

            """)
    }

    @Test func oneItemPerLineWithCRLFAndTabs() throws {
        let before = Mutation.crlf(
            Mutation.tabs(
                """
                import jax

                key = jax.random.PRNGKey(0)


                def noise(
                    shape,
                    **options,
                ):
                    return jax.random.normal(key, shape, **options)


                if __name__ == "__main__":
                    noise(
                        (2,),
                        dtype=None,
                    )

                """))
        let after = Mutation.crlf(
            Mutation.tabs(
                """
                import jax


                def noise(
                    shape,
                    *,
                    key,
                    **options,
                ):
                    return jax.random.normal(key, shape, **options)


                if __name__ == "__main__":
                    key = jax.random.PRNGKey(0)
                    noise(
                        (2,),
                        dtype=None,
                        key=key,
                    )

                """))
        let fixed = try Snippet(bytes: before).fix()
        #expect(fixed.text == Snippet(bytes: after).text)
        try expectFixedPoint(fixed.snippet)
    }

    @Test func doubleStarKwargsStaysLast() throws {
        try expectFix(
            """
            import jax

            key = jax.random.PRNGKey(0)


            def noise(shape, **kwargs):
                return jax.random.normal(key, shape, **kwargs)


            def test_noise():
                assert noise((2,), dtype=None).shape == (2,)

            """,
            """
            import jax


            def noise(shape, *, key, **kwargs):
                return jax.random.normal(key, shape, **kwargs)


            def test_noise():
                key = jax.random.PRNGKey(0)
                assert noise((2,), dtype=None, key=key).shape == (2,)

            """)
    }

    @Test func starArgsMakesTheKeyKeywordOnlyWithoutAStar() throws {
        try expectFix(
            """
            import jax

            key = jax.random.PRNGKey(0)


            def noise(*shape):
                return jax.random.normal(key, shape)


            def test_noise():
                assert noise(2, 3).shape == (2, 3)

            """,
            """
            import jax


            def noise(*shape, key):
                return jax.random.normal(key, shape)


            def test_noise():
                key = jax.random.PRNGKey(0)
                assert noise(2, 3, key=key).shape == (2, 3)

            """)
    }

    /// `*shape: int` and `**options: Any` are typed parameters wrapping the splat: a second `*`
    /// or a parameter after `**options` would not compile.
    @Test func annotatedSplatsAreSeenThrough() throws {
        try expectFix(
            """
            from typing import Any

            import jax

            key = jax.random.PRNGKey(0)


            def noise(*shape: int, **options: Any):
                return jax.random.normal(key, shape, **options)


            def test_noise():
                assert noise(2, 3).shape == (2, 3)

            """,
            """
            from typing import Any

            import jax


            def noise(*shape: int, key, **options: Any):
                return jax.random.normal(key, shape, **options)


            def test_noise():
                key = jax.random.PRNGKey(0)
                assert noise(2, 3, key=key).shape == (2, 3)

            """)
    }

    @Test func bareStarIsReused() throws {
        try expectFix(
            """
            import jax

            key = jax.random.PRNGKey(0)


            def noise(shape, /, *, scale=1.0):
                return scale * jax.random.normal(key, shape)


            def test_noise():
                assert noise((2,), scale=2.0).shape == (2,)

            """,
            """
            import jax


            def noise(shape, /, *, scale=1.0, key):
                return scale * jax.random.normal(key, shape)


            def test_noise():
                key = jax.random.PRNGKey(0)
                assert noise((2,), scale=2.0, key=key).shape == (2,)

            """)
    }

    // MARK: Methods and classes

    @Test func methodCalledFromInitThreadsThroughTheConstructor() throws {
        try expectFix(
            """
            import jax

            key = jax.random.PRNGKey(0)


            class Model:
                def __init__(self, size):
                    self.w = self.init_weights(size)

                def init_weights(self, size):
                    return jax.random.normal(key, (size,))


            if __name__ == "__main__":
                model = Model(3)

            """,
            """
            import jax


            class Model:
                def __init__(self, size, *, key):
                    self.w = self.init_weights(size, key=key)

                def init_weights(self, size, *, key):
                    return jax.random.normal(key, (size,))


            if __name__ == "__main__":
                key = jax.random.PRNGKey(0)
                model = Model(3, key=key)

            """)
    }

    /// A method reached through a variable holding an instance of its class is updated too.
    @Test func methodCalledOnAnInstanceOfItsClass() throws {
        try expectFix(
            """
            import jax

            key = jax.random.PRNGKey(0)


            class Sampler:
                def __init__(self, n):
                    self.n = n

                def draw(self):
                    return jax.random.normal(key, (self.n,))


            def test_draw():
                sampler = Sampler(3)
                assert sampler.draw().shape == (3,)

            """,
            """
            import jax


            class Sampler:
                def __init__(self, n):
                    self.n = n

                def draw(self, *, key):
                    return jax.random.normal(key, (self.n,))


            def test_draw():
                sampler = Sampler(3)
                key = jax.random.PRNGKey(0)
                assert sampler.draw(key=key).shape == (3,)

            """)
    }

    @Test func methodCalledOnAnObjectOfUnknownClassIsMigratedByHand() throws {
        try expectManual(
            """
            import jax

            key = jax.random.PRNGKey(0)


            class Sampler:
                def draw(self):
                    return jax.random.normal(key, (2,))


            def test_draw(make):
                sampler = make()
                assert sampler.draw().shape == (2,)

            """, because: "through an object rekey cannot type")
    }

    @Test func initReadingTheKeyAndCallingAReaderSplitsInside() throws {
        try expectFix(
            """
            import jax

            key = jax.random.PRNGKey(0)


            class Model:
                def __init__(self, size):
                    self.b = jax.random.uniform(key, (size,))
                    self.w = self.init_weights(size)

                def init_weights(self, size):
                    return jax.random.normal(key, (size,))


            if __name__ == "__main__":
                model = Model(3)

            """,
            """
            import jax


            class Model:
                def __init__(self, size, *, key):
                    key, key_w = jax.random.split(key)
                    self.b = jax.random.uniform(key, (size,))
                    self.w = self.init_weights(size, key=key_w)

                def init_weights(self, size, *, key):
                    return jax.random.normal(key, (size,))


            if __name__ == "__main__":
                key = jax.random.PRNGKey(0)
                model = Model(3, key=key)

            """, applicability: .unsafe)
    }

    @Test func subclassCallingSuperInitPassesTheKeyUp() throws {
        try expectFix(
            """
            import jax

            key = jax.random.PRNGKey(0)


            class Base:
                def __init__(self, size):
                    self.w = jax.random.normal(key, (size,))


            class Child(Base):
                def __init__(self, size):
                    super().__init__(size)
                    self.size = size


            if __name__ == "__main__":
                model = Child(3)

            """,
            """
            import jax


            class Base:
                def __init__(self, size, *, key):
                    self.w = jax.random.normal(key, (size,))


            class Child(Base):
                def __init__(self, size, *, key):
                    super().__init__(size, key=key)
                    self.size = size


            if __name__ == "__main__":
                key = jax.random.PRNGKey(0)
                model = Child(3, key=key)

            """)
    }

    @Test func classScopeKeyIsMigratedByHand() throws {
        try expectManual(
            """
            import jax


            class Model:
                key = jax.random.PRNGKey(0)

                def weights(self):
                    return jax.random.normal(self.key, (3,))

            """, because: "keys at class scope are migrated by hand")
    }

    // MARK: Call sites

    @Test func nestedHelperCalledTwiceInATestSplits() throws {
        try expectFix(
            """
            import jax

            key = jax.random.PRNGKey(0)


            def test_twice():
                def draw():
                    return jax.random.normal(key, (2,))

                a = draw()
                b = draw()
                assert a.shape == b.shape

            """,
            """
            import jax


            def test_twice():
                def draw(*, key):
                    return jax.random.normal(key, (2,))

                key = jax.random.PRNGKey(0)
                key_a, key_b = jax.random.split(key)
                a = draw(key=key_a)
                b = draw(key=key_b)
                assert a.shape == b.shape

            """, applicability: .unsafe)
    }

    @Test func callInALoopIsMigratedByHand() throws {
        try expectManual(
            """
            import jax

            key = jax.random.PRNGKey(0)


            def noise(shape):
                return jax.random.normal(key, shape)


            def test_noise():
                for n in range(3):
                    assert noise((n,)).shape == (n,)

            """, because: "`noise` is called at line 12, inside a loop (line 11); each iteration needs its own key")
    }

    @Test func functionUsedAsAValueIsMigratedByHand() throws {
        try expectManual(
            """
            import jax

            key = jax.random.PRNGKey(0)


            def noise(x):
                return x + jax.random.normal(key, x.shape)


            def test_noise():
                batched = jax.vmap(noise)
                assert batched(jax.numpy.zeros((2, 3))).shape == (2, 3)

            """, because: "`noise` is used as a value at line 11, not called directly")
    }

    @Test func callAtImportTimeIsMigratedByHand() throws {
        try expectManual(
            """
            import jax

            key = jax.random.PRNGKey(0)


            def noise(shape):
                return jax.random.normal(key, shape)


            TABLE = noise((4,))

            """, because: "`noise` is called at line 10, at import time")
    }

    /// Code that runs any number of times per run of its context would consume one key many times.
    @Test(arguments: [
        ("    while len(xs) < 3:\n        xs.append(noise((2,)))", "`noise` is called at line 13, inside a loop (line 12)"),
        (
            "    xs += [noise((n,)) for n in range(3)]",
            "`noise` is called at line 12, inside a comprehension; each evaluation needs its own key"
        ),
        (
            "    make = lambda: noise((2,))\n    xs.append(make())",
            "`noise` is called at line 12, inside a lambda; each evaluation needs its own key"
        ),
    ])
    func repeatedCallIsMigratedByHand(body: String, reason: String) throws {
        try expectManual(
            """
            import jax

            key = jax.random.PRNGKey(0)


            def noise(shape):
                return jax.random.normal(key, shape)


            def test_noise():
                xs = []
            \(body)
                assert xs

            """, because: reason)
    }

    @Test func readInADefaultArgumentIsMigratedByHand() throws {
        try expectManual(
            """
            import jax

            key = jax.random.PRNGKey(0)


            def noise(shape, rng=key):
                return jax.random.normal(rng, shape)

            """, because: "`key` is read at line 6, at import time")
    }

    @Test func decoratedFunctionIsMigratedByHand() throws {
        try expectManual(
            """
            import functools

            import jax

            key = jax.random.PRNGKey(0)


            @functools.lru_cache
            def noise(n):
                return jax.random.normal(key, (n,))


            def test_noise():
                assert noise(2).shape == (2,)

            """, because: "`noise` is decorated with `@functools.lru_cache`, which may not pass a new keyword through")
    }

    @Test func jitDecoratedFunctionIsFixed() throws {
        try expectFix(
            """
            import jax

            key = jax.random.PRNGKey(0)


            @jax.jit
            def noise(x):
                return x + jax.random.normal(key, x.shape)


            def test_noise():
                assert noise(jax.numpy.zeros(2)).shape == (2,)

            """,
            """
            import jax


            @jax.jit
            def noise(x, *, key):
                return x + jax.random.normal(key, x.shape)


            def test_noise():
                key = jax.random.PRNGKey(0)
                assert noise(jax.numpy.zeros(2), key=key).shape == (2,)

            """)
    }

    @Test func staticAndClassMethodsAreThreaded() throws {
        try expectFix(
            """
            import jax

            key = jax.random.PRNGKey(0)


            class Model:
                @staticmethod
                def weights(n):
                    return jax.random.normal(key, (n,))

                @classmethod
                def create(cls, n):
                    return cls(Model.weights(n))

                def __init__(self, w):
                    self.w = w


            def test_model():
                assert Model.create(3).w.shape == (3,)

            """,
            """
            import jax


            class Model:
                @staticmethod
                def weights(n, *, key):
                    return jax.random.normal(key, (n,))

                @classmethod
                def create(cls, n, *, key):
                    return cls(Model.weights(n, key=key))

                def __init__(self, w):
                    self.w = w


            def test_model():
                key = jax.random.PRNGKey(0)
                assert Model.create(3, key=key).w.shape == (3,)

            """)
    }

    @Test func globalBoundAgainIsMigratedByHand() throws {
        try expectManual(
            """
            import jax

            key = jax.random.PRNGKey(0)


            def noise(shape):
                return jax.random.normal(key, shape)


            if __name__ == "__main__":
                key = jax.random.PRNGKey(1)
                print(noise((2,)))

            """, because: "`key` is bound again at line 11")
    }

    /// Two globals read by one function: the fixes meet in the same places, so the engine applies
    /// one per round. The first gives `f` a key; the second then finds `f` taking a key of its own
    /// and splits it (unsafe: `KEY2`'s numbers are gone), as a caller that has a key should.
    @Test func twoGlobalsInOneFunctionConverge() throws {
        let snippet = Snippet(
            """
            import jax

            KEY1 = jax.random.PRNGKey(1)
            KEY2 = jax.random.PRNGKey(2)


            def f(n):
                return jax.random.normal(KEY1, (n,)) + jax.random.normal(KEY2, (n,))


            def test_f():
                assert f(2).shape == (2,)

            """)
        let safe = try snippet.fix()
        #expect(safe.report.applied["RK001"] == 1)
        #expect(try safe.snippet.findings().map { $0.fix?.applicability } == [.unsafe])
        let fixed = try snippet.fix(unsafeFixes: true)
        #expect(
            fixed.text == """
                import jax


                def f(n, *, key):
                    key, subkey = jax.random.split(key)
                    return jax.random.normal(key, (n,)) + jax.random.normal(subkey, (n,))


                def test_f():
                    key1 = jax.random.PRNGKey(1)
                    assert f(2, key=key1).shape == (2,)

                """)
        #expect(fixed.report.applied["RK001"] == 2)
        #expect(fixed.report.diagnostics.map(\.description) == [])
        try expectFixedPoint(fixed.snippet)
    }

    /// A caller with a key of its own splits it for the function that now needs one, first thing
    /// (before its own uses consume it), instead of taking a second key.
    @Test func callerWithItsOwnKeySplitsIt() throws {
        try expectFix(
            """
            import jax

            KEY = jax.random.PRNGKey(0)


            def init_layer(n):
                return jax.random.normal(KEY, (n,))


            def build(n, key):
                noise = jax.random.normal(key, (n,))
                return init_layer(n) + noise


            def test_build():
                assert build(3, jax.random.PRNGKey(1)).shape == (3,)

            """,
            """
            import jax


            def init_layer(n, *, key):
                return jax.random.normal(key, (n,))


            def build(n, key):
                key, key_init_layer = jax.random.split(key)
                noise = jax.random.normal(key, (n,))
                return init_layer(n, key=key_init_layer) + noise


            def test_build():
                assert build(3, jax.random.PRNGKey(1)).shape == (3,)

            """, applicability: .unsafe)
    }

    /// A parameter merely called `key` (a dictionary key here) is not a PRNG key to split.
    @Test func parameterNamedKeyButNotUsedAsOneGainsAKey() throws {
        let fixed = try Snippet(
            """
            import jax

            KEY = jax.random.PRNGKey(0)


            def noisy_lookup(table, key):
                return table[key] + jax.random.normal(KEY, ())


            def test_lookup():
                assert noisy_lookup({"a": 1.0}, "a").shape == ()

            """
        ).fix()
        #expect(fixed.text.contains("def noisy_lookup(table, key, *, rng_key):"), "\(fixed.text)")
    }

    // MARK: Seeds

    @Test func moduleConstantSeedMovesWithTheKey() throws {
        try expectFix(
            """
            import jax

            SEED = 3
            key = jax.random.PRNGKey(SEED)


            def noise(shape):
                return jax.random.normal(key, shape)


            def test_noise():
                assert noise((2,)).shape == (2,)

            """,
            """
            import jax

            SEED = 3


            def noise(shape, *, key):
                return jax.random.normal(key, shape)


            def test_noise():
                key = jax.random.PRNGKey(SEED)
                assert noise((2,), key=key).shape == (2,)

            """)
    }

    @Test func seedShadowedInTheEntryIsMigratedByHand() throws {
        try expectManual(
            """
            import jax

            SEED = 3
            key = jax.random.PRNGKey(SEED)


            def noise(shape):
                return jax.random.normal(key, shape)


            def test_noise():
                SEED = 4
                assert noise((SEED,)).shape == (4,)

            """, because: "`SEED` means something else where the key would be created")
    }

    /// The key was made from the seed's value at that point of the import; made later at the
    /// entry point, it would read whatever the name holds by then.
    @Test func seedBoundAgainAfterTheKeyIsMigratedByHand() throws {
        for rebinding in ["SEED = 1", "SEED += 1"] {
            try expectManual(
                """
                import jax

                SEED = 0
                key = jax.random.PRNGKey(SEED)
                \(rebinding)


                def test_noise():
                    assert jax.random.normal(key, (2,)).shape == (2,)

                """, because: "the seed reads `SEED`, which is bound again at line 5")
        }
    }

    @Test func seedDeclaredGlobalByAFunctionIsMigratedByHand() throws {
        try expectManual(
            """
            import jax

            SEED = 0
            key = jax.random.PRNGKey(SEED)


            def reseed(value):
                global SEED
                SEED = value


            def test_noise():
                assert jax.random.normal(key, (2,)).shape == (2,)

            """, because: "the seed reads `SEED`, which is bound again")
    }

    @Test func computedSeedIsMigratedByHand() throws {
        try expectManual(
            """
            import os

            import jax

            key = jax.random.PRNGKey(int(os.environ["SEED"]))


            def noise(shape):
                return jax.random.normal(key, shape)


            def test_noise():
                assert noise((2,)).shape == (2,)

            """, because: #"the seed `(int(os.environ["SEED"]))` computes a value (call) that must not run twice or later"#)
    }

    /// Another module's attribute could change between import and the entry point.
    @Test func attributeSeedIsUnsafe() throws {
        try expectFix(
            """
            import jax

            import config

            key = jax.random.PRNGKey(config.SEED)


            def noise(shape):
                return jax.random.normal(key, shape)


            if __name__ == "__main__":
                noise((2,))

            """,
            """
            import jax

            import config


            def noise(shape, *, key):
                return jax.random.normal(key, shape)


            if __name__ == "__main__":
                key = jax.random.PRNGKey(config.SEED)
                noise((2,), key=key)

            """, applicability: .unsafe)
    }

    // MARK: Entry points

    @Test func pytestFixtureIsAnEntryPoint() throws {
        try expectFix(
            """
            import jax
            import pytest

            key = jax.random.PRNGKey(0)


            def make_params(n):
                return jax.random.normal(key, (n,))


            @pytest.fixture
            def params():
                return make_params(4)


            def test_params(params):
                assert params.shape == (4,)

            """,
            """
            import jax
            import pytest


            def make_params(n, *, key):
                return jax.random.normal(key, (n,))


            @pytest.fixture
            def params():
                key = jax.random.PRNGKey(0)
                return make_params(4, key=key)


            def test_params(params):
                assert params.shape == (4,)

            """)
    }

    @Test func unittestSetUpIsAnEntryPoint() throws {
        try expectFix(
            """
            import unittest

            import jax

            key = jax.random.PRNGKey(0)


            def make_params(n):
                return jax.random.normal(key, (n,))


            class ParamsTest(unittest.TestCase):
                def setUp(self):
                    self.params = make_params(4)

                def test_shape(self):
                    self.assertEqual(self.params.shape, (4,))

            """,
            """
            import unittest

            import jax


            def make_params(n, *, key):
                return jax.random.normal(key, (n,))


            class ParamsTest(unittest.TestCase):
                def setUp(self):
                    key = jax.random.PRNGKey(0)
                    self.params = make_params(4, key=key)

                def test_shape(self):
                    self.assertEqual(self.params.shape, (4,))

            """)
    }

    @Test func mainIsAnEntryPointAndCreatesTheKey() throws {
        try expectFix(
            """
            import jax

            key = jax.random.PRNGKey(0)


            def train(steps):
                return jax.random.normal(key, (steps,))


            def main():
                print(train(10))


            if __name__ == "__main__":
                main()

            """,
            """
            import jax


            def train(steps, *, key):
                return jax.random.normal(key, (steps,))


            def main():
                key = jax.random.PRNGKey(0)
                print(train(10, key=key))


            if __name__ == "__main__":
                main()

            """)
    }

    /// A launcher calls tests without a key, so a test that reads the key creates it itself.
    @Test func entryPointReadingTheKeyDirectlyCreatesItInPlace() throws {
        try expectFix(
            """
            import jax

            key = jax.random.PRNGKey(0)


            def test_direct():
                x = jax.random.normal(key, (2,))
                assert x.shape == (2,)

            """,
            """
            import jax


            def test_direct():
                key = jax.random.PRNGKey(0)
                x = jax.random.normal(key, (2,))
                assert x.shape == (2,)

            """)
    }

    // MARK: What is not a finding

    @Test func keyMadeInsideTheMainGuardIsNoFinding() throws {
        let guarded = """
            import jax


            def noise(key, shape):
                return jax.random.normal(key, shape)


            if __name__ == "__main__":
                key = jax.random.PRNGKey(0)
                print(noise(key, (2,)))

            """
        #expect(try Snippet(guarded).findings().map(Reported.init) == [])
        // Control: the same statement one level out is a finding, in a module (a file whose top
        // level printed, as this one's `__main__` block does, would be a script: its run's key).
        let unguarded = """
            import jax


            def noise(key, shape):
                return jax.random.normal(key, shape)


            key = jax.random.PRNGKey(0)
            sample = noise(key, (2,))

            """
        #expect(try Snippet(unguarded).findings().count == 1)
    }

    @Test func pythonAndNumpyRandomnessIsNoFinding() throws {
        let other = """
            import random

            import jax
            import numpy as np

            random.seed(0)
            rng = np.random.default_rng(0)
            state = np.random.RandomState(0)
            gen = random.Random(0)


            def noise(shape):
                return jax.numpy.asarray(rng.normal(size=shape))

            """
        #expect(try Snippet(other).findings().map(Reported.init) == [])
        // Control: a JAX key among them is found, and only it.
        let withKey = other + "\nkey = jax.random.PRNGKey(0)\n"
        #expect(try Snippet(withKey).findings().map(\.start.line) == [15])
    }

    @Test func stdlibRandomIsNotJaxRandom() throws {
        let source = """
            import random

            import jax

            key = random.PRNGKey(0)

            """
        #expect(try Snippet(source).findings().map(Reported.init) == [])
        let jaxRandom = source.replacingOccurrences(of: "import random\n", with: "from jax import random\n")
        #expect(try Snippet(jaxRandom).findings().count == 1)
    }

    // MARK: Resolution

    @Test func parameterNamedRandomShadowsTheJaxImport() throws {
        let source = """
            from jax import random


            def make(random):
                return random.PRNGKey(0)


            key = random.PRNGKey(0)


            def noise(shape):
                return random.normal(key, shape)


            def test_noise(random=None):
                assert noise((2,)).shape == (2,)

            """
        // `random` in the test is its parameter: `random.PRNGKey(0)` would mean something else there.
        try expectManual(source, because: "`random` means something else where the key would be created")
        #expect(try Snippet(source).findings().map(\.start.line) == [8])
    }

    /// The split goes in `build`, where `random` is a parameter: it is spelled through a new
    /// `import jax`, not through the shadowed `random`.
    @Test func splitIsNotSpelledThroughAShadowedName() throws {
        try expectFix(
            """
            from jax import random

            key = random.PRNGKey(0)


            def weights(n):
                return random.normal(key, (n,))


            def bias(n):
                return random.uniform(key, (n,))


            def build(n, random=None):
                return weights(n), bias(n), random


            if __name__ == "__main__":
                build(3)

            """,
            """
            from jax import random
            import jax


            def weights(n, *, key):
                return random.normal(key, (n,))


            def bias(n, *, key):
                return random.uniform(key, (n,))


            def build(n, random=None, *, key):
                key_weights, key_bias = jax.random.split(key)
                return weights(n, key=key_weights), bias(n, key=key_bias), random


            if __name__ == "__main__":
                key = random.PRNGKey(0)
                build(3, key=key)

            """, applicability: .unsafe)
    }

    /// With no `jax` or `jax.random` import to spell `split` through, one `import jax` is asked
    /// for, after the docstring, `__future__` and the other imports.
    @Test func splitWithoutAJaxImportAddsOne() throws {
        try expectFix(
            """
            \"\"\"Module docstring.\"\"\"
            from __future__ import annotations

            from jax.random import PRNGKey, normal

            key = PRNGKey(0)


            def a(n):
                return normal(key, (n,))


            def b(n):
                return normal(key, (n,))


            def test_ab():
                \"\"\"Both halves.\"\"\"
                assert a(2).shape == b(2).shape

            """,
            """
            \"\"\"Module docstring.\"\"\"
            from __future__ import annotations

            from jax.random import PRNGKey, normal
            import jax


            def a(n, *, key):
                return normal(key, (n,))


            def b(n, *, key):
                return normal(key, (n,))


            def test_ab():
                \"\"\"Both halves.\"\"\"
                key = PRNGKey(0)
                key_a, key_b = jax.random.split(key)
                assert a(2, key=key_a).shape == b(2, key=key_b).shape

            """, applicability: .unsafe)
    }

    // MARK: Layout

    @Test func statementSharingItsLineIsMigratedByHand() throws {
        try expectManual(
            """
            import jax

            key = jax.random.PRNGKey(0); other = 1


            def noise(shape):
                return jax.random.normal(key, shape)


            if __name__ == "__main__":
                noise((2,))

            """, because: "the statement creating `key` shares its line or is nested")
    }

    @Test func trailingMultiByteCommentGoesWithTheStatement() throws {
        try expectFix(
            """
            import jax

            key = jax.random.PRNGKey(0)  # 🔑 シード


            def noise(shape):  # 雑音
                return jax.random.normal(key, shape)  # 🎲


            if __name__ == "__main__":
                print(noise((2,)))  # 出力

            """,
            """
            import jax


            def noise(shape, *, key):  # 雑音
                return jax.random.normal(key, shape)  # 🎲


            if __name__ == "__main__":
                key = jax.random.PRNGKey(0)
                print(noise((2,), key=key))  # 出力

            """)
    }

    @Test func missingFinalNewlineStaysMissing() throws {
        try expectFix(
            """
            import jax

            key = jax.random.PRNGKey(0)


            def noise(shape):
                return jax.random.normal(key, shape)


            if __name__ == "__main__":
                noise((2,))
            """,
            """
            import jax


            def noise(shape, *, key):
                return jax.random.normal(key, shape)


            if __name__ == "__main__":
                key = jax.random.PRNGKey(0)
                noise((2,), key=key)
            """)
    }

    @Test func keyNobodyReadsIsDeleted() throws {
        let snippet = Snippet("import jax\n\nkey = jax.random.PRNGKey(0)\n")
        let findings = try snippet.findings()
        #expect(findings.map(\.message) == ["`key` is a PRNG key created at import time"])
        #expect(findings.map { $0.fix?.applicability } == [.safe])
        let fixed = try snippet.fix()
        // The fix left `import jax` unused: it goes too.
        #expect(!fixed.text.contains("PRNGKey") && !fixed.text.contains("import jax"))
        try expectFixedPoint(fixed.snippet)
    }

    @Test func crlfFileIsFixedWithCRLF() throws {
        let before = Mutation.crlf(Self.noiseModule)
        let findings = try Snippet(bytes: before).findings()
        #expect(findings.map { $0.fix?.applicability } == [.safe])
        let fixed = try Snippet(bytes: before).fix()
        #expect(
            !fixed.bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast()
                .contains { $0.last != UInt8(ascii: "\r") }, "a line lost its CR:\n\(fixed.text.debugDescription)")
        #expect(fixed.report.changes.count == 1)
        try expectFixedPoint(fixed.snippet)
    }
}
