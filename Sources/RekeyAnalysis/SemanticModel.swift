import Foundation
import RekeySyntax

/// What one file means, as far as rekey needs: its scopes, every binding and every name read,
/// every call, and how a name or dotted expression resolves (`jr.normal` → `jax.random.normal`).
/// Built in one traversal; every rule and pass queries it instead of matching spellings.
public final class SemanticModel {
    public let tree: SyntaxTree
    public let moduleScope: Scope
    // Built by the walk in `init` and read-only after it: no exclusivity check (see ``Scope``).
    @exclusivity(unchecked) public private(set) var scopes: [Scope] = []
    @exclusivity(unchecked) public private(set) var references: [Reference] = []
    /// Every call, with the scope its callee and arguments are evaluated in.
    @exclusivity(unchecked) public private(set) var calls: [(call: Node, scope: Scope)] = []
    /// Every `object.name` read, with the scope it is evaluated in.
    @exclusivity(unchecked) public private(set) var attributes: [(attribute: Node, scope: Scope)] = []
    /// The bodies of every `if TYPE_CHECKING:`, which type checkers read and Python never runs.
    public private(set) var typeCheckingBlocks: [ByteRange] = []
    @exclusivity(unchecked) private var scopeByDefinition: [Node: Scope] = [:]
    @exclusivity(unchecked) private var scopeByCallStart: [Int: Scope] = [:]
    /// The bits (``Scope/NameBit``) of the names an import binds in some scope: a name whose bit
    /// is clear resolves to no import, which ``qualifiedName(of:in:)`` then knows without making
    /// the name's string or looking it up through the scopes.
    @exclusivity(unchecked) private var importedNames = Scope.NameBits()

    public var source: SourceText { tree.source }

    public init(tree: SyntaxTree) {
        self.tree = tree
        moduleScope = Scope(kind: .module, index: 0, node: tree.root, parent: nil, name: nil)
        scopes.append(moduleScope)
        visitChildren(of: tree.root, in: moduleScope)
        for scope in scopes {
            for (name, bindings) in scope.bindings where bindings.contains(where: { $0.importedName != nil }) {
                importedNames.bind(name)
            }
        }
    }

    /// Calls evaluated in `scope` or any scope nested in it.
    public func calls(inside scope: Scope) -> [(call: Node, scope: Scope)] {
        ([scope] + scope.descendants).flatMap { callsByScope.positions(in: $0).map { calls[$0] } }
    }

    private var callsByScope: PositionsByScope {
        lookup(\.builtCallsByScope) { PositionsByScope(count: calls.count) { calls[$0].scope } }
    }

    /// The scope a name read is evaluated in.
    public func scope(containingReference node: Node) -> Scope? {
        lookup(\.builtReferenceScopes) { Dictionary(references.map { ($0.node.startByte, $0.scope) }) { _, last in last } }[
            node.startByte]
    }

    // Lookups built on first use, under a lock: a model the signature guard shares between its
    // workers is read by several threads at once.
    private let lookupLock = NSLock()
    private var builtCallsByScope: PositionsByScope?
    private var builtReferencesByScope: PositionsByScope?
    private var builtReferenceScopes: [Int: Scope]?

    private func lookup<Value>(_ built: ReferenceWritableKeyPath<SemanticModel, Value?>, _ build: () -> Value) -> Value {
        lookupLock.withLock {
            if let value = self[keyPath: built] { return value }
            let value = build()
            self[keyPath: built] = value
            return value
        }
    }

    /// The scope a call's callee and arguments are evaluated in.
    public func scope(ofCall call: Node) -> Scope? { scopeByCallStart[call.startByte] }

    /// The scope opened by a `function_definition`, `class_definition`, `lambda` or comprehension.
    public func scope(of definition: Node) -> Scope? { scopeByDefinition[definition] }

    // MARK: Resolution

    /// The scope whose binding of `name` a read in `scope` sees, following Python's rules:
    /// function-local if bound anywhere in the function, class bodies invisible to nested
    /// functions, `global`/`nonlocal` declarations honoured. Nil means builtin or undefined.
    public func scopeBinding(_ name: String, from scope: Scope) -> Scope? {
        resolve(name, from: scope)?.scope
    }

    public func bindings(of name: String, from scope: Scope) -> [Binding] {
        resolve(name, from: scope)?.bindings ?? []
    }

    /// ``scopeBinding(_:from:)`` with that scope's bindings of `name`, as the search found them.
    private func resolve(_ name: String, from scope: Scope) -> (scope: Scope, bindings: [Binding])? {
        // A scope's name bits say, without a hash, that it neither binds nor declares most names.
        let bit = Scope.NameBit(name)
        func declaresGlobal(_ scope: Scope) -> Bool { scope.names.mayDeclare(bit) && scope.globalNames.contains(name) }
        func declaresNonlocal(_ scope: Scope) -> Bool { scope.names.mayDeclare(bit) && scope.nonlocalNames.contains(name) }
        func moduleBinding() -> (scope: Scope, bindings: [Binding])? { moduleScope.bindings[name].map { (moduleScope, $0) } }
        if declaresGlobal(scope) { return moduleBinding() }
        var current: Scope? = scope
        var first = true
        if declaresNonlocal(scope) {
            current = scope.parent
            first = false
        }
        while let candidate = current {
            if first || candidate.kind != .classBody {
                // A scope that declares the name `nonlocal` does not own it, even though it assigns it.
                if candidate.names.mayBind(bit), let bindings = candidate.bindings[name], !declaresGlobal(candidate),
                    !declaresNonlocal(candidate)
                {
                    return (candidate, bindings)
                }
                if declaresGlobal(candidate) { return moduleBinding() }
            }
            first = false
            current = candidate.parent
        }
        return nil
    }

    /// The dotted name an expression denotes through imports: `jr.normal` → `jax.random.normal`
    /// when `jr` is bound only by `import jax.random as jr`. Nil when the root is not bound by an
    /// import, or is bound by several different things (ambiguous: rekey does not guess).
    public func qualifiedName(of expression: Node, in scope: Scope) -> String? {
        switch expression.nodeKind {
        case .identifier:
            guard importedNames.mayHold(expression) else { return nil }
            let found = bindings(of: expression.text, from: scope)
            guard let first = found.first?.importedName,
                found.allSatisfy({ $0.importedName == first })
            else { return nil }
            return first
        case .attribute:
            guard let object = expression.child(.object),
                let attribute = expression.child(.attribute),
                let base = qualifiedName(of: object, in: scope)
            else { return nil }
            return base + "." + attribute.text
        default:
            return nil
        }
    }

    /// Every name bound, read or declared `global`/`nonlocal` in `scope` and the scopes nested in
    /// it (for the module: its own bindings and every name read or declared anywhere): a name a rewrite introduces there must be none of
    /// these, or it would shadow or capture something. `ignoring` drops reads the rewrite replaces.
    public func namesInUse(in scope: Scope, ignoring: (Reference) -> Bool = { _ in false }) -> Set<String> {
        let scopes = scope === moduleScope ? self.scopes : [scope] + scope.descendants
        var names = Set((scope === moduleScope ? [scope] : scopes).flatMap { $0.bindings.keys })
        // A name declared `global` or `nonlocal` there cannot also be a new parameter or local.
        names.formUnion(scopes.flatMap { $0.globalNames.union($0.nonlocalNames) })
        for scope in scopes {
            for position in referencesByScope.positions(in: scope) where !ignoring(references[position]) {
                names.insert(references[position].name)
            }
        }
        return names
    }

    /// Name reads evaluated in `scope` or any scope nested in it.
    public func references(inside scope: Scope) -> [Reference] {
        ([scope] + scope.descendants).flatMap { referencesByScope.positions(in: $0).map { references[$0] } }
    }

    private var referencesByScope: PositionsByScope {
        lookup(\.builtReferencesByScope) { PositionsByScope(count: references.count) { references[$0].scope } }
    }

    /// `TYPE_CHECKING` or `<module>.TYPE_CHECKING` (`typing`, `typing_extensions`, an alias).
    public static func isTypeCheckingCondition(_ condition: Node) -> Bool {
        let text = condition.text
        return text == "TYPE_CHECKING" || text.hasSuffix(".TYPE_CHECKING")
    }

    /// Whether `node` sits in the body of an `if TYPE_CHECKING:`.
    public func isTypeCheckingOnly(_ node: Node) -> Bool {
        typeCheckingBlocks.contains { $0.contains(node.byteRange) }
    }

    /// Reads of `name` that resolve to the binding scope `owner`.
    public func references(to name: String, boundIn owner: Scope) -> [Reference] {
        references.filter { $0.name == name && scopeBinding(name, from: $0.scope) === owner }
    }

    // MARK: Building

    private func open(_ kind: Scope.Kind, _ node: Node, in parent: Scope, name: String?) -> Scope {
        let scope = Scope(kind: kind, index: scopes.count, node: node, parent: parent, name: name)
        scopes.append(scope)
        scopeByDefinition[node] = scope
        return scope
    }

    private func visitChildren(of node: Node, in scope: Scope) {
        node.forEachNamedChild { visit($0, in: scope) }
    }

    private func visit(_ node: Node, in scope: Scope) {
        switch node.nodeKind {
        case .identifier:
            references.append(Reference(name: node.text, node: node, scope: scope))
        case .attribute:
            attributes.append((node, scope))
            if let object = node.child(.object) { visit(object, in: scope) }
        case .keywordArgument:
            if let value = node.child(.value) { visit(value, in: scope) }
        case .call:
            calls.append((node, scope))
            scopeByCallStart[node.startByte] = scope
            visitChildren(of: node, in: scope)
        case .decoratedDefinition:
            visitChildren(of: node, in: scope)
        case .ifStatement:
            if let condition = node.child(.condition), Self.isTypeCheckingCondition(condition),
                let body = node.child(.consequence)
            {
                typeCheckingBlocks.append(body.byteRange)
            }
            visitChildren(of: node, in: scope)
        case .functionDefinition:
            visitFunction(node, in: scope)
        case .classDefinition:
            visitClass(node, in: scope)
        case .lambda:
            visitLambda(node, in: scope)
        case .listComprehension, .setComprehension, .dictionaryComprehension, .generatorExpression:
            visitComprehension(node, in: scope)
        case .assignment:
            if let right = node.child(.right) { visit(right, in: scope) }
            if let type = node.child(.type) { visit(type, in: scope) }
            if let left = node.child(.left) {
                // `a = b = value`: every target is bound to the innermost value.
                var value = node.child(.right)
                while let inner = value, inner.nodeKind == .assignment { value = inner.child(.right) }
                let kind: Binding.Kind = value == nil ? .annotationOnly : .assignment
                bindTargets(left, in: scope, kind: kind, site: node, value: left.nodeKind == .identifier ? value : nil)
            }
        case .augmentedAssignment:
            if let right = node.child(.right) { visit(right, in: scope) }
            if let left = node.child(.left) {
                if left.nodeKind == .identifier { visit(left, in: scope) }
                bindTargets(left, in: scope, kind: .augmentedAssignment, site: node, value: nil)
            }
        case .namedExpression:
            if let value = node.child(.value) { visit(value, in: scope) }
            if let name = node.child(.name) {
                // A walrus inside a comprehension binds in the enclosing non-comprehension scope.
                var target = scope
                while target.kind == .comprehension, let parent = target.parent { target = parent }
                bindTargets(name, in: target, kind: .walrus, site: node, value: nil)
            }
        case .forStatement:
            if let right = node.child(.right) { visit(right, in: scope) }
            if let left = node.child(.left) {
                bindTargets(left, in: scope, kind: .loopTarget, site: node, value: nil)
            }
            for field in [FieldName.body, .alternative] {
                if let part = node.child(field) { visit(part, in: scope) }
            }
        case .asPattern:
            // `with x as y`, `except E as e`, `case P as name`
            for child in node.namedChildren {
                if child.nodeKind == .asPatternTarget {
                    let kind: Binding.Kind = node.parent?.nodeKind == .exceptClause ? .exceptTarget : .withTarget
                    for target in child.namedChildren {
                        bindTargets(target, in: scope, kind: kind, site: node, value: nil)
                    }
                } else if child.nodeKind == .identifier, node.ancestor(where: { $0.nodeKind == .caseClause }) != nil,
                    child == node.namedChildren.last
                {
                    bindTargets(child, in: scope, kind: .patternCapture, site: node, value: nil)
                } else {
                    visit(child, in: scope)
                }
            }
        case .importStatement:
            for name in node.children(.name) { bindImport(name, in: scope, site: node) }
        case .importFromStatement:
            visitImportFrom(node, in: scope)
        case .globalStatement:
            for name in node.namedChildren where name.nodeKind == .identifier { scope.declareGlobal(name.text) }
        case .nonlocalStatement:
            for name in node.namedChildren where name.nodeKind == .identifier { scope.declareNonlocal(name.text) }
        case .deleteStatement:
            let listed = node.namedChildren
            let targets = listed.count == 1 && listed[0].nodeKind == .expressionList ? listed[0].namedChildren : listed
            for target in targets {
                visit(target, in: scope)
                if target.nodeKind == .identifier {
                    record(Binding(name: target.text, kind: .deletion, nameNode: target, site: node, value: nil), in: scope)
                }
            }
        case .casePattern, .keywordPattern, .splatPattern:
            visitPattern(node, in: scope)
        case .typeParameter, .typeAliasStatement:
            // PEP 695 type parameters and aliases name types, never keys.
            break
        default:
            visitChildren(of: node, in: scope)
        }
    }

    private func visitFunction(_ node: Node, in scope: Scope) {
        guard let nameNode = node.child(.name) else { return }
        let name = nameNode.text
        // Decorators, defaults, annotations and the return type are evaluated where `def` runs.
        let parameters = node.child(.parameters)
        if let parameters { visitParameterExpressions(parameters, in: scope) }
        if let returnType = node.child(.returnType) { visit(returnType, in: scope) }
        record(Binding(name: name, kind: .functionDefinition, nameNode: nameNode, site: node, value: nil), in: scope)
        let functionScope = open(.function, node, in: scope, name: name)
        if let parameters { bindParameters(parameters, in: functionScope) }
        if let body = node.child(.body) { visit(body, in: functionScope) }
    }

    private func visitClass(_ node: Node, in scope: Scope) {
        guard let nameNode = node.child(.name) else { return }
        if let bases = node.child(.superclasses) { visit(bases, in: scope) }
        record(Binding(name: nameNode.text, kind: .classDefinition, nameNode: nameNode, site: node, value: nil), in: scope)
        let classScope = open(.classBody, node, in: scope, name: nameNode.text)
        if let body = node.child(.body) { visit(body, in: classScope) }
    }

    private func visitLambda(_ node: Node, in scope: Scope) {
        let parameters = node.child(.parameters)
        if let parameters { visitParameterExpressions(parameters, in: scope) }
        let lambdaScope = open(.lambda, node, in: scope, name: nil)
        if let parameters { bindParameters(parameters, in: lambdaScope) }
        if let body = node.child(.body) { visit(body, in: lambdaScope) }
    }

    private func visitComprehension(_ node: Node, in scope: Scope) {
        let comprehension = open(.comprehension, node, in: scope, name: nil)
        var firstIterable = true
        var deferred: [Node] = []
        for child in node.namedChildren {
            if child.nodeKind == .forInClause {
                // The first iterable is evaluated in the enclosing scope, the rest inside.
                for iterable in child.children(.right) {
                    visit(iterable, in: firstIterable ? scope : comprehension)
                }
                firstIterable = false
                for target in child.children(.left) {
                    bindTargets(target, in: comprehension, kind: .loopTarget, site: child, value: nil)
                }
            } else {
                deferred.append(child)
            }
        }
        for child in deferred { visit(child, in: comprehension) }
    }

    private func visitImportFrom(_ node: Node, in scope: Scope) {
        guard let module = node.child(.moduleName) else { return }
        // Relative imports keep their dots (`.models.Encoder`); the project index resolves them.
        let base = module.textWithoutWhitespace
        for name in node.children(.name) {
            let (imported, boundNode): (Node?, Node?) =
                name.nodeKind == .aliasedImport
                ? (name.child(.name), name.child(.alias))
                : (name, name.namedChildren.last)
            guard let imported, let boundNode else { continue }
            let member = base.hasSuffix(".") ? base + imported.text : base + "." + imported.text
            record(Binding(name: boundNode.text, kind: .importedMember(member), nameNode: boundNode, site: node, value: nil), in: scope)
        }
    }

    private func bindImport(_ name: Node, in scope: Scope, site: Node) {
        if name.nodeKind == .aliasedImport {
            guard let module = name.child(.name), let alias = name.child(.alias) else { return }
            record(Binding(name: alias.text, kind: .importedModule(module.text), nameNode: alias, site: site, value: nil), in: scope)
        } else if let first = name.namedChildren.first {
            // `import a.b.c` binds `a`, and makes `a.b.c` reachable through it.
            record(Binding(name: first.text, kind: .importedModule(first.text), nameNode: first, site: site, value: nil), in: scope)
        }
    }

    private func visitParameterExpressions(_ parameters: Node, in scope: Scope) {
        for parameter in parameters.namedChildren {
            for field in [FieldName.type, .value] {
                if let part = parameter.child(field) { visit(part, in: scope) }
            }
        }
    }

    private func bindParameters(_ parameters: Node, in scope: Scope) {
        for parameter in parameters.namedChildren {
            if let nameNode = parameter.parameterName {
                scope.add(Binding(name: nameNode.text, kind: .parameter, nameNode: nameNode, site: parameter, value: nil))
            }
        }
    }

    /// Adds a binding where Python puts it: in the module when the scope declared the name
    /// `global` (whatever binds it: assignment, `import`, `def`, `class`), else in the scope.
    private func record(_ binding: Binding, in scope: Scope) {
        guard scope !== moduleScope, scope.globalNames.contains(binding.name) else {
            scope.add(binding)
            return
        }
        var redirected = binding
        redirected.throughGlobalDeclaration = true
        moduleScope.add(redirected)
    }

    /// Binds every name an assignment-like target introduces; subscripts and attributes in a
    /// target are reads of their object.
    private func bindTargets(_ target: Node, in scope: Scope, kind: Binding.Kind, site: Node, value: Node?) {
        switch target.nodeKind {
        case .identifier:
            record(Binding(name: target.text, kind: kind, nameNode: target, site: site, value: value), in: scope)
        case .patternList, .tuplePattern, .listPattern, .tuple, .list, .parenthesizedExpression,
            .listSplatPattern, .listSplat:
            for child in target.namedChildren { bindTargets(child, in: scope, kind: kind, site: site, value: nil) }
        default:
            visit(target, in: scope)
        }
    }

    /// Match-statement patterns: a lone name is a capture, dotted names and literals are values.
    private func visitPattern(_ node: Node, in scope: Scope) {
        for child in node.namedChildren {
            switch child.nodeKind {
            case .dottedName where child.namedChildCount == 1 && node.nodeKind != .classPattern:
                let name = child.namedChildren[0]
                if name.text != "_" {
                    bindTargets(name, in: scope, kind: .patternCapture, site: node, value: nil)
                }
            case .identifier where node.nodeKind == .splatPattern:
                bindTargets(child, in: scope, kind: .patternCapture, site: node, value: nil)
            case .identifier where node.nodeKind == .keywordPattern:
                break  // the keyword of `Point(x=k)` names an attribute, not a variable
            case .dottedName:
                if let root = child.namedChildren.first { visit(root, in: scope) }
            default:
                visit(child, in: scope)
            }
        }
    }
}

/// The positions of a list's items (calls, name reads) grouped by the scope each is evaluated
/// in, in list order within a scope: one array of positions for the whole file rather than a copy
/// of the items in an array per scope, which cost several times the list itself.
private struct PositionsByScope {
    private var positions: [Int]
    private var groups: [ObjectIdentifier: Range<Int>] = [:]

    init(count: Int, scopeAt: (Int) -> Scope) {
        var counts: [ObjectIdentifier: Int] = [:]
        for index in 0..<count { counts[ObjectIdentifier(scopeAt(index)), default: 0] += 1 }
        var next: [ObjectIdentifier: Int] = [:]
        var start = 0
        for (scope, members) in counts {
            groups[scope] = start..<start + members
            next[scope] = start
            start += members
        }
        positions = Array(repeating: 0, count: count)
        for index in 0..<count {
            let scope = ObjectIdentifier(scopeAt(index))
            positions[next[scope]!] = index
            next[scope]! += 1
        }
    }

    func positions(in scope: Scope) -> ArraySlice<Int> {
        groups[ObjectIdentifier(scope)].map { positions[$0] } ?? []
    }
}
