import RekeyRules
import Testing

/// Issue 8, item 3: a loop over a one-element literal (or `range(1)`, `split(key, 1)`) runs its
/// body exactly once, so a key from outside consumed in it is consumed once: no RK005.
@Suite("Loops that run exactly once")
struct LoopOnceTests {
    func codes(_ source: String) throws -> [RuleCode] {
        try Snippet(source).check().findings.filter { KeyInspectionTests.reuseCodes.contains($0.code) }.map(\.code)
    }

    @Test(arguments: ["[2.0]", "(2.0,)", "range(1)"])
    func oneElementLoopConsumesItsKeyOnce(_ iterable: String) throws {
        #expect(
            try codes(
                """
                import jax


                def noisy(key, x):
                    for scale in \(iterable):
                        x = x + scale * jax.random.normal(key, x.shape)
                    return x

                """) == [])
    }

    @Test func oneElementComprehensionConsumesItsKeyOnce() throws {
        #expect(
            try codes(
                """
                import jax


                def draws(key):
                    return [jax.random.uniform(key) for _ in [0]]

                """) == [])
    }

    /// Two elements, or a count known only at run time, are a loop.
    @Test(arguments: ["[1.0, 2.0]", "range(n)", "[*scales]"])
    func longerLoopsStillReuse(_ iterable: String) throws {
        #expect(
            try codes(
                """
                import jax


                def noisy(key, x, n, scales):
                    for scale in \(iterable):
                        x = x + scale * jax.random.normal(key, x.shape)
                    return x

                """) == ["RK005"])
    }

    /// Inside a body that runs once, two draws from one key are a plain reuse, split in place.
    @Test func twoDrawsInABodyThatRunsOnceAreSplitThere() throws {
        let fixed = try Snippet(
            """
            import jax


            def pair(key):
                for _ in [None]:
                    a = jax.random.normal(key)
                    b = jax.random.normal(key)
                return a, b

            """
        ).fix(unsafeFixes: true)
        #expect(
            fixed.text == """
                import jax


                def pair(key):
                    for _ in [None]:
                        key_a, key_b = jax.random.split(key)
                        a = jax.random.normal(key_a)
                        b = jax.random.normal(key_b)
                    return a, b

                """)
    }
}
