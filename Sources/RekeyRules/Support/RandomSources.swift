import RekeyAnalysis
import RekeySyntax

/// Where randomness comes from in one file, as the detection rules (RK002, RK003, RK007–RK009)
/// ask it: which calls are `jax.random` or build a layer that draws its weights from a key, which
/// module-level names hold keys, which project functions end up running `jax.random`, which
/// classes are dataclasses or Equinox/NNX modules. Every answer goes through the file's imports,
/// so `random.normal` is JAX only when `random` is `jax.random`, and a parameter named `random`
/// is not. The rules share these answers so that they agree on what a random operation is.
final class RandomSources {
    let model: SemanticModel
    /// A script's top level runs as the program, not at import (see ``FileContext/isScript``).
    let isScript: Bool
    /// Whether an import binding brings in another module's key (`from .seeds import KEY`).
    let isImportedKey: (Binding) -> Bool

    init(model: SemanticModel, isScript: Bool = false, isImportedKey: @escaping (Binding) -> Bool = { _ in false }) {
        self.model = model
        self.isScript = isScript
        self.isImportedKey = isImportedKey
    }

    /// A random operation found at a call, for messages: the callee as rekey names it and the line.
    struct Operation {
        let call: Node
        /// `jax.random.normal`, `eqx.nn.Linear`, or a project function's name.
        let callee: String
        /// For a call of a project function or class: the operation it runs (and its line).
        let through: String?

        var line: Int { call.startPosition.line }
    }

    // MARK: Calls

    /// The `jax.random` member a call invokes, with its role; nil for any other callee.
    func jaxRandom(_ call: Node) -> (name: String, role: JaxRandomAPI.Role)? {
        guard let callee = call.child(.function), let scope = model.scope(ofCall: call),
            let name = model.qualifiedName(of: callee, in: scope),
            let role = JaxRandomAPI.role(of: name)
        else { return nil }
        return (name, role)
    }

    /// Layer constructors that draw their initial weights from a key they are given (`key=` for
    /// Equinox, `rngs=` for NNX), as listed by the constructors' own signatures (equinox 0.13.8,
    /// flax 0.12.8). Those whose key is optional count only when one is passed.
    static let equinoxLayers: Set<String> = [
        "Conv", "Conv1d", "Conv2d", "Conv3d", "ConvTranspose", "ConvTranspose1d", "ConvTranspose2d",
        "ConvTranspose3d", "GRUCell", "LSTMCell", "Linear", "MLP", "MultiheadAttention", "SpectralNorm",
    ]
    static let equinoxLayersWithOptionalKey: Set<String> = ["Embedding"]
    static let nnxLayers: Set<String> = [
        "BatchNorm", "Conv", "ConvTranspose", "Einsum", "Embed", "GRUCell", "GroupNorm", "InstanceNorm",
        "LSTMCell", "LayerNorm", "Linear", "LinearGeneral", "LoRA", "LoRALinear", "MultiHeadAttention",
        "OptimizedLSTMCell", "RMSNorm", "SimpleCell", "SpectralNorm", "WeightNorm",
    ]
    static let nnxLayersWithOptionalRngs: Set<String> = ["Bidirectional", "Dropout", "RNN"]

    /// The callee as written (`eqx.nn.Linear`) when the call builds a layer that takes a key.
    func randomLayer(_ call: Node) -> String? {
        guard let callee = call.child(.function), let scope = model.scope(ofCall: call),
            let name = model.qualifiedName(of: callee, in: scope)
        else { return nil }
        guard let dot = name.utf8.lastIndex(of: UInt8(ascii: ".")) else { return nil }
        let member = String(name[name.utf8.index(after: dot)...])
        let passesKey = keywordArgument(of: call) { $0 == "key" || $0 == "rngs" } != nil
        switch name[..<dot] {
        case "equinox.nn":
            guard Self.equinoxLayers.contains(member) || (Self.equinoxLayersWithOptionalKey.contains(member) && passesKey) else {
                return nil
            }
        case "flax.nnx":
            guard Self.nnxLayers.contains(member) || (Self.nnxLayersWithOptionalRngs.contains(member) && passesKey) else { return nil }
        default:
            return nil
        }
        return callee.text
    }

    /// The value of the first keyword argument whose name satisfies `predicate`.
    func keywordArgument(of call: Node, where predicate: (String) -> Bool) -> Node? {
        guard let arguments = call.child(.arguments), arguments.nodeKind == .argumentList else { return nil }
        for argument in arguments.namedChildren where argument.nodeKind == .keywordArgument {
            if let name = argument.child(.name), predicate(name.text) { return argument.child(.value) }
        }
        return nil
    }

    /// The project function or class (bound once, by `def` or `class`) a call's callee names.
    func projectCallee(_ call: Node) -> Scope? {
        guard let callee = call.child(.function), callee.nodeKind == .identifier,
            let scope = model.scope(ofCall: call)
        else { return nil }
        let bindings = model.bindings(of: callee.text, from: scope)
        guard bindings.count == 1,
            bindings[0].kind == .functionDefinition || bindings[0].kind == .classDefinition
        else { return nil }
        return model.scope(of: bindings[0].site)
    }

    /// What a call does that is random, if anything: a `jax.random` call other than an observer
    /// (`key_data`), a layer that takes a key, or a project function or class that does one of
    /// these when it runs. `roles` narrows the `jax.random` roles that count.
    func randomOperation(_ call: Node, roles: Set<JaxRandomAPI.Role> = RandomSources.randomRoles) -> Operation? {
        if let random = jaxRandom(call) {
            return roles.contains(random.role) ? Operation(call: call, callee: random.name, through: nil) : nil
        }
        if let layer = randomLayer(call) {
            return Operation(call: call, callee: layer, through: nil)
        }
        if let target = projectCallee(call), let inner = effect(of: target) {
            let callee = call.child(.function)?.text ?? "?"
            let runs = inner.through ?? "`\(inner.callee)` (line \(inner.line))"
            return Operation(call: call, callee: callee, through: runs)
        }
        return nil
    }

    static let randomRoles: Set<JaxRandomAPI.Role> = [.constructor, .splitter, .deriver, .sampler]

    // MARK: What project functions do when they run

    private var effects: [ObjectIdentifier: Operation?] = [:]
    private lazy var callsByRunner: [ObjectIdentifier: [Node]] = {
        var result: [ObjectIdentifier: [Node]] = [:]
        for (call, scope) in model.calls {
            guard let runner = Self.runner(of: scope) else { continue }
            result[ObjectIdentifier(runner), default: []].append(call)
        }
        return result
    }()

    /// The function, lambda, class body or module whose execution evaluates code in `scope`:
    /// comprehensions run inside their enclosing scope.
    static func runner(of scope: Scope) -> Scope? {
        var current: Scope? = scope
        while let candidate = current, candidate.kind == .comprehension { current = candidate.parent }
        return current
    }

    /// Calls evaluated when `scope` (a function, lambda, class body or the module) runs, in
    /// source order: not those of functions or lambdas nested in it.
    func calls(runBy scope: Scope) -> [Node] {
        callsByRunner[ObjectIdentifier(scope)] ?? []
    }

    /// The first random operation a function runs (directly or through project functions it
    /// calls); for a class, its `__init__`'s. A sampler or layer is named in preference to the
    /// key constructor that feeds it. Recursion counts as nothing.
    func effect(of target: Scope) -> Operation? {
        let function: Scope
        switch target.kind {
        case .function, .lambda: function = target
        case .classBody:
            guard let initializer = target.initializer else {
                return nil
            }
            function = initializer
        default: return nil
        }
        let id = ObjectIdentifier(function)
        if let known = effects[id] { return known }
        effects[id] = .some(nil)  // in progress: a recursive call adds nothing
        var constructor: Operation?
        var found: Operation?
        for call in calls(runBy: function) {
            guard let operation = randomOperation(call) else { continue }
            if operation.through == nil, jaxRandom(call)?.role == .constructor {
                constructor = constructor ?? operation
                continue
            }
            found = operation
            break
        }
        effects[id] = .some(found ?? constructor)
        return found ?? constructor
    }

    // MARK: Module-level keys

    /// Module-level names bound only to keys (`KEY = jax.random.PRNGKey(0)`, `KEY, sub =
    /// jax.random.split(KEY)`, also inside `if __name__ == "__main__":` and through `global`),
    /// each with its first binding.
    private(set) lazy var moduleKeys: [String: Binding] = {
        var result: [String: Binding] = [:]
        for (name, bindings) in model.moduleScope.bindings {
            guard !bindings.isEmpty, bindings.allSatisfy({ isKeyCreation($0) || isImportedKey($0) }) else { continue }
            result[name] = bindings.min { $0.nameNode.startByte < $1.nameNode.startByte }
        }
        return result
    }()

    private func isKeyCreation(_ binding: Binding) -> Bool {
        guard binding.kind == .assignment, binding.site.nodeKind == .assignment else { return false }
        var value = binding.value ?? binding.site.child(.right)
        while let inner = value, inner.nodeKind == .assignment { value = inner.child(.right) }
        guard let value, value.nodeKind == .call, let random = jaxRandom(value) else { return false }
        return JaxRandomAPI.producesKey(random.name)
    }

    /// The module-level key an identifier read in `scope` denotes, if it is one.
    func moduleKey(_ identifier: Node, in scope: Scope) -> Binding? {
        guard identifier.nodeKind == .identifier, let binding = moduleKeys[identifier.text],
            model.scopeBinding(identifier.text, from: scope) === model.moduleScope
        else { return nil }
        return binding
    }

    // MARK: When code runs

    private lazy var mainBlocks: [ByteRange] = model.mainBlocks.map(\.byteRange)

    /// Whether a call in `scope` runs while the module is imported: at the top level outside
    /// `if __name__ == "__main__":`, in the body of a class defined there, in a comprehension
    /// evaluated there. Bodies of functions and lambdas run only when called; a generator
    /// expression runs when consumed, which counts as now only when it is passed straight to a call.
    func runsAtImport(_ node: Node, in scope: Scope) -> Bool {
        var current: Scope? = scope
        while let candidate = current {
            switch candidate.kind {
            case .module:
                return !isScript && !mainBlocks.contains { $0.contains(node.byteRange) } && !model.isTypeCheckingOnly(node)
            case .classBody:
                current = candidate.parent
            case .comprehension:
                if candidate.node.nodeKind == .generatorExpression {
                    let parent = candidate.node.parent?.kind
                    guard parent == "call" || parent == "argument_list" else { return false }
                }
                current = candidate.parent
            case .function, .lambda:
                return false
            }
        }
        return false
    }

    /// The `default_parameter` whose default value evaluates `node` when the `def` or `lambda`
    /// runs (not inside a lambda's body in that default).
    static func parameterDefault(containing node: Node) -> Node? {
        var child = node
        while let parent = child.parent {
            switch parent.nodeKind {
            case .defaultParameter, .typedDefaultParameter:
                if parent.child(.value) == child { return parent }
            case .lambda:
                if parent.child(.body) == child { return nil }
            case .functionDefinition, .classDefinition, .block, .module:
                return nil
            default:
                break
            }
            child = parent
        }
        return nil
    }

    // MARK: Classes

    static let dataclassDecorators: Set<String> = [
        "dataclasses.dataclass", "flax.struct.dataclass", "chex.dataclass",
    ]

    /// A decorator that makes a dataclass: one of the known ones, or one spelt `dataclass` that
    /// rekey cannot resolve to them (a project's own re-export, `struct.dataclass` through an
    /// alias, or a name imported differently under `if TYPE_CHECKING:` and `else:`). Such a
    /// class's annotated defaults are fields (RK008), not class-scope keys (RK001).
    static func isDataclassDecorator(_ name: String) -> Bool {
        dataclassDecorators.contains(name) || name.split(separator: ".").last == "dataclass"
    }
    static let dataclassBases: Set<String> = [
        "equinox.Module", "flax.linen.Module", "flax.struct.PyTreeNode",
    ]

    enum ModuleFramework {
        case equinox, nnx

        var name: String { self == .equinox ? "Equinox" : "NNX" }
    }

    /// Whether the class's annotated class-body assignments are dataclass fields: a
    /// `@dataclass`-decorated class, or a subclass (here or through this file's classes) of
    /// `eqx.Module`, a Flax linen module or `flax.struct.PyTreeNode`.
    func isDataclassLike(_ classScope: Scope) -> Bool {
        if let known = dataclassLike[ObjectIdentifier(classScope)] { return known }
        var seen = Set<ObjectIdentifier>()
        func check(_ scope: Scope) -> Bool {
            guard seen.insert(ObjectIdentifier(scope)).inserted else { return false }
            if model.decoratorNames(of: scope).contains(where: Self.isDataclassDecorator) || hasDataclassAlias(scope) { return true }
            return bases(of: scope).contains { base in
                switch base {
                case .external(let name): return Self.dataclassBases.contains(name)
                case .project(let parent): return check(parent)
                }
            }
        }
        let result = check(classScope)
        dataclassLike[ObjectIdentifier(classScope)] = result
        return result
    }

    private var dataclassLike: [ObjectIdentifier: Bool] = [:]

    /// A decorator name bound only by imports of dataclass decorators, possibly several different
    /// ones (`from dataclasses import dataclass as dc` under `if TYPE_CHECKING:`, `from chex
    /// import dataclass as dc` under `else:`), which qualified names leave ambiguous.
    private func hasDataclassAlias(_ classScope: Scope) -> Bool {
        guard let decorated = classScope.node.parent, decorated.nodeKind == .decoratedDefinition,
            let owner = classScope.parent
        else { return false }
        return decorated.namedChildren.contains { decorator in
            guard decorator.nodeKind == .decorator, let expression = decorator.namedChildren.first else { return false }
            let callee = expression.nodeKind == .call ? expression.child(.function) ?? expression : expression
            guard callee.nodeKind == .identifier else { return false }
            let bindings = model.bindings(of: callee.text, from: owner)
            return !bindings.isEmpty && bindings.allSatisfy { $0.importedName.map(Self.isDataclassDecorator) ?? false }
        }
    }

    /// Equinox or NNX, when the class subclasses `eqx.Module` or `nnx.Module` (directly or
    /// through this file's classes).
    func moduleFramework(of classScope: Scope) -> ModuleFramework? {
        var seen = Set<ObjectIdentifier>()
        func check(_ scope: Scope) -> ModuleFramework? {
            guard seen.insert(ObjectIdentifier(scope)).inserted else { return nil }
            for base in bases(of: scope) {
                switch base {
                case .external("equinox.Module"): return .equinox
                case .external("flax.nnx.Module"): return .nnx
                case .external: continue
                case .project(let parent): if let found = check(parent) { return found }
                }
            }
            return nil
        }
        return check(classScope)
    }

    /// Whether the class may inherit dataclass fields (a base other than `eqx.Module`, a Flax
    /// module or `PyTreeNode`): its own fields' positions in the generated `__init__` are unknown.
    func mayInheritFields(_ classScope: Scope) -> Bool {
        bases(of: classScope).contains { base in
            if case .external(let name) = base { return !Self.dataclassBases.contains(name) && name != "object" }
            return true
        }
    }

    private enum Base {
        case external(String)
        case project(Scope)
    }

    private func bases(of classScope: Scope) -> [Base] {
        guard let list = classScope.node.child(.superclasses), let owner = classScope.parent else { return [] }
        return list.namedChildren.compactMap { base in
            guard base.nodeKind == .identifier || base.nodeKind == .attribute else { return nil }
            if base.nodeKind == .identifier {
                let bindings = model.bindings(of: base.text, from: owner)
                if bindings.count == 1, bindings[0].kind == .classDefinition, let parent = model.scope(of: bindings[0].site) {
                    return .project(parent)
                }
            }
            return model.qualifiedName(of: base, in: owner).map { .external($0) }
        }
    }

    /// The field declarations directly in a class body (`w: jax.Array`, with or without a value),
    /// in order; `ClassVar` annotations are class attributes, not fields.
    static func fieldDeclarations(in classScope: Scope) -> [(name: Node, value: Node?, statement: Node)] {
        guard let body = classScope.node.child(.body) else { return [] }
        return body.namedChildren.compactMap { statement in
            guard statement.nodeKind == .expressionStatement, let assignment = statement.namedChildren.first,
                assignment.nodeKind == .assignment, let type = assignment.child(.type),
                !type.text.contains("ClassVar"),
                let name = assignment.child(.left), name.nodeKind == .identifier
            else { return nil }
            return (name, assignment.child(.right), assignment)
        }
    }

    /// The fields with a value (`w: jax.Array = …`), each with its target name and value.
    static func annotatedAssignments(in classScope: Scope) -> [(name: Node, value: Node, statement: Node)] {
        fieldDeclarations(in: classScope).compactMap { field in field.value.map { (field.name, $0, field.statement) } }
    }

    /// The dataclass field whose default value contains `node`, if `node` sits in one.
    func fieldDefault(containing node: Node, in classScope: Scope) -> Node? {
        guard isDataclassLike(classScope) else { return nil }
        return Self.annotatedAssignments(in: classScope)
            .first { $0.value.byteRange.contains(node.byteRange) }?.statement
    }

    // MARK: Walking expressions

    /// Every call in `expression` evaluated when it is, in source order: not inside the body of a
    /// lambda in it (nor a nested lambda's defaults, which the lambda's own scope reports).
    static func eagerCalls(in expression: Node) -> [Node] {
        var result: [Node] = []
        func visit(_ node: Node) {
            if node.nodeKind == .lambda { return }
            if node.nodeKind == .call { result.append(node) }
            node.forEachNamedChild(visit)
        }
        visit(expression)
        return result
    }

    /// Identifiers read in `expression` outside lambda bodies, in source order.
    static func eagerIdentifiers(in expression: Node) -> [Node] {
        var result: [Node] = []
        func visit(_ node: Node) {
            switch node.nodeKind {
            case .lambda: return
            case .identifier: result.append(node)
            case .attribute:
                if let object = node.child(.object) { visit(object) }
                return
            case .keywordArgument:
                if let value = node.child(.value) { visit(value) }
                return
            default: break
            }
            node.forEachNamedChild(visit)
        }
        visit(expression)
        return result
    }
}
