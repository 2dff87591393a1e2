import Testing

@testable import RekeyAnalysis

extension JaxRandomAPI.Role: CustomTestStringConvertible {
    public var testDescription: String { "\(self)" }
}

@Suite struct JaxRandomAPITests {
    static let roles: [(String, JaxRandomAPI.Role)] = [
        ("jax.random.PRNGKey", .constructor),
        ("jax.random.key", .constructor),
        ("jax.random.wrap_key_data", .constructor),
        ("jax.random.split", .splitter),
        ("jax.random.fold_in", .deriver),
        ("jax.random.clone", .deriver),
        ("jax.random.key_data", .observer),
        ("jax.random.key_impl", .observer),
        ("jax.random.normal", .sampler),
        ("jax.random.uniform", .sampler),
        ("jax.random.bernoulli", .sampler),
        ("jax.random.categorical", .sampler),
        ("jax.random.randint", .sampler),
        ("jax.random.permutation", .sampler),
        ("jax.random.choice", .sampler),
        ("jax.random.truncated_normal", .sampler),
        ("jax.random.gumbel", .sampler),
        ("jax.random.multivariate_normal", .sampler),
        ("jax.random.bits", .sampler),
    ]

    @Test(arguments: roles)
    func jaxRandomFunctionsHaveTheirRole(_ name: String, _ role: JaxRandomAPI.Role) {
        #expect(JaxRandomAPI.role(of: name) == role)
    }

    @Test(arguments: [
        "random.normal",  // Python's random
        "numpy.random.normal",  // numpy's
        "jax.numpy.ones",
        "jax.random",  // the module itself
        "jax.randomness.normal",  // a prefix that is not the module
        "myjax.random.normal",
        "jax.random._check_prng_key",  // private
        "jax.random.normal.__call__",  // a member of a member
        "jax.random.KeyArray",  // types, not functions of a key
        "jax.random.PRNGKeyArray",
        "jax.random.default_prng_impl",
        "jax.random.SomeNewType",
        "",
    ])
    func otherNamesHaveNoRole(_ name: String) {
        #expect(JaxRandomAPI.role(of: name) == nil)
    }

    @Test(arguments: [
        ("jax.random.PRNGKey", true),
        ("jax.random.key", true),
        ("jax.random.wrap_key_data", true),
        ("jax.random.split", true),
        ("jax.random.fold_in", true),
        ("jax.random.clone", true),
        ("jax.random.key_data", false),
        ("jax.random.normal", false),
        ("numpy.random.default_rng", false),
    ])
    func onlyConstructorsSplittersAndDeriversProduceKeys(_ name: String, _ produces: Bool) {
        #expect(JaxRandomAPI.producesKey(name) == produces)
    }

    @Test func theModuleIsJaxRandom() {
        #expect(JaxRandomAPI.module == "jax.random")
    }

    /// The table and the model together: the role of what a call actually reaches.
    @Test func rolesFollowResolvedNamesNotSpellings() throws {
        let analysis = try Analysis(
            """
            import random
            import jax.random as jr
            from jax.random import split as divide
            def f(key, normal):
                ↓jr.normal(key)
                ↓divide(key)
                ↓random.normal(0, 1)
                ↓normal(key)
            """)
        let roles = try (0..<4).map { marker in try analysis.calleeName(marker).flatMap(JaxRandomAPI.role(of:)) }
        #expect(roles == [.sampler, .splitter, nil, nil])
    }
}

/// Calls outside `jax.random` that leave a key unconsumed (issue 8, item 1).
@Suite struct NonConsumingCallsTests {
    @Test(arguments: [
        "jax.numpy.shape", "numpy.ndim", "jax.dtypes.issubdtype", "jax.eval_shape", "jax.typeof",
        "chex.assert_shape", "chex.assert_trees_all_close", "pickle.dumps", "numpyro.util.is_prng_key",
    ])
    func inspectionAndTracingReadWithoutConsuming(_ name: String) {
        #expect(JaxRandomAPI.readsWithoutConsuming(name))
    }

    @Test(arguments: ["jax.random.normal", "jax.jit", "jax.vmap", "jax.make_jaxpr", "chex", "jax.numpy.sum", "pickle.loads_key"])
    func otherCallsAreNotKnownToLeaveKeys(_ name: String) {
        #expect(!JaxRandomAPI.readsWithoutConsuming(name))
    }
}
