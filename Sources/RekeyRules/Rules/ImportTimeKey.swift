import RekeyAnalysis
import RekeyEdits
import RekeySyntax

/// RK001 — a PRNG key created at import time, at module or class scope.
///
/// The fix is the ``GlobalKeyThreading`` pass: the key moves into the functions and
/// constructors that read it, and the entry points that call them create it from the same seed.
struct ImportTimeKey: Rule {
    static let description = RuleDescription(
        code: "RK001",
        name: "import-time-key",
        summary: "PRNG key created at import time",
        whatItDoes: """
            Finds a JAX PRNG key created at module or class scope (`key = jax.random.PRNGKey(0)`), \
            outside an `if __name__ == "__main__":` block. In a script or an exported notebook (a \
            file nothing in the project imports that runs top to bottom; see RK002) the top level \
            is the run, like a `__main__` block: a key made there is the run's own seed and is not \
            reported; reusing it is (RK004), and so are functions that read it (RK003). Keys made \
            at import without a name of their own are found too: the values of \
            `@pytest.mark.parametrize` and keys inside a literal a statement builds (a module-level \
            table of test cases).
            """,
        whyBad: """
            A key made at import time is shared by everything that reads it: two constructors \
            reading the same global key draw correlated (identical) randomness, and JAX's reuse \
            checker raises `KeyReuseError`. Importing the module also runs JAX, and hides from \
            every signature that the code is random.
            """,
        fixSafety: """
            The key becomes a keyword-only `key` parameter of each function or constructor that \
            read it (`rngs: nnx.Rngs` for Flax NNX modules, which then draw `rngs.params()`), \
            in this file and in the other files of the run that call them; callers pass one, up \
            to an entry point (`__main__`, a test, a fixture, `main`) that creates it from the \
            original seed. A caller that takes a key of its own splits it instead (an \
            `nnx.Rngs` of its own hands out `rngs.params()`). Safe when each entry point feeds \
            exactly one consumer, which then sees the same key value as before. Unsafe when the \
            key had several consumers (a `jax.random.split` gives each its own key, which \
            changes the random numbers drawn) or a caller's own key serves it. When any use cannot be rewritten (the function used as a value, \
            a call in a loop or at import time, a rebinding), nothing changes and the finding \
            says why. A test parametrized over keys is parametrized over their seeds instead and \
            makes the key inside (safe: each run sees the key it saw); keys in other literals are \
            left for hand migration (store the seed, make the key where it is used).
            """,
        examples: [
            RuleExample(
                bad: """
                    import jax
                    import equinox as eqx

                    key = jax.random.PRNGKey(0)

                    class MyLayer(eqx.Module):
                        w: jax.Array

                        def __init__(self):
                            self.w = jax.random.normal(key, (128, 128))

                    if __name__ == "__main__":
                        layer = MyLayer()

                    """,
                good: """
                    import jax
                    import equinox as eqx

                    class MyLayer(eqx.Module):
                        w: jax.Array

                        def __init__(self, *, key):
                            self.w = jax.random.normal(key, (128, 128))

                    if __name__ == "__main__":
                        key = jax.random.PRNGKey(0)
                        layer = MyLayer(key=key)

                    """),
            RuleExample(
                bad: """
                    import jax.random as jr

                    KEY = jr.PRNGKey(7)

                    def noise(shape):
                        return jr.normal(KEY, shape)

                    def test_noise():
                        a = noise((2,))
                        b = noise((2,))
                        assert a.shape == b.shape

                    """,
                good: """
                    import jax.random as jr

                    def noise(shape, *, key):
                        return jr.normal(key, shape)

                    def test_noise():
                        key = jr.PRNGKey(7)
                        key_a, key_b = jr.split(key)
                        a = noise((2,), key=key_a)
                        b = noise((2,), key=key_b)
                        assert a.shape == b.shape

                    """,
                unsafeFixes: true),
            RuleExample(
                bad: """
                    import jax
                    from flax import nnx

                    key = jax.random.PRNGKey(0)

                    class Linear(nnx.Module):
                        def __init__(self, din, dout):
                            self.w = nnx.Param(jax.random.normal(key, (din, dout)))

                    class MLP(nnx.Module):
                        def __init__(self, din, dout):
                            self.l1 = Linear(din, dout)
                            self.l2 = Linear(dout, dout)

                    def test_mlp():
                        model = MLP(2, 3)

                    """,
                good: """
                    import jax
                    from flax import nnx

                    class Linear(nnx.Module):
                        def __init__(self, din, dout, *, rngs: nnx.Rngs):
                            self.w = nnx.Param(jax.random.normal(rngs.params(), (din, dout)))

                    class MLP(nnx.Module):
                        def __init__(self, din, dout, *, rngs: nnx.Rngs):
                            self.l1 = Linear(din, dout, rngs=rngs)
                            self.l2 = Linear(dout, dout, rngs=rngs)

                    def test_mlp():
                        rngs = nnx.Rngs(0)
                        model = MLP(2, 3, rngs=rngs)

                    """,
                unsafeFixes: true),
            RuleExample(
                bad: """
                    import jax
                    import pytest


                    @pytest.mark.parametrize("key", [jax.random.PRNGKey(0), jax.random.PRNGKey(1)])
                    def test_normal_shape(key):
                        assert jax.random.normal(key, (2,)).shape == (2,)

                    """,
                good: """
                    import jax
                    import pytest


                    @pytest.mark.parametrize("seed", [0, 1])
                    def test_normal_shape(seed):
                        key = jax.random.PRNGKey(seed)
                        assert jax.random.normal(key, (2,)).shape == (2,)

                    """),
        ])

    static func importTimeMessage(_ name: String, readers: [String]) -> String {
        let readBy = readers.isEmpty ? "" : "; read by " + readers.joined(separator: ", ")
        return "`\(name)` is a PRNG key created at import time\(readBy)"
    }

    func check(_ file: FileContext) -> [Finding] {
        let model = file.model
        var findings: [Finding] = []
        // Fields of dataclasses, Equinox and Flax modules are RK008's: one finding per problem.
        let classes = model.scopes.filter { $0.kind == .classBody && !file.randomSources.isDataclassLike($0) }
        for scope in [model.moduleScope] + classes {
            for (_, bindings) in scope.bindings {
                for binding in bindings {
                    guard let created = createdKey(binding, in: scope, model: model, isScript: file.isScript) else { continue }
                    let plan: (plan: PassPlan, readers: [String]) =
                        scope === model.moduleScope && created.role == .constructor
                        ? GlobalKeyThreading(file: file, global: binding).plan()
                        : (
                            .manual(
                                reason: created.role == .constructor
                                    ? "keys at class scope are migrated by hand"
                                    : "a key derived by `\(created.callee)` at import time is migrated by hand"), []
                        )
                    findings.append(finding(for: binding, in: file, plan: plan))
                }
            }
        }
        return (findings + unboundKeys(file)).sorted { $0.range < $1.range }
    }

    static func parametrizeMessage(_ test: String) -> String {
        "`\(test)` is parametrized over PRNG keys made at import time"
    }

    static func literalMessage(_ holder: String?) -> String {
        "a PRNG key is made at import time inside " + (holder.map { "`\($0)`" } ?? "a literal")
    }

    static let literalReason = "store the seed here instead, and make the key where it is used"

    /// Keys made at import time without a name of their own: in the arguments of a decorator
    /// (`@pytest.mark.parametrize("key", [PRNGKey(0), PRNGKey(1)])`, fixed by parametrizing over
    /// seeds) or inside a literal a module- or class-level statement builds (a list of test
    /// cases). One finding per decorator or statement, at its first key. Keys handed to a call
    /// that consumes them at import are RK002's.
    private func unboundKeys(_ file: FileContext) -> [Finding] {
        let model = file.model
        let containers: Set<NodeKind> = [
            .list, .tuple, .set, .dictionary, .pair, .parenthesizedExpression, .listComprehension,
            .setComprehension, .dictionaryComprehension, .generatorExpression,
        ]
        var reported = Set<Int>()
        var findings: [Finding] = []
        for (call, scope) in model.calls where file.randomSources.runsAtImport(call, in: scope) {
            guard let random = file.randomSources.jaxRandom(call), random.role == .constructor,
                RandomSources.parameterDefault(containing: call) == nil
            else { continue }
            var node = call
            while let parent = node.parent, containers.contains(parent.nodeKind) { node = parent }
            guard var holder = node.parent else { continue }
            if holder.nodeKind == .keywordArgument, let list = holder.parent { holder = list }
            if holder.nodeKind == .argumentList, let decorated = holder.parent, decorated.nodeKind == .call,
                let decorator = decorated.parent, decorator.nodeKind == .decorator
            {
                guard reported.insert(decorator.startByte).inserted,
                    let definition = decorator.parent?.child(.definition),
                    let function = model.scope(of: definition)
                else { continue }
                let isParametrize = decorated.child(.function)?.text.hasSuffix("mark.parametrize") == true
                let plan: PassPlan =
                    isParametrize && function.kind == .function
                    ? ParametrizeOverSeeds(file: file, decorator: decorated, function: function).plan()
                    : .manual(reason: ParametrizeOverSeeds.manualReason)
                findings.append(
                    Finding(
                        code: code, node: call, path: file.path,
                        message: Self.parametrizeMessage(function.qualifiedName), plan: plan))
                continue
            }
            // Inside a literal a statement builds at import (not a name bound to the key itself:
            // that is the bindings' case above).
            guard node != call, holder.nodeKind == .assignment || holder.nodeKind == .expressionStatement,
                let statement = holder.nodeKind == .assignment ? holder.parent : holder,
                reported.insert(statement.startByte).inserted
            else { continue }
            if scope.kind == .classBody, file.randomSources.fieldDefault(containing: call, in: scope) != nil {
                continue  // a dataclass field default: RK008's
            }
            let target = holder.nodeKind == .assignment ? holder.child(.left).flatMap(SourceEditing.assignedName) : nil
            findings.append(
                Finding(
                    code: code, node: call, path: file.path, message: Self.literalMessage(target),
                    remedy: .manual(reason: Self.literalReason)))
        }
        return findings
    }

    /// Plans again with the other files in view, so callers there are migrated too.
    func replan(_ finding: Finding, in file: FileContext, project: ProjectView) -> Finding? {
        guard let binding = file.model.moduleScope.bindings.values.joined().first(where: { $0.nameNode.byteRange == finding.range })
        else { return nil }
        return self.finding(for: binding, in: file, plan: GlobalKeyThreading(file: file, global: binding, project: project).plan())
    }

    private func finding(for binding: Binding, in file: FileContext, plan: (plan: PassPlan, readers: [String])) -> Finding {
        Finding(
            code: code, node: binding.nameNode, path: file.path,
            message: Self.importTimeMessage(binding.name, readers: plan.readers), plan: plan.plan)
    }

    /// `a, b = value` and `a = b = value`: the value every target receives.
    private func innermostValue(of assignment: Node) -> Node? {
        var value = assignment.child(.right)
        while let inner = value, inner.nodeKind == .assignment { value = inner.child(.right) }
        return value
    }

    /// The key-producing call a module- or class-level binding is created by, if any. Keys made
    /// inside `if __name__ == "__main__":` are an entry point's own and are fine.
    private func createdKey(_ binding: Binding, in scope: Scope, model: SemanticModel, isScript: Bool)
        -> (role: JaxRandomAPI.Role, callee: String)?
    {
        // A script's top level is its run: a key made there is the run's own, like one made in
        // an `if __name__ == "__main__":` block.
        if isScript && scope === model.moduleScope { return nil }
        guard binding.kind == .assignment, !binding.throughGlobalDeclaration, binding.site.nodeKind == .assignment,
            let value = binding.value ?? innermostValue(of: binding.site), value.nodeKind == .call,
            let callee = value.child(.function),
            let qualified = model.qualifiedName(of: callee, in: scope),
            JaxRandomAPI.producesKey(qualified),
            let role = JaxRandomAPI.role(of: qualified)
        else { return nil }
        if scope === model.moduleScope,
            model.mainBlocks.contains(where: { $0.byteRange.contains(binding.site.byteRange) })
        {
            return nil
        }
        return (role, qualified)
    }
}
