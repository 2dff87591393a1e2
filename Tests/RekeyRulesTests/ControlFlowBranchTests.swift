import RekeyDriver
import RekeyRules
import Testing

/// `jax.lax.cond` and `jax.lax.switch` run one of the functions they are given, at the call: a
/// key a branch reads from the enclosing function is consumed there (found in navix, where a key
/// passed to one helper was drawn from again inside a `cond` branch).
@Suite("A branch of JAX's control flow consumes the keys it reads")
struct ControlFlowBranchTests {
    func reuses(_ body: String) throws -> [Finding] {
        let source = """
            import jax


            def draw(key, pred, i):
                \(body)

            """
        return try Snippet(source).check().findings.filter { $0.code == "RK004" }
    }

    @Test(arguments: [
        "a = jax.random.normal(key)\n    b = jax.lax.cond(pred, lambda: jax.random.uniform(key), lambda: 0.0)\n    return a + b",
        "a = jax.random.normal(key)\n    return a + jax.lax.cond(pred, lambda: 0.0, lambda: jax.random.uniform(key))",
        "a = jax.random.normal(key)\n    return a + jax.lax.switch(i, [lambda: 0.0, lambda: jax.random.uniform(key)])",
        "b = jax.lax.cond(pred, lambda: jax.random.uniform(key), lambda: 0.0)\n    return b + jax.random.normal(key)",
    ])
    func aKeyABranchReadsIsConsumedByTheCall(_ body: String) throws {
        let found = try reuses(body)
        #expect(found.count == 1)
        #expect(found.first?.message.contains("`jax.lax.") == true)
    }

    /// Only one branch runs: two branches drawing from the same key are one use of it.
    @Test func branchesAreAlternatives() throws {
        #expect(
            try reuses("return jax.lax.cond(pred, lambda: jax.random.uniform(key), lambda: jax.random.normal(key))").isEmpty)
        #expect(try reuses("return jax.lax.switch(i, (lambda: jax.random.uniform(key), lambda: jax.random.normal(key)))").isEmpty)
    }
}
