import RekeyAnalysis
import RekeySyntax

/// RK002 — a random operation evaluated at import time: a `jax.random` sampler, `split` or
/// `fold_in` at module or class scope, a call that hands a key to something that consumes it
/// (`eqx.nn.Linear(…, key=KEY)`, `model.init(jax.random.PRNGKey(0), x)`), or a call of a
/// project function or class that runs one of these.
///
/// Sites other rules own are left to them, so each problem is reported once: a key created and
/// bound to a name (`KEY = PRNGKey(0)`, `KEY, sub = split(KEY)`) is RK001's, a parameter default
/// RK007's, a dataclass field default RK008's.
struct ImportTimeSampling: Rule {
    static let description = RuleDescription(
        code: "RK002",
        name: "import-time-sampling",
        summary: "random numbers drawn at import time",
        whatItDoes: """
            Finds random work done while a module is imported: a `jax.random` sampler, `split` or \
            `fold_in` called at module or class scope (outside `if __name__ == "__main__":`), a \
            call there that hands a key to something that consumes it (`eqx.nn.Linear(3, 4, \
            key=KEY)`, `model.init(jax.random.PRNGKey(0), x)`), or a call of a function or class \
            of the file that does such work when it runs. Code under `if TYPE_CHECKING:` never \
            runs and is skipped. A script or an exported notebook (a file nothing in the project \
            imports that runs top to bottom: jupytext `# %%` cells, a file under `examples/`, \
            `scripts/`, `notebooks/` and the like, or one outside any package with top-level \
            calls) has no import time: its top level is the run, so nothing there is reported. A key made and bound to a name at import is reported by RK001, a \
            parameter default by RK007, a dataclass field default by RK008.
            """,
        whyBad: """
            Import-time randomness runs JAX on import, fixes the numbers once for every user of \
            the module, and usually consumes a global key that the rest of the module then uses \
            again (JAX's reuse checker raises `KeyReuseError`). Tables, weights and noise sampled \
            at import cannot be re-seeded by a caller or a test.
            """,
        fixSafety: """
            No automatic fix: move the work into a function that takes a `key` (or into \
            `if __name__ == "__main__":`) and create the key at the entry point. A value that \
            must exist at import can often be built lazily (`functools.cache` on a function of \
            the key).
            """,
        examples: [
            RuleExample(
                bad: """
                    import jax
                    import jax.numpy as jnp

                    NUM_BUCKETS = 64
                    HASH_TABLE = jax.random.randint(jax.random.PRNGKey(0), (NUM_BUCKETS,), 0, 2**16)


                    def bucket_of(token_id):
                        return HASH_TABLE[token_id % NUM_BUCKETS]

                    """,
                good: """
                    import jax
                    import jax.numpy as jnp

                    NUM_BUCKETS = 64


                    def make_hash_table(key):
                        return jax.random.randint(key, (NUM_BUCKETS,), 0, 2**16)


                    def bucket_of(token_id, table):
                        return table[token_id % NUM_BUCKETS]

                    """,
                fixedByRekey: false)
        ])

    static func message(_ operation: RandomSources.Operation, role: JaxRandomAPI.Role?) -> String {
        if let through = operation.through {
            return "`\(operation.callee)` runs \(through) at import time"
        }
        switch role {
        case .sampler: return "`\(operation.callee)` draws random numbers at import time"
        case .splitter: return "`\(operation.callee)` consumes a key at import time"
        case .deriver: return "`\(operation.callee)` derives a key at import time"
        default: return "`\(operation.callee)` consumes a PRNG key at import time"
        }
    }

    static let manualReason = """
        move this into a function that takes a `key` (or under `if __name__ == "__main__":`) and \
        create the key at the entry point
        """

    /// Callees that only look at a key, print it, iterate it or bind it for later (a partial that
    /// consumes a global key on every call is a hidden global, not import-time work).
    static let nonConsuming: Set<String> = [
        "print", "repr", "str", "len", "id", "type", "isinstance", "hash", "zip", "enumerate", "iter",
        "list", "tuple", "dict", "reversed", "functools.partial",
        "jax.numpy.shape", "jax.device_put", "jax.block_until_ready", "jax.debug.print",
        // Stores its values for the tests it runs later: RK001's keys made for a parametrized test.
        "pytest.mark.parametrize",
    ]

    func check(_ file: FileContext) -> [Finding] {
        let model = file.model
        let sources = file.randomSources
        var findings: [Finding] = []
        for (call, scope) in model.calls where sources.runsAtImport(call, in: scope) {
            guard let (operation, role) = importTimeOperation(call, scope: scope, sources: sources),
                !isOwnedByAnotherRule(call, scope: scope, sources: sources)
            else { continue }
            findings.append(
                Finding(
                    code: code, node: call, path: file.path, message: Self.message(operation, role: role),
                    remedy: .manual(reason: Self.manualReason)))
        }
        return findings.sorted { $0.range < $1.range }
    }

    private func importTimeOperation(_ call: Node, scope: Scope, sources: RandomSources)
        -> (RandomSources.Operation, JaxRandomAPI.Role?)?
    {
        if let random = sources.jaxRandom(call) {
            guard [.sampler, .splitter, .deriver].contains(random.role) else { return nil }
            return (RandomSources.Operation(call: call, callee: random.name, through: nil), random.role)
        }
        if let operation = sources.randomOperation(call), operation.through != nil {
            return (operation, nil)
        }
        if let layer = sources.randomLayer(call) {
            return (RandomSources.Operation(call: call, callee: layer, through: nil), nil)
        }
        guard let callee = call.child(.function), let arguments = call.child(.arguments),
            arguments.nodeKind == .argumentList
        else { return nil }
        let name = sources.model.qualifiedName(of: callee, in: scope) ?? callee.text
        if Self.nonConsuming.contains(name) { return nil }
        // A key handed over: made inline by a `jax.random` constructor (a `split` or `fold_in`
        // there is reported by itself), or a module-level key; under a key's parameter name, also
        // an `nnx.Rngs`.
        for argument in arguments.namedChildren where argument.nodeKind != .comment {
            let handsOverKey: Bool
            if argument.nodeKind == .keywordArgument {
                guard let keyword = argument.child(.name)?.text, let value = argument.child(.value),
                    KeyNames.isKeyLike(keyword) || keyword == "rngs"
                else { continue }
                handsOverKey =
                    isKey(value, scope: scope, sources: sources)
                    || (keyword == "rngs" && isRngs(value, scope: scope, sources: sources))
            } else {
                handsOverKey = isKey(argument, scope: scope, sources: sources)
            }
            if handsOverKey { return (RandomSources.Operation(call: call, callee: name, through: nil), nil) }
        }
        return nil
    }

    private func isRngs(_ value: Node, scope: Scope, sources: RandomSources) -> Bool {
        guard value.nodeKind == .call, let callee = value.child(.function) else { return false }
        return sources.model.qualifiedName(of: callee, in: scope) == "flax.nnx.Rngs"
    }

    /// A key, or a literal holding one (Flax's `{"params": PRNGKey(0), "dropout": PRNGKey(1)}`).
    private func isKey(_ value: Node, scope: Scope, sources: RandomSources) -> Bool {
        switch value.nodeKind {
        case .dictionary:
            return value.namedChildren.contains {
                $0.nodeKind == .pair && $0.child(.value).map { isKey($0, scope: scope, sources: sources) } == true
            }
        case .list, .tuple, .parenthesizedExpression:
            return value.namedChildren.contains { isKey($0, scope: scope, sources: sources) }
        default:
            break
        }
        if value.nodeKind == .call, let random = sources.jaxRandom(value) { return random.role == .constructor }
        if value.nodeKind == .subscriptExpression, let array = value.child(.value) { return isKey(array, scope: scope, sources: sources) }
        return sources.moduleKey(value, in: scope) != nil
    }

    /// Parameter defaults are RK007's, dataclass field defaults RK008's, and a `split` or
    /// `fold_in` whose result is bound to names at module or class scope is RK001's.
    private func isOwnedByAnotherRule(_ call: Node, scope: Scope, sources: RandomSources) -> Bool {
        if RandomSources.parameterDefault(containing: call) != nil { return true }
        var classScope: Scope? = scope
        while let current = classScope, current.kind == .comprehension { classScope = current.parent }
        if let classScope, classScope.kind == .classBody, sources.fieldDefault(containing: call, in: classScope) != nil {
            return true
        }
        if let random = sources.jaxRandom(call), random.role == .splitter || random.role == .deriver {
            var child = call
            while let parent = child.parent, parent.nodeKind == .assignment, parent.child(.right) == child {
                if let left = parent.child(.left), bindsName(left) { return true }
                child = parent
            }
        }
        return false
    }

    private func bindsName(_ target: Node) -> Bool {
        switch target.nodeKind {
        case .identifier: return true
        case .patternList, .tuplePattern, .listPattern, .tuple, .list, .parenthesizedExpression:
            return target.namedChildren.contains { bindsName($0) }
        case .listSplatPattern: return target.namedChildren.contains { bindsName($0) }
        default: return false
        }
    }
}
