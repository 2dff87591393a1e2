import RekeyEdits
import RekeyRules
import Testing

/// The pass-2 fixes beyond the rule examples: where a key field (RK008) or a self-seeding module
/// (RK009) is rewritten, and where it must be left for hand migration instead.
@Suite("Key parameters where randomness was hidden (RK008, RK009)")
struct HiddenKeyPassTests {
    /// The one finding of `code` in `source`, and its remedy: a fix's applicability or the reason.
    func remedy(_ code: RuleCode, in source: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Finding.Remedy? {
        let findings = try Snippet(source).findings(code)
        try #require(findings.count == 1, "\(findings.map(Reported.init))", sourceLocation: sourceLocation)
        return findings[0].remedy
    }

    func expectManual(
        _ code: RuleCode, _ source: String, because phrase: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        guard case .manual(let reason) = try remedy(code, in: source, sourceLocation: sourceLocation) else {
            Issue.record("expected a hand migration", sourceLocation: sourceLocation)
            return
        }
        #expect(reason.contains(phrase), "reason: \(reason)", sourceLocation: sourceLocation)
    }

    static let sampler = """
        import dataclasses
        import jax


        @dataclasses.dataclass
        class Sampler:
            temperature: float = 1.0
            key: jax.Array = dataclasses.field(default_factory=lambda: jax.random.PRNGKey(0))


        def test_sampler():
            sampler = Sampler(CALL)
            assert sampler.temperature > 0

        """

    @Test func keywordOnlyFieldRefusesACallPassingItByPosition() throws {
        try expectManual(
            "RK008", Self.sampler.replacingOccurrences(of: "CALL", with: "0.5, jax.random.PRNGKey(1)"),
            because: "passes `key` by position")
    }

    @Test func keywordOnlyFieldRefusesSplattedArguments() throws {
        try expectManual(
            "RK008", Self.sampler.replacingOccurrences(of: "CALL", with: "**{}"),
            because: "through `*`/`**`")
    }

    @Test func callerPassingTheFieldByNameIsLeftAlone() throws {
        let source = Self.sampler.replacingOccurrences(of: "CALL", with: "key=jax.random.PRNGKey(1)")
        let fixed = try Snippet(source).fix()
        #expect(
            fixed.text
                == source.replacingOccurrences(
                    of: "dataclasses.field(default_factory=lambda: jax.random.PRNGKey(0))", with: "dataclasses.field(kw_only=True)"))
    }

    @Test func leadingFieldStaysPositionalAndPositionalCallersAlreadyPassIt() throws {
        let source = """
            import dataclasses
            import jax


            @dataclasses.dataclass
            class Sampler:
                key: jax.Array = jax.random.PRNGKey(0)
                temperature: float = 1.0


            def test_samplers():
                given = Sampler(jax.random.PRNGKey(1), 0.5)
                default = Sampler(temperature=2.0)
                assert given.temperature < default.temperature

            """
        let fixed = try Snippet(source).fix()
        #expect(
            fixed.text == """
                import dataclasses
                import jax


                @dataclasses.dataclass
                class Sampler:
                    key: jax.Array
                    temperature: float = 1.0


                def test_samplers():
                    given = Sampler(jax.random.PRNGKey(1), 0.5)
                    key = jax.random.PRNGKey(0)
                    default = Sampler(temperature=2.0, key=key)
                    assert given.temperature < default.temperature

                """)
    }

    @Test func ownInitThatSetsTheFieldIsLeftForHandMigration() throws {
        try expectManual(
            "RK008",
            """
            import equinox as eqx
            import jax


            class Noise(eqx.Module):
                key: jax.Array = jax.random.PRNGKey(0)

                def __init__(self, key=None):
                    self.key = key

            """, because: "`__init__` sets it too")
    }

    @Test func sampledFieldDefaultIsLeftForHandMigration() throws {
        try expectManual(
            "RK008",
            """
            import equinox as eqx
            import jax


            class Layer(eqx.Module):
                w: jax.Array = eqx.field(default_factory=lambda: jax.random.normal(jax.random.PRNGKey(0), (3,)))

            """, because: "make the key a field without a default")
    }

    @Test func keyMadeInALoopOfInitIsLeftForHandMigration() throws {
        try expectManual(
            "RK009",
            """
            import equinox as eqx
            import jax


            class Stack(eqx.Module):
                layers: list

                def __init__(self, depth):
                    self.layers = []
                    for index in range(depth):
                        self.layers.append(eqx.nn.Linear(3, 3, key=jax.random.PRNGKey(index)))

            """, because: "a computed seed")
    }

    @Test func literalSeedsInALoopAreLeftForHandMigration() throws {
        try expectManual(
            "RK009",
            """
            import equinox as eqx
            import jax


            class Stack(eqx.Module):
                layers: list

                def __init__(self, depth):
                    self.layers = []
                    for _ in range(depth):
                        self.layers.append(eqx.nn.Linear(3, 3, key=jax.random.PRNGKey(0)))

            """, because: "made inside the loop")
    }

    @Test func namedRngsStreamsAreNotMerged() throws {
        try expectManual(
            "RK009",
            """
            from flax import nnx


            class Block(nnx.Module):
                def __init__(self):
                    self.linear = nnx.Linear(3, 3, rngs=nnx.Rngs(params=0))
                    self.drop = nnx.Dropout(0.1, rngs=nnx.Rngs(dropout=1))

            """, because: "add `*, rngs: nnx.Rngs`")
    }
}
