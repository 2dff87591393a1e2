import RekeySyntax

/// What the callee of a call the key-flow walk meets is: a JAX transform that only traces what
/// it wraps or runs it, or a project function (a `def` or lambda of this file, a class's
/// `__init__`, a method of the enclosing class, a function another file exports) with what it
/// does to keys.
final class CalleeResolver {
    let model: SemanticModel
    /// The body being walked.
    let scope: Scope
    let summaries: KeySummaries
    private var closureSummaries: [Int: (summary: FunctionKeySummary, free: FreeKeyUse)] = [:]

    init(model: SemanticModel, scope: Scope, summaries: KeySummaries) {
        self.model = model
        self.scope = scope
        self.summaries = summaries
    }

    /// A call that traces a function without running it, which JAX's checker does not count as
    /// consuming: `jax.make_jaxpr(f)(key)`, `jax.jit(f).lower(key)` (also through a name bound
    /// to `jax.jit(f)`).
    func onlyTraces(_ callee: Node) -> Bool {
        if callee.nodeKind == .call, let inner = callee.child(.function),
            let name = model.qualifiedName(of: inner, in: model.scope(ofCall: callee) ?? scope)
        {
            return JaxRandomAPI.tracingTransforms.contains(name)
        }
        guard callee.nodeKind == .attribute, let method = callee.child(.attribute)?.text,
            JaxRandomAPI.tracingMethods.contains(method), let object = callee.child(.object)
        else { return false }
        return transformCall(object) != nil
    }

    /// For a callee made by a transform that runs what it wraps (`jax.jit(f)`, `jax.vmap(f)`, or a
    /// name bound once to one): the wrapped function, and whether the transform maps over a batch.
    func transformed(_ callee: Node, in callScope: Scope) -> (function: Node, batching: Bool)? {
        guard let (call, name) = transformCall(callee, in: callScope), let arguments = call.child(.arguments),
            arguments.nodeKind == .argumentList,
            let function = arguments.namedChildren.first(where: { $0.nodeKind != .comment && $0.nodeKind != .keywordArgument })
        else { return nil }
        return (function, JaxRandomAPI.batchingTransforms.contains(name))
    }

    /// The transform call an expression is (`jax.jit(f)`) or a name is bound to once, with the
    /// transform's qualified name; nil for anything else.
    private func transformCall(_ expression: Node, in expressionScope: Scope? = nil) -> (call: Node, name: String)? {
        var call = expression
        if expression.nodeKind == .identifier {
            let bindings = model.bindings(
                of: expression.text, from: expressionScope ?? model.scope(containingReference: expression) ?? scope)
            guard bindings.count == 1, bindings[0].kind == .assignment, let value = bindings[0].value else { return nil }
            call = value
        }
        guard call.nodeKind == .call, let function = call.child(.function),
            let name = model.qualifiedName(of: function, in: model.scope(ofCall: call) ?? scope),
            JaxRandomAPI.runningTransforms.contains(name)
        else { return nil }
        return (call, name)
    }

    struct ProjectCallee {
        let summary: FunctionKeySummary
        let isMethodCall: Bool
        /// For a function nested in the one analysed: what it does to the keys it reads from it.
        var free = FreeKeyUse()
    }

    /// The keys a nested function reads from its enclosing function and consumes, by name, on
    /// each call: on some path, and, of those, the ones consumed where the expression handed over
    /// can hold no other key (not through `k = key if n == 1 else fold_in(key, i)`).
    struct FreeKeyUse {
        var consumed: Set<String> = []
        var consumedOutright: Set<String> = []
    }

    /// The function the callee denotes: a name bound by `def` (module-level, nested, or a local
    /// closure or lambda), a lambda itself (wrapped by a transform), a class (its `__init__`),
    /// `self.method` of the enclosing class, or a function or class imported from another file
    /// of the project (by qualified name).
    func resolveProjectFunction(_ callee: Node, in callScope: Scope) -> ProjectCallee? {
        // `jax.vmap(lambda k: …)(keys)`: the lambda, as any closure.
        if callee.nodeKind == .lambda, let closure = closureSummary(callee) {
            return ProjectCallee(summary: closure.summary, isMethodCall: false, free: closure.free)
        }
        if callee.nodeKind == .identifier {
            let bindings = model.bindings(of: callee.text, from: callScope)
            guard bindings.count == 1 else { return nil }
            let binding = bindings[0]
            switch binding.kind {
            case .functionDefinition:
                if let closure = closureSummary(binding.site) {
                    return ProjectCallee(summary: closure.summary, isMethodCall: false, free: closure.free)
                }
                return summaries.local(DefinitionSite(binding.site)).map {
                    ProjectCallee(summary: $0, isMethodCall: false)
                }
            case .classDefinition:
                guard let classScope = model.scope(of: binding.site),
                    let initializer = classScope.initializer
                else { return nil }
                return summaries.local(DefinitionSite(initializer.node)).map {
                    ProjectCallee(summary: $0, isMethodCall: true)
                }
            case .assignment:
                guard let value = binding.value, value.nodeKind == .lambda, let closure = closureSummary(value) else { return nil }
                return ProjectCallee(summary: closure.summary, isMethodCall: false, free: closure.free)
            case .importedMember(let name):
                return summaries.external(name).map { ProjectCallee(summary: $0, isMethodCall: false) }
            default:
                return nil
            }
        }
        if callee.nodeKind == .attribute, let object = callee.child(.object), object.text == "self",
            let method = callee.child(.attribute)?.text, let classScope = scope.parent, classScope.kind == .classBody,
            let definition = classScope.children.first(where: { $0.kind == .function && $0.name == method })?.node
        {
            return summaries.local(DefinitionSite(definition)).map { ProjectCallee(summary: $0, isMethodCall: true) }
        }
        if callee.nodeKind == .attribute, let qualified = model.qualifiedName(of: callee, in: callScope) {
            return summaries.external(qualified).map { ProjectCallee(summary: $0, isMethodCall: false) }
        }
        return nil
    }

    /// For a function or lambda nested in the one analysed: what it does to its parameters and
    /// to the keys it reads from this function, each time it is called.
    private func closureSummary(_ definition: Node) -> (summary: FunctionKeySummary, free: FreeKeyUse)? {
        guard let nested = model.scope(of: definition), nested.parent === scope, scope.kind != .module else { return nil }
        if let cached = closureSummaries[definition.startByte] { return cached }
        closureSummaries[definition.startByte] = (FunctionKeySummary(), FreeKeyUse())  // recursion: assume nothing
        var freeNames: [String: Int] = [:]
        for reference in model.references(inside: nested)
        where model.scopeBinding(reference.name, from: reference.scope) === scope {
            freeNames[reference.name] = min(freeNames[reference.name] ?? .max, reference.node.startByte)
        }
        let inner = KeyFlowAnalysis(closure: nested, in: model, freeNames: freeNames, summaries: summaries)
        let result = (inner.summary, inner.freeKeyUse)
        closureSummaries[definition.startByte] = result
        return result
    }
}
