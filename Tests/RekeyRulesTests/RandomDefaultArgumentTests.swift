import RekeyDriver
import RekeyRules
import Testing

/// RK007 and a key default the function never reads (found in gpjax's ocean-modelling example,
/// `def optimise_mll(posterior, dataset, NIters=1000, key=key)`, whose body ignores `key`).
@Suite struct RandomDefaultArgumentTests {
    func defaults(_ functions: String) throws -> [String] {
        let source = """
            import jax

            KEY = jax.random.PRNGKey(0)


            \(functions)

            """
        return try Snippet(source).check().findings.filter { $0.code == "RK007" }.map(\.message)
    }

    @Test(arguments: [
        "def fit(data, steps=10, key=KEY):\n    return data * steps",
        "def fit(data, key=jax.random.PRNGKey(1)):\n    return data",
    ])
    func aKeyNothingReadsIsNoSharedKey(_ function: String) throws {
        #expect(try defaults(function).isEmpty)
    }

    @Test(arguments: [
        "def draw(shape, key=KEY):\n    return jax.random.normal(key, shape)",
        "def draw(shape, key=jax.random.PRNGKey(1)):\n    return jax.random.normal(key, shape)",
        "def draw(shape, key=KEY):\n    def inner():\n        return jax.random.normal(key, shape)\n\n    return inner()",
        // A default that samples draws when it is defined, read or not.
        "def scale(x, w=jax.random.normal(jax.random.PRNGKey(2), (3,))):\n    return x",
    ])
    func aKeyReadOrADrawIsReported(_ function: String) throws {
        #expect(try defaults(function).count == 1)
    }
}
