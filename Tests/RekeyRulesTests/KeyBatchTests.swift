import RekeyRules
import Testing

/// Issue 8, item 5: a batch of keys (`split(key, n)` kept whole, what `vmap`/`pmap` map over) is
/// not a single key. Reusing one is reported, but never fixed with `split(batch)`, which JAX
/// refuses ("split accepts a single key"); and a step that `fold_in`s a counter into its key,
/// called through `jax.pmap`/`jax.vmap`/`jax.jit`, renews the key on every call.
@Suite("Batches of keys")
struct KeyBatchTests {
    func reuseFindings(_ source: String) throws -> [Reported] {
        try Snippet(source).check().findings.filter { KeyInspectionTests.reuseCodes.contains($0.code) }.map(Reported.init)
    }

    static let batchReason = "is a batch of keys"

    @Test(arguments: [
        ("keys = jax.random.split(key, n)", "a = jax.vmap(sample)(keys)\n    b = jax.vmap(sample)(keys)", "RK004"),
        ("keys = jax.random.split(key)", "a = jax.vmap(sample)(keys)\n    b = jax.random.normal(keys)", "RK004"),
        ("keys = key", "a = jax.vmap(sample)(keys)\n    b = jax.vmap(sample)(keys)", "RK004"),
        ("keys = jax.random.split(key, 4)", "for _ in range(n):\n        a = jax.pmap(sample)(keys)", "RK005"),
    ])
    func reusedBatchIsReportedButNeverSplit(made: String, uses: String, code: String) throws {
        let source = """
            import jax


            def sample(k):
                return jax.random.normal(k, (2,))


            def ensembles(key, n):
                \(made)
                \(uses)
                return a

            """
        let findings = try reuseFindings(source)
        #expect(findings.map(\.code) == [RuleCode(stringLiteral: code)])
        #expect(findings.allSatisfy { $0.remedy.contains(Self.batchReason) }, "\(findings)")
        #expect(try Snippet(source).fix(unsafeFixes: true).text == source)
    }

    /// The two keys of an unpacked split are single keys: their reuse gets its split.
    @Test func unpackedSplitGivesSingleKeys() throws {
        let findings = try reuseFindings(
            """
            import jax


            def pair(key):
                k1, k2 = jax.random.split(key)
                return jax.random.normal(k1), jax.random.uniform(k1), k2

            """)
        #expect(findings.map(\.remedy) == ["fix (unsafe)"])
    }

    @Test(arguments: ["p_step = jax.pmap(step)", "p_step = jax.vmap(step, in_axes=(None, 0))", "p_step = jax.jit(step)"])
    func transformedStepFoldingInACounterRenewsItsKey(transform: String) throws {
        #expect(
            try reuseFindings(
                """
                import jax


                def step(state, key):
                    key = jax.random.fold_in(key, state)
                    return state + jax.random.normal(key).sum()


                def train(key, n):
                    keys = jax.random.split(key, 4)
                    \(transform)
                    state = 0
                    for _ in range(n):
                        state = p_step(state, keys)
                    return state

                """) == [])
    }

    @Test func decoratedPmapStepFoldingInACounterRenewsItsKey() throws {
        #expect(
            try reuseFindings(
                """
                import functools

                import jax


                @functools.partial(jax.pmap, axis_name="devices")
                def step(state, key):
                    key = jax.random.fold_in(key, state)
                    return state + jax.random.normal(key)


                def train(key, n):
                    keys = jax.random.split(key, jax.local_device_count())
                    state = 0
                    for _ in range(n):
                        state = step(state, keys)
                    return state

                """) == [])
    }

    /// Through a transform, a step that draws from its key still consumes it.
    @Test func transformedStepDrawingFromItsKeyConsumesIt() throws {
        let findings = try reuseFindings(
            """
            import jax


            def step(state, key):
                return state + jax.random.normal(key)


            def train(key, n):
                state = 0
                for _ in range(n):
                    state = jax.jit(step)(state, key)
                return state

            """)
        #expect(findings.map(\.code) == ["RK005"])
        #expect(findings.first?.message.contains("by `jax.jit(step)`") == true)
    }
}
