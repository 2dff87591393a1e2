import RekeyAnalysis
import RekeySyntax

/// RK009 — an Equinox or NNX module whose `__init__` builds random layers or samples, but takes
/// no key (`key`, `rng`, `keys`, … or `rngs`). Where the randomness then comes from — a global
/// key, `PRNGKey(0)` inline, `nnx.Rngs(0)` — it is fixed, and hidden from the caller.
struct ModuleWithoutKey: Rule {
    static let description = RuleDescription(
        code: "RK009",
        name: "module-without-key",
        summary: "Equinox or NNX module initialises randomly but takes no key",
        whatItDoes: """
            Finds `eqx.Module` and `nnx.Module` subclasses whose `__init__` builds layers that draw \
            weights from a key (`eqx.nn.Linear`, `eqx.nn.MLP`, `eqx.nn.Conv2d`, … with `key=`; \
            `nnx.Linear`, `nnx.Conv`, … with `rngs=`), calls a `jax.random` sampler or `split`, \
            or calls a function or module of the file that does, but has no key-like parameter \
            (`key`, `rng`, `keys`, `rng_key`, …) and no `rngs`.
            """,
        whyBad: """
            The module's weights come from a key the caller cannot choose: a global key (two \
            instances consume it twice: `KeyReuseError`), or a seed fixed inside `__init__` (every \
            instance gets the same weights). Equinox modules take `key`, NNX modules take \
            `rngs: nnx.Rngs`, so that the caller splits one seed into independent keys.
            """,
        fixSafety: """
            When `__init__` makes its keys from literal seeds (`jax.random.PRNGKey(0)`, \
            `nnx.Rngs(0)`), it takes a keyword-only parameter instead (`*, key`, or \
            `*, rngs: nnx.Rngs`) and every instantiation passes one, threaded up to the entry \
            points, which create it from the (first) seed. One key becomes the parameter: safe \
            when each entry point builds one instance (it gets the weights it got before), unsafe \
            when a split is needed. Several keys (a seed per layer) become one \
            `jax.random.split` of the parameter, a subkey per layer, as in the seed guide's \
            `MyNet`; several `nnx.Rngs` become the one `rngs`: unsafe, as the layers then draw \
            other numbers. Keys made in a loop or from a computed seed are left for hand \
            migration: add the parameter, split it once per layer, and pass it from every \
            instantiation.
            """,
        examples: [
            RuleExample(
                bad: """
                    import equinox as eqx
                    import jax


                    class MLP(eqx.Module):
                        hidden: eqx.nn.Linear
                        out: eqx.nn.Linear

                        def __init__(self, size):
                            k1, k2 = jax.random.split(jax.random.PRNGKey(0))
                            self.hidden = eqx.nn.Linear(size, size, key=k1)
                            self.out = eqx.nn.Linear(size, 1, key=k2)

                    """,
                good: """
                    import equinox as eqx
                    import jax


                    class MLP(eqx.Module):
                        hidden: eqx.nn.Linear
                        out: eqx.nn.Linear

                        def __init__(self, size, *, key):
                            k1, k2 = jax.random.split(key)
                            self.hidden = eqx.nn.Linear(size, size, key=k1)
                            self.out = eqx.nn.Linear(size, 1, key=k2)

                    """),
            RuleExample(
                bad: """
                    import equinox as eqx
                    import jax


                    class MyNet(eqx.Module):
                        l1: eqx.nn.Linear
                        l2: eqx.nn.Linear

                        def __init__(self, in_dim, hidden, out_dim):
                            self.l1 = eqx.nn.Linear(in_dim, hidden, key=jax.random.PRNGKey(0))
                            self.l2 = eqx.nn.Linear(hidden, out_dim, key=jax.random.PRNGKey(1))

                    """,
                good: """
                    import equinox as eqx
                    import jax


                    class MyNet(eqx.Module):
                        l1: eqx.nn.Linear
                        l2: eqx.nn.Linear

                        def __init__(self, in_dim, hidden, out_dim, *, key):
                            key_l1, key_l2 = jax.random.split(key)
                            self.l1 = eqx.nn.Linear(in_dim, hidden, key=key_l1)
                            self.l2 = eqx.nn.Linear(hidden, out_dim, key=key_l2)

                    """,
                unsafeFixes: true),
            RuleExample(
                bad: """
                    import jax
                    from flax import nnx


                    class Classifier(nnx.Module):
                        def __init__(self, din, dout):
                            self.linear = nnx.Linear(din, dout, rngs=nnx.Rngs(0))

                        def __call__(self, x):
                            return jax.nn.log_softmax(self.linear(x))

                    """,
                good: """
                    import jax
                    from flax import nnx


                    class Classifier(nnx.Module):
                        def __init__(self, din, dout, *, rngs: nnx.Rngs):
                            self.linear = nnx.Linear(din, dout, rngs=rngs)

                        def __call__(self, x):
                            return jax.nn.log_softmax(self.linear(x))

                    """),
        ])

    static func message(owner: String, framework: RandomSources.ModuleFramework, operation: RandomSources.Operation) -> String {
        let does =
            operation.through.map { "calls `\(operation.callee)`, which runs \($0)" }
            ?? "calls `\(operation.callee)` (line \(operation.line))"
        let parameter = framework == .equinox ? "`key`" : "`rngs`"
        return "`\(owner)` is an \(framework.name) module whose `__init__` \(does) but takes no \(parameter)"
    }

    func check(_ file: FileContext) -> [Finding] {
        let model = file.model
        let sources = file.randomSources
        var findings: [Finding] = []
        for classScope in model.scopes where classScope.kind == .classBody {
            guard let framework = sources.moduleFramework(of: classScope),
                let initializer = classScope.initializer,
                !takesKey(initializer, sources: sources),
                let operation = sources.calls(runBy: initializer).lazy
                    .compactMap({ sources.randomOperation($0, roles: [.sampler, .splitter]) }).first,
                let name = classScope.node.child(.name)
            else { continue }
            let plan = KeyParameterForModule(file: file, initializer: initializer, framework: framework).plan()
            findings.append(
                Finding(
                    code: code, node: name, path: file.path,
                    message: Self.message(owner: name.text, framework: framework, operation: operation), plan: plan))
        }
        return findings.sorted { $0.range < $1.range }
    }

    /// Plans again with the other files in view, so instantiations there pass the key too.
    func replan(_ finding: Finding, in file: FileContext, project: ProjectView) -> Finding? {
        guard
            let classScope = file.model.scopes.first(where: { $0.kind == .classBody && $0.node.child(.name)?.byteRange == finding.range }),
            let framework = file.randomSources.moduleFramework(of: classScope),
            let initializer = classScope.initializer,
            let name = classScope.node.child(.name)
        else { return nil }
        let plan = KeyParameterForModule(file: file, initializer: initializer, framework: framework, project: project).plan()
        return Finding(code: code, node: name, path: file.path, message: finding.message, plan: plan)
    }

    /// A parameter that is a key or an `nnx.Rngs` by its name or its annotation, or a `**kwargs`
    /// that may carry one (forwarded whole, or read with a key's name): rekey cannot tell, so it
    /// says nothing.
    private func takesKey(_ initializer: Scope, sources: RandomSources) -> Bool {
        guard let parameters = initializer.node.child(.parameters) else { return false }
        for parameter in parameters.namedChildren {
            if parameter.nodeKind == .dictionarySplatPattern,
                let kwargs = parameter.namedChildren.first(where: { $0.nodeKind == .identifier })?.text,
                mayCarryKey(kwargs, in: initializer, sources: sources)
            {
                return true
            }
            guard parameter.nodeKind != .dictionarySplatPattern, let name = parameter.parameterName else { continue }
            let lower = name.text.lowercased()
            if KeyNames.isKeyLike(name.text) || lower == "rngs" || lower.hasSuffix("_rngs") { return true }
            if let type = parameter.child(.type),
                let annotated = sources.model.qualifiedName(
                    of: type.namedChildren.first ?? type, in: initializer.parent ?? sources.model.moduleScope),
                annotated == "flax.nnx.Rngs" || annotated.hasSuffix("PRNGKey") || annotated.hasSuffix("KeyArray")
            {
                return true
            }
        }
        return false
    }

    /// `**kwargs` forwarded to a call, or read as `kwargs["key"]`, `kwargs.get("rngs")`, ….
    private func mayCarryKey(_ kwargs: String, in initializer: Scope, sources: RandomSources) -> Bool {
        for call in sources.calls(runBy: initializer) {
            guard let arguments = call.child(.arguments) else { continue }
            if arguments.namedChildren.contains(where: { $0.nodeKind == .dictionarySplat && $0.namedChildren.first?.text == kwargs }) {
                return true
            }
            if let callee = call.child(.function), callee.nodeKind == .attribute, callee.child(.object)?.text == kwargs,
                let first = arguments.namedChildren.first, first.nodeKind == .string, Self.namesKey(first)
            {
                return true
            }
        }
        var found = false
        func visit(_ node: Node) {
            if found { return }
            if node.nodeKind == .subscriptExpression, node.child(.value)?.text == kwargs,
                node.children(.subscriptIndex).contains(where: { $0.nodeKind == .string && Self.namesKey($0) })
            {
                found = true
                return
            }
            node.forEachNamedChild(visit)
        }
        if let body = initializer.node.child(.body) { visit(body) }
        return found
    }

    private static func namesKey(_ literal: Node) -> Bool {
        let name = String(literal.text.filter { $0 != "\"" && $0 != "'" })
        return KeyNames.isKeyLike(name) || name == "rngs"
    }
}
