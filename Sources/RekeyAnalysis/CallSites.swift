import RekeySyntax

/// Every place a function, method or constructor is called from, within one file — or the
/// reason that set cannot be known. A pass that changes a signature must update every caller,
/// so "some use we could not see" is a failure, not an omission.
public enum CallSites {
    public struct Unresolvable: Error, CustomStringConvertible {
        public let description: String
    }

    public typealias Call = (call: Node, scope: Scope)

    /// Calls of a function or method; for a class scope, the calls of its `__init__`, written or
    /// generated (a dataclass's): its instantiations.
    public static func uses(of function: Scope, in model: SemanticModel) -> Result<[Call], Unresolvable> {
        guard let name = function.name, let owner = function.parent else {
            return .failure(Unresolvable(description: "a lambda cannot be given a parameter"))
        }
        do {
            if function.kind == .classBody { return .success(try instantiations(of: function, in: model)) }
            switch owner.kind {
            case .classBody where name == "__init__":
                return .success(try instantiations(of: owner, in: model))
            case .classBody:
                return .success(try methodCalls(of: function, named: name, in: owner, model: model))
            default:
                return .success(try calls(ofName: name, boundIn: owner, in: model))
            }
        } catch let error as Unresolvable {
            return .failure(error)
        } catch {
            preconditionFailure("unexpected \(error)")
        }
    }

    public static func isCallee(_ node: Node) -> Bool {
        guard let parent = node.parent, parent.nodeKind == .call else { return false }
        return parent.child(.function) == node
    }

    /// Calls of a plain or nested function, through its name.
    private static func calls(ofName name: String, boundIn owner: Scope, in model: SemanticModel) throws -> [Call] {
        let bindings = owner.bindings[name] ?? []
        guard bindings.count == 1 else {
            throw Unresolvable(description: "`\(name)` is bound \(bindings.count) times in its scope")
        }
        return try model.references(to: name, boundIn: owner).map { reference in
            guard isCallee(reference.node), let call = reference.node.parent else {
                throw Unresolvable(
                    description:
                        "`\(name)` is used as a value at line \(reference.node.startPosition.line), not called directly")
            }
            return (call, reference.scope)
        }
    }

    /// Calls that run `Class.__init__`: instantiations (of the class and of subclasses that
    /// inherit its `__init__`), `super().__init__(…)` in subclasses, `Class.__init__(self, …)`,
    /// and `cls(…)` in its class methods.
    private static func instantiations(of classScope: Scope, in model: SemanticModel) throws -> [Call] {
        guard let name = classScope.name, let owner = classScope.parent else { return [] }
        let bindings = owner.bindings[name] ?? []
        guard bindings.count == 1 else {
            throw Unresolvable(description: "`\(name)` is bound \(bindings.count) times in its scope")
        }
        var result: [Call] = []
        for call in model.calls where call.scope.isInside(classScope) {
            guard let callee = call.call.child(.function) else { continue }
            switch callee.text {
            case "cls": result.append(call)
            case "type(self)", "self.__class__":
                throw Unresolvable(
                    description:
                        "`\(name)` is instantiated dynamically at line \(call.call.startPosition.line)")
            default: break
            }
        }
        for reference in model.references(to: name, boundIn: owner) {
            let node = reference.node
            if isCallee(node), let call = node.parent {
                result.append((call, reference.scope))
            } else if let attribute = node.parent, attribute.nodeKind == .attribute,
                attribute.child(.attribute)?.text == "__init__", isCallee(attribute),
                let call = attribute.parent
            {
                result.append((call, reference.scope))
            } else if let subclass = subclassListing(node, in: model) {
                result += try subclassCalls(subclass, in: model)
            } else if isTypeOnly(node) || isSuperClassArgument(node) {
                continue
            } else {
                throw Unresolvable(
                    description:
                        "`\(name)` is used as a value at line \(node.startPosition.line), not instantiated directly")
            }
        }
        return result
    }

    /// How a subclass reaches its parent's `__init__`: through its own `super().__init__` calls,
    /// or, when it defines no `__init__`, through every instantiation of the subclass.
    private static func subclassCalls(_ subclass: Scope, in model: SemanticModel) throws -> [Call] {
        guard let initializer = subclass.initializer else {
            return try instantiations(of: subclass, in: model)
        }
        return superInitCalls(in: initializer, of: model)
    }

    /// The `super().__init__(…)` calls in a subclass's `__init__`.
    public static func superInitCalls(in initializer: Scope, of model: SemanticModel) -> [Call] {
        model.calls.filter { call in
            guard call.scope.isInside(initializer), let callee = call.call.child(.function),
                callee.nodeKind == .attribute, callee.child(.attribute)?.text == "__init__",
                let object = callee.child(.object), object.nodeKind == .call
            else { return false }
            return object.child(.function)?.text == "super"
        }
    }

    /// Calls of a method: `self.m(…)`/`cls.m(…)` inside the class or its subclasses, `Class.m(…)`,
    /// `super().m(…)` in a subclass, and bare `m(…)` in the class body itself. Any other `.m` in
    /// the file might reach it through an object rekey cannot type, and any subclass redefining
    /// `m` (directly or further down) would receive an argument it does not take: both are failures.
    private static func methodCalls(of method: Scope, named name: String, in classScope: Scope, model: SemanticModel) throws -> [Call] {
        if name.hasPrefix("__") && name.hasSuffix("__") {
            throw Unresolvable(description: "`\(method.qualifiedName)` is called by Python itself, not by name")
        }
        let family = [classScope] + subclasses(of: classScope, in: model)
        for subclass in family.dropFirst() where subclass.bindings[name] != nil {
            throw Unresolvable(description: "subclass `\(subclass.qualifiedName)` redefines `\(name)`")
        }
        let className = classScope.name ?? ""
        var result: [Call] = []
        for (attribute, scope) in model.attributes where attribute.child(.attribute)?.text == name {
            guard let object = attribute.child(.object) else { continue }
            let line = attribute.startPosition.line
            let reachesClass: Bool
            switch object.nodeKind {
            case .identifier where object.text == "self" || object.text == "cls":
                reachesClass = family.contains { scope.isInside($0) }
            case .identifier where object.text == className:
                reachesClass = model.scopeBinding(className, from: scope) === classScope.parent
            case .identifier:
                reachesClass = isInstance(object, of: family, from: scope, in: model)
            case .call where object.child(.function)?.text == "super":
                reachesClass = family.dropFirst().contains { scope.isInside($0) }
            default:
                reachesClass = false
            }
            guard reachesClass else {
                throw Unresolvable(
                    description:
                        "`.\(name)` at line \(line) may reach `\(method.qualifiedName)` through an object rekey cannot type")
            }
            guard isCallee(attribute), let call = attribute.parent else {
                throw Unresolvable(description: "`\(method.qualifiedName)` is used as a value at line \(line)")
            }
            result.append((call, scope))
        }
        // In the class body itself the method is a plain name.
        for reference in model.references(to: name, boundIn: classScope) {
            guard isCallee(reference.node), let call = reference.node.parent else {
                throw Unresolvable(
                    description:
                        "`\(method.qualifiedName)` is used as a value at line \(reference.node.startPosition.line)")
            }
            result.append((call, reference.scope))
        }
        return result
    }

    /// Whether `name` holds an object made by one of `classes` (and only that): a variable bound
    /// once, by `name = Class(…)`.
    private static func isInstance(_ name: Node, of classes: [Scope], from scope: Scope, in model: SemanticModel) -> Bool {
        let bindings = model.bindings(of: name.text, from: scope)
        guard bindings.count == 1, bindings[0].kind == .assignment, let value = bindings[0].value, value.nodeKind == .call,
            let callee = value.child(.function), callee.nodeKind == .identifier
        else { return false }
        let owner = model.scopeBinding(callee.text, from: scope)
        return classes.contains { $0.name == callee.text && $0.parent === owner }
    }

    /// Classes of this file that inherit from `classScope`, directly or through others.
    private static func subclasses(of classScope: Scope, in model: SemanticModel) -> [Scope] {
        var found: [Scope] = []
        var frontier = [classScope]
        while let base = frontier.popLast() {
            guard let baseName = base.name, let owner = base.parent else { continue }
            for candidate in model.scopes where candidate.kind == .classBody && !found.contains(where: { $0 === candidate }) {
                guard let bases = candidate.node.child(.superclasses), let where_ = candidate.parent else { continue }
                let inherits = bases.namedChildren.contains { entry in
                    entry.nodeKind == .identifier && entry.text == baseName && model.scopeBinding(baseName, from: where_) === owner
                }
                if inherits {
                    found.append(candidate)
                    frontier.append(candidate)
                }
            }
        }
        return found
    }

    /// The subclass whose base list names `node`, if that is where `node` sits.
    public static func subclassListing(_ node: Node, in model: SemanticModel) -> Scope? {
        guard let list = node.parent, list.nodeKind == .argumentList,
            let definition = list.parent, definition.nodeKind == .classDefinition,
            definition.child(.superclasses) == list
        else { return nil }
        return model.scope(of: definition)
    }

    /// The class named to `super` (`super(B, self)`), which looks past it without running its
    /// `__init__`.
    static func isSuperClassArgument(_ node: Node) -> Bool {
        guard let arguments = node.parent, arguments.nodeKind == .argumentList, arguments.namedChildren.first == node,
            let call = arguments.parent, call.nodeKind == .call
        else { return false }
        return call.child(.function)?.text == "super"
    }

    /// Uses that never call: annotations and `isinstance`/`issubclass` checks.
    public static func isTypeOnly(_ node: Node) -> Bool {
        var current: Node? = node.parent
        while let ancestor = current {
            switch ancestor.nodeKind {
            case .type: return true
            case .call:
                let callee = ancestor.child(.function)?.text
                return callee == "isinstance" || callee == "issubclass"
            case .expressionStatement, .block, .module: return false
            default: current = ancestor.parent
            }
        }
        return false
    }
}
