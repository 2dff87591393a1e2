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
            No automatic fix: make the key a field without a default (or an `__init__(self, *, \
            key)` parameter) that the caller passes, and derive random state from it.
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

                    """,
                good: """
                    import dataclasses
                    import jax


                    @dataclasses.dataclass
                    class SamplerState:
                        _rng_key: jax.Array
                        step: int = 0

                    """,
                fixedByRekey: false),
            RuleExample(
                bad: """
                    import equinox as eqx
                    import jax
                    import jax.random as jr


                    class Noise(eqx.Module):
                        scale: float = 0.1
                        key: jr.PRNGKey = eqx.field(default=jr.PRNGKey(0))

                    """,
                good: """
                    import equinox as eqx
                    import jax
                    import jax.random as jr


                    class Noise(eqx.Module):
                        key: jax.Array
                        scale: float = 0.1

                    """,
                fixedByRekey: false),
        ])

    static func message(field: String, owner: String, what: String) -> String {
        "field `\(field)` of `\(owner)` \(what)"
    }

    static let manualReason = "make the key a field without a default (or a constructor parameter) that the caller passes, and derive random state from it"

    func check(_ file: FileContext) -> [Finding] {
        let model = file.model
        let sources = file.randomSources
        var findings: [Finding] = []
        for classScope in model.scopes where classScope.kind == .classBody && sources.isDataclassLike(classScope) {
            guard let owner = classScope.name else { continue }
            for field in RandomSources.annotatedAssignments(in: classScope) {
                guard let what = randomness(of: field.value, in: classScope, sources: sources) else { continue }
                findings.append(Finding(
                    code: code, node: field.name, path: file.path,
                    message: Self.message(field: field.name.text, owner: owner, what: what),
                    remedy: .manual(reason: Self.manualReason)))
            }
        }
        return findings.sorted { $0.range < $1.range }
    }

    private func randomness(of value: Node, in classScope: Scope, sources: RandomSources) -> String? {
        for node in RandomSources.eagerIdentifiers(in: value) {
            if let global = sources.moduleKey(node, in: classScope) {
                return "defaults to the module-level key `\(global.name)` (line \(global.nameNode.startPosition.line)): every instance shares it"
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
        switch factory.kind {
        case "lambda":
            guard let lambda = sources.model.scope(of: factory) else { return nil }
            return sources.effect(of: lambda)
        case "identifier":
            let bindings = sources.model.bindings(of: factory.text, from: classScope)
            guard bindings.count == 1, bindings[0].kind == .functionDefinition,
                  let function = sources.model.scope(of: bindings[0].site) else { return nil }
            return sources.effect(of: function)
        case "call":
            guard let callee = factory.child(.function), let scope = sources.model.scope(ofCall: factory),
                  sources.model.qualifiedName(of: callee, in: scope) == "functools.partial",
                  let arguments = factory.child(.arguments), let first = arguments.namedChildren.first,
                  let name = sources.model.qualifiedName(of: first, in: scope),
                  let role = JaxRandomAPI.role(of: name), RandomSources.randomRoles.contains(role) else { return nil }
            return RandomSources.Operation(call: factory, callee: name, through: nil)
        default:
            return nil
        }
    }
}
