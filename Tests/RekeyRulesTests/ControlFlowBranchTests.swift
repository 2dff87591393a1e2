import RekeyDriver
import RekeyRules
import Testing

/// `jax.lax.cond` and `jax.lax.switch` run one of the functions they are given, at the call: a
/// key a branch reads from the enclosing function is consumed there (found in navix, where a key
/// passed to one helper was drawn from again inside a `cond` branch).
@Suite("A branch of JAX's control flow consumes the keys it reads")
struct ControlFlowBranchTests {
    func reuses(_ body: String) throws -> [Finding] {
        try reuseFindings(in: "def draw(key, pred, i):\n    \(body)").filter { $0.code == "RK004" }
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

/// `jax.lax.fori_loop`, `while_loop`, `scan` and `map` run the function they are given on every
/// iteration: a key it reads from the enclosing function is drawn from again by each iteration.
@Suite("A loop body of JAX's control flow consumes the keys it reads on every iteration")
struct ControlFlowLoopTests {
    func findings(_ body: String) throws -> [Finding] {
        try reuseFindings(in: "def draw(key, x, n):\n    \(body)")
    }

    @Test(arguments: [
        "return jax.lax.fori_loop(0, n, lambda i, y: y + jax.random.normal(key), x)",
        "def body(i, y):\n        return y + jax.random.normal(key)\n\n    return jax.lax.fori_loop(0, n, body, x)",
        "return jax.lax.fori_loop(0, n, body_fun=lambda i, y: y + jax.random.normal(key), init_val=x)",
        "return jax.lax.while_loop(lambda y: y < n, lambda y: y + jax.random.uniform(key), x)",
        "def step(carry, _):\n        return carry + jax.random.normal(key), None\n\n    return jax.lax.scan(step, x, None, length=n)",
        "return jax.lax.map(lambda y: y + jax.random.normal(key), x)",
    ])
    func aKeyTheBodyReadsIsConsumedOnEveryIteration(_ body: String) throws {
        let found = try findings(body)
        #expect(found.map(\.code) == ["RK005"])
        #expect(found.first?.message.contains("`jax.lax.") == true)
        guard case .manual(let reason) = found.first?.remedy else {
            Issue.record("expected a hand migration, got \(String(describing: found.first?.remedy))")
            return
        }
        #expect(reason.contains("fold_in(key, i)"))
    }

    /// A body that folds in its index, or takes its key from the loop's state, or a loop that
    /// runs at most once, draws fresh numbers each time.
    @Test(arguments: [
        "return jax.lax.fori_loop(0, n, lambda i, y: y + jax.random.normal(jax.random.fold_in(key, i)), x)",
        "def body(i, carry):\n        y, k = carry\n        k, sub = jax.random.split(k)\n        return y + jax.random.normal(sub), k\n\n    return jax.lax.fori_loop(0, n, body, (x, key))",
        "return jax.lax.fori_loop(0, 1, lambda i, y: y + jax.random.normal(key), x)",
        // Found in jaxns: the body takes `key` itself only when the loop runs once.
        "return jax.lax.fori_loop(0, n, lambda i, y: y + jax.random.normal(key if n == 1 else jax.random.fold_in(key, i)), x)",
        "return jax.lax.scan(lambda c, k: (c + jax.random.normal(k), None), x, jax.random.split(key, n))",
    ])
    func freshKeysOnEveryIterationAreNoReuse(_ body: String) throws {
        #expect(try findings(body).isEmpty)
    }

    /// A key drawn from before the loop and again by its body is a reuse at the loop.
    @Test func aKeyDrawnBeforeTheLoopIsReusedByIt() throws {
        let found = try findings(
            "y = jax.random.normal(key)\n    return jax.lax.fori_loop(0, n, lambda i, z: z + jax.random.normal(key), y)")
        #expect(found.map(\.code) == ["RK004"])
    }
}

/// The key-reuse findings (RK004, RK005, RK006) of `function` in a module that imports jax.
private func reuseFindings(in function: String) throws -> [Finding] {
    try Snippet("import jax\n\n\n\(function)\n").check().findings.filter { ["RK004", "RK005", "RK006"].contains($0.code) }
}
