import RekeyAnalysis
import RekeySyntax

/// What the signature guard reads of a file: its calls, each with what its callee's name is bound
/// to where the call is made, and its module-level classes with their bases. Kept without the
/// syntax tree, whose model takes some thirty times the text, so screening parses each text once
/// however many fixes ask about it (under a budget of models it parsed 4.4 MB of source for
/// 1.75 MB of texts on the sdist tree).
struct CallIndex: Sendable {
    /// A binding of a name, as the guard weighs it.
    struct Binding: Sendable {
        enum Kind: Sendable { case function, `class`, other }

        let kind: Kind
        let name: String
        /// The definition (or statement) that binds it.
        let site: ByteRange
        let importedName: String?
    }

    /// What an expression naming a function or a class refers to.
    enum Reference: Sendable {
        /// A plain name: its bindings, seen from where it is read.
        case name([Binding])
        /// A dotted name (`mod.f`, `obj.f`), resolved through the file's imports; nil when it cannot be.
        case dotted(String?)
        case other
    }

    struct Call: Sendable {
        /// The callee's text (`f`, `obj.f`): calls are matched across two versions of a file by it.
        let spelling: String?
        let callee: Reference
        /// The name called: `f` in `f(…)` and in `obj.f(…)`.
        let name: String?
        /// `obj` in `obj.f(…)`, when it is a plain name.
        let receiverName: String?
        /// For `super().__init__(…)` in a method of a class with bases: those bases, seen from
        /// the class's own scope.
        let superInitializerBases: [Reference]?
        let arguments: CallArguments?
        let line: Int
    }

    struct ClassDefinition: Sendable {
        let name: String
        /// Nil for a class that names no bases.
        let bases: [Reference]?
        let definesInitializer: Bool
    }

    let path: String
    /// In source order.
    let calls: [Call]
    /// Where in `calls` each name is called, in source order: a question about a few names
    /// reads their calls, not every call of the file (the guard asks once per fix).
    private let positionsByName: [String: [Int]]
    /// The module's top-level classes, in source order.
    let classes: [ClassDefinition]
    /// It imports every name of some module (`from m import *`): a name it reads without
    /// binding it may come from there.
    let importsEveryName: Bool

    init(_ model: SemanticModel) {
        path = model.source.path
        importsEveryName = !ModuleImports.starImported(model.tree.root, package: "").isEmpty
        calls = model.calls.map { call, scope in Self.call(call, in: scope, model: model) }
        var positionsByName: [String: [Int]] = [:]
        for (position, call) in calls.enumerated() {
            if let name = call.name { positionsByName[name, default: []].append(position) }
        }
        self.positionsByName = positionsByName
        classes = model.scopes.compactMap { scope in
            guard scope.kind == .classBody, let owner = scope.parent, owner.kind == .module, let name = scope.name else { return nil }
            return ClassDefinition(
                name: name,
                bases: scope.node.child(.superclasses).map { Self.references($0, in: owner, model: model) },
                definesInitializer: scope.initializer != nil)
        }
    }

    /// The calls of any of `names`, in source order.
    func calls(namedAnyOf names: Set<String>) -> [Call] {
        names.flatMap { positionsByName[$0] ?? [] }.sorted().map { calls[$0] }
    }

    private static func call(_ call: Node, in scope: Scope, model: SemanticModel) -> Call {
        let callee = call.child(.function)
        var reference = Reference.other
        var name: String?
        var receiverName: String?
        var superInitializerBases: [Reference]?
        if let callee, callee.nodeKind == .identifier {
            name = callee.text
            reference = Self.reference(callee, in: scope, model: model)
        } else if let callee, callee.nodeKind == .attribute, let attribute = callee.child(.attribute)?.text,
            let object = callee.child(.object)
        {
            name = attribute
            reference = .dotted(model.qualifiedName(of: callee, in: scope))
            if object.nodeKind == .identifier { receiverName = object.text }
            if attribute == "__init__", object.nodeKind == .call, object.child(.function)?.text == "super",
                let owner = scope.enclosingFunction?.parent, owner.kind == .classBody,
                let bases = owner.node.child(.superclasses)
            {
                superInitializerBases = references(bases, in: owner.parent ?? model.moduleScope, model: model)
            }
        }
        return Call(
            spelling: callee?.text, callee: reference, name: name, receiverName: receiverName,
            superInitializerBases: superInitializerBases, arguments: CallArguments(call: call), line: call.startPosition.line)
    }

    private static func references(_ bases: Node, in scope: Scope, model: SemanticModel) -> [Reference] {
        bases.namedChildren.map { reference($0, in: scope, model: model) }
    }

    private static func reference(_ expression: Node, in scope: Scope, model: SemanticModel) -> Reference {
        switch expression.nodeKind {
        case .identifier:
            return .name(
                model.bindings(of: expression.text, from: scope).map { binding in
                    let kind: Binding.Kind =
                        switch binding.kind {
                        case .functionDefinition: .function
                        case .classDefinition: .class
                        default: .other
                        }
                    return Binding(kind: kind, name: binding.name, site: binding.site.byteRange, importedName: binding.importedName)
                })
        case .attribute:
            return .dotted(model.qualifiedName(of: expression, in: scope))
        default:
            return .other
        }
    }
}
