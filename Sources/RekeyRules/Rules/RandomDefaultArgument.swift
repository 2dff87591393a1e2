import RekeyAnalysis
import RekeySyntax

/// RK007 — randomness in a default argument: a default that creates a key, samples, or is a
/// module-level key (`def f(key=jax.random.PRNGKey(0))`, `def f(w=jax.random.normal(…))`,
/// `lambda key=KEY: …`).
///
/// Python evaluates a default once, when the `def` or `lambda` runs, so every call that omits
/// the argument shares that one value.
struct RandomDefaultArgument: Rule {
    static let description = RuleDescription(
        code: "RK007",
        name: "random-default-argument",
        summary: "randomness in a default argument",
        whatItDoes: """
            Finds parameters of functions, methods and lambdas whose default value creates a key \
            (`key=jax.random.PRNGKey(0)`), samples (`w=jax.random.normal(…)`), builds a layer \
            from a key, calls a function of the file that does, or is a module-level key. A key \
            default the function never reads is not reported: nothing draws from it.
            """,
        whyBad: """
            A default is evaluated once, when the function is defined (usually at import). Every \
            call that omits the argument gets the same key — and consumes it again, which JAX's \
            reuse checker reports as `KeyReuseError` — or the same "random" weights. The \
            signature also claims the argument is optional when the caller should choose it.
            """,
        fixSafety: """
            A default that is a key-making call (`key=jax.random.PRNGKey(0)`) becomes a required \
            keyword-only parameter (`*, key`); calls that relied on the default pass a key, \
            threaded up to the entry points, which create it from the default's seed. When \
            callers pass the key by position and no default precedes it, it stays in place and \
            only loses its default. A test, fixture or other function a launcher runs never gains \
            a parameter (pytest would look for a fixture of that name): the key is made inside it \
            from the same seed, unless the test is parametrized over it. Safe when each entry \
            point makes one such call (it sees the same key as before), unsafe when a split is \
            needed or the function is public (callers outside the tree would break). A call \
            passing arguments through `*args`/`**kwargs`, or one that would no longer bind, stops \
            the fix. A default that samples (`w=jax.random.normal(…)`) is left for hand \
            migration: draw it inside the function from a key parameter.
            """,
        examples: [
            RuleExample(
                bad: """
                    import jax


                    def init_weights(shape, key=jax.random.PRNGKey(0)):
                        return jax.random.normal(key, shape)

                    """,
                good: """
                    import jax


                    def init_weights(shape, *, key):
                        return jax.random.normal(key, shape)

                    """),
            RuleExample(
                bad: """
                    import jax


                    def init_weights(shape, key=jax.random.PRNGKey(0)):
                        return jax.random.normal(key, shape)


                    def test_init_weights():
                        assert init_weights((2, 3)).shape == (2, 3)

                    """,
                good: """
                    import jax


                    def init_weights(shape, *, key):
                        return jax.random.normal(key, shape)


                    def test_init_weights():
                        key = jax.random.PRNGKey(0)
                        assert init_weights((2, 3), key=key).shape == (2, 3)

                    """),
            RuleExample(
                bad: """
                    import jax.random as jr


                    def test_sample_shape(key=jr.PRNGKey(0)):
                        assert jr.normal(key, (3,)).shape == (3,)

                    """,
                good: """
                    import jax.random as jr


                    def test_sample_shape():
                        key = jr.PRNGKey(0)
                        assert jr.normal(key, (3,)).shape == (3,)

                    """),
            RuleExample(
                bad: """
                    import jax.random as jr


                    class Layer:
                        def __init__(self, bias=jr.normal(jr.PRNGKey(1), (4,))):
                            self.bias = bias

                    """,
                good: """
                    import jax.random as jr


                    class Layer:
                        def __init__(self, *, key):
                            self.bias = jr.normal(key, (4,))

                    """,
                fixedByRekey: false),
        ])

    static func message(parameter: String, function: String, what: String) -> String {
        "the default of `\(parameter)` in \(function) \(what) once, when it is defined; every call that omits `\(parameter)` shares it"
    }

    func check(_ file: FileContext) -> [Finding] {
        let model = file.model
        let sources = file.randomSources
        var findings: [Finding] = []
        for scope in model.scopes where scope.isFunctionLike {
            guard let parameters = scope.node.child(.parameters), let outer = scope.parent else { continue }
            let function = scope.kind == .lambda ? "a lambda" : "`\(scope.qualifiedName)`"
            for parameter in parameters.namedChildren
            where parameter.nodeKind == .defaultParameter || parameter.nodeKind == .typedDefaultParameter {
                guard let name = parameter.child(.name)?.text, let value = parameter.child(.value),
                    let (node, what) = randomness(in: value, scope: outer, sources: sources)
                else { continue }
                // A key the function never reads is drawn from by nothing: calls that omit it share nothing.
                if isOnlyAKey(value, scope: outer, sources: sources), model.references(to: name, boundIn: scope).isEmpty {
                    continue
                }
                let plan = RequiredKeyParameter(file: file, parameter: parameter, function: scope).plan()
                findings.append(
                    Finding(
                        code: code, node: node, path: file.path,
                        message: Self.message(parameter: name, function: function, what: what), plan: plan))
            }
        }
        return findings.sorted { $0.range < $1.range }
    }

    /// Plans again with the other files in view, so callers there pass the key too.
    func replan(_ finding: Finding, in file: FileContext, project: ProjectView) -> Finding? {
        for scope in file.model.scopes where scope.kind == .function {
            guard let parameters = scope.node.child(.parameters) else { continue }
            for parameter in parameters.namedChildren where parameter.byteRange.contains(finding.range) {
                let plan = RequiredKeyParameter(file: file, parameter: parameter, function: scope, project: project).plan()
                return Finding(
                    code: code, node: file.model.tree.root.namedDescendant(for: finding.range) ?? parameter,
                    path: file.path, message: finding.message, plan: plan)
            }
        }
        return nil
    }

    /// A default that is a key and nothing else: a module-level key, or a key made there
    /// (`jax.random.PRNGKey(0)`).
    private func isOnlyAKey(_ value: Node, scope: Scope, sources: RandomSources) -> Bool {
        if value.nodeKind == .call { return sources.randomOperation(value, roles: [.constructor]) != nil }
        return sources.moduleKey(value, in: scope) != nil
    }

    /// The first random thing a default value does, and how to say it.
    private func randomness(in value: Node, scope: Scope, sources: RandomSources) -> (Node, String)? {
        let call = RandomSources.eagerCalls(in: value).lazy.compactMap { sources.randomOperation($0) }.first
        let global = RandomSources.eagerIdentifiers(in: value).lazy
            .compactMap { node in sources.moduleKey(node, in: scope).map { (node, $0) } }.first
        if let global, call.map({ global.0.startByte < $0.call.startByte }) ?? true {
            return (global.0, "is the module-level key `\(global.1.name)` (line \(global.1.nameNode.startPosition.line)), read")
        }
        guard let call else { return nil }
        let what = call.through.map { "calls `\(call.callee)`, which runs \($0)," } ?? "calls `\(call.callee)`"
        return (call.call, what)
    }
}
