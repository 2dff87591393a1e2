import RekeyAnalysis
import RekeySyntax

/// RK008 — randomness in a dataclass field default: in a `@dataclass`, a Flax linen or
/// `flax.struct` dataclass, or an `eqx.Module`, an annotated class-body assignment whose default
/// creates a key or samples, directly, through `eqx.field(default=…)`/`dataclasses.field(…)`,
/// or in a `default_factory` (`default_factory=lambda: random.PRNGKey(0)`).
///
/// Unannotated class attributes are not fields: sampling there is RK002's.
struct RandomFieldDefault: Rule {
    static let description = RuleDescription(
        code: "RK008",
        name: "random-field-default",
        summary: "randomness in a dataclass or module field default",
        whatItDoes: """
            Finds fields of dataclasses, `flax.struct` dataclasses, Flax linen modules and \
            Equinox modules whose default creates a key or samples: `_rng_key: KeyArray = \
            PRNGKey(0)`, `w: jax.Array = eqx.field(default=jax.random.normal(…))`, or a \
            `default_factory` that does (`dataclasses.field(default_factory=lambda: \
            random.PRNGKey(0))`). A module-level key as a default counts too.
            """,
        whyBad: """
            A default is evaluated once, when the class is defined (at import), and shared by \
            every instance; a `default_factory` runs per instance but from the same seed, so every \
            instance gets the same key. Either way instances draw identical numbers, and a shared \
            key consumed by two instances raises `KeyReuseError`.
            """,
        fixSafety: """
            A default that is exactly a key (`PRNGKey(seed)`, `field(default=PRNGKey(seed))`, or \
            a `default_factory` lambda returning one) is removed, and every instantiation passes \
            the key, threaded up to the entry points, which create it from the default's seed: \
            safe when each entry point builds one instance (it gets the key it got before), \
            unsafe when a split is needed. Without its own `__init__` the class keeps the \
            generated one: the field stays in place, keyword-only (`field(kw_only=True)`) when a \
            field with a default comes before it, so no positional argument changes meaning \
            (left for hand migration when the project's `requires-python` admits Python older \
            than 3.10, which has no `kw_only`). \
            With its own `__init__` (where Equinox ignores field defaults) that `__init__` takes \
            the key as a keyword-only parameter and stores it. Sampled defaults, module-level \
            keys as defaults, and instances built where one key cannot serve (a loop, import \
            time) are left for hand migration: make the key a field without a default that the \
            caller passes.
            """,
        examples: [
            RuleExample(
                bad: """
                    import dataclasses
                    import jax


                    @dataclasses.dataclass
                    class SamplerState:
                        step: int = 0
                        _rng_key: jax.Array = dataclasses.field(default_factory=lambda: jax.random.PRNGKey(0))


                    def test_sampler():
                        state = SamplerState(step=1)
                        assert state.step == 1

                    """,
                good: """
                    import dataclasses
                    import jax


                    @dataclasses.dataclass
                    class SamplerState:
                        step: int = 0
                        _rng_key: jax.Array = dataclasses.field(kw_only=True)


                    def test_sampler():
                        key = jax.random.PRNGKey(0)
                        state = SamplerState(step=1, _rng_key=key)
                        assert state.step == 1

                    """),
            RuleExample(
                bad: """
                    import equinox as eqx
                    import jax
                    import jax.random as jr


                    class Noise(eqx.Module):
                        scale: float
                        key: jax.Array = jr.PRNGKey(0)

                        def __init__(self, scale):
                            self.scale = scale

                    """,
                good: """
                    import equinox as eqx
                    import jax


                    class Noise(eqx.Module):
                        scale: float
                        key: jax.Array

                        def __init__(self, scale, *, key):
                            self.key = key
                            self.scale = scale

                    """),
        ])

    static func message(field: String, owner: String, what: String) -> String {
        "field `\(field)` of `\(owner)` \(what)"
    }

    func check(_ file: FileContext) -> [Finding] {
        let model = file.model
        let sources = file.randomSources
        var findings: [Finding] = []
        for classScope in model.scopes where classScope.kind == .classBody && sources.isDataclassLike(classScope) {
            guard let owner = classScope.name else { continue }
            for field in RandomSources.annotatedAssignments(in: classScope) {
                guard let what = randomness(of: field.value, in: classScope, sources: sources) else { continue }
                let plan = RequiredKeyField(file: file, classScope: classScope, field: field).plan()
                findings.append(
                    Finding(
                        code: code, node: field.name, path: file.path,
                        message: Self.message(field: field.name.text, owner: owner, what: what), plan: plan))
            }
        }
        return findings.sorted { $0.range < $1.range }
    }

    /// Plans again with the other files in view, so instantiations there pass the key too.
    func replan(_ finding: Finding, in file: FileContext, project: ProjectView) -> Finding? {
        for classScope in file.model.scopes where classScope.kind == .classBody {
            guard let field = RandomSources.annotatedAssignments(in: classScope).first(where: { $0.name.byteRange == finding.range })
            else { continue }
            let plan = RequiredKeyField(file: file, classScope: classScope, field: field, project: project).plan()
            return Finding(code: code, node: field.name, path: file.path, message: finding.message, plan: plan)
        }
        return nil
    }

    private func randomness(of value: Node, in classScope: Scope, sources: RandomSources) -> String? {
        for node in RandomSources.eagerIdentifiers(in: value) {
            if let global = sources.moduleKey(node, in: classScope) {
                return
                    "defaults to the module-level key `\(global.name)` (line \(global.nameNode.startPosition.line)): every instance shares it"
            }
        }
        if let call = RandomSources.eagerCalls(in: value).lazy.compactMap({ sources.randomOperation($0) }).first {
            let runs = call.through.map { "`\(call.callee)`, which runs \($0)" } ?? "`\(call.callee)`"
            return "defaults to a value made by \(runs) once, when the class is defined: every instance shares it"
        }
        // `field(default_factory=…)`: runs per instance, but from the same seed every time.
        for call in RandomSources.eagerCalls(in: value) {
            guard let factory = sources.keywordArgument(of: call, where: { $0 == "default_factory" }) else { continue }
            if let operation = factoryRandomness(factory, in: classScope, sources: sources) {
                let runs = operation.through.map { "`\(operation.callee)`, which runs \($0)" } ?? "`\(operation.callee)`"
                return "has a `default_factory` that calls \(runs): every instance draws from the same seed"
            }
        }
        return nil
    }

    /// The random operation a `default_factory` runs: a lambda's body, a project function, or
    /// `functools.partial(jax.random.PRNGKey, 0)`.
    private func factoryRandomness(_ factory: Node, in classScope: Scope, sources: RandomSources) -> RandomSources.Operation? {
        switch factory.nodeKind {
        case .lambda:
            guard let lambda = sources.model.scope(of: factory) else { return nil }
            return sources.effect(of: lambda)
        case .identifier:
            let bindings = sources.model.bindings(of: factory.text, from: classScope)
            guard bindings.count == 1, bindings[0].kind == .functionDefinition,
                let function = sources.model.scope(of: bindings[0].site)
            else { return nil }
            return sources.effect(of: function)
        case .call:
            guard let callee = factory.child(.function), let scope = sources.model.scope(ofCall: factory),
                sources.model.qualifiedName(of: callee, in: scope) == "functools.partial",
                let arguments = factory.child(.arguments), let first = arguments.namedChildren.first,
                let name = sources.model.qualifiedName(of: first, in: scope),
                let role = JaxRandomAPI.role(of: name), RandomSources.randomRoles.contains(role)
            else { return nil }
            return RandomSources.Operation(call: factory, callee: name, through: nil)
        default:
            return nil
        }
    }
}
