import RekeyAnalysis
import RekeySyntax

/// Where one file's module-level names are used by the other files of the project: the calls a
/// pass must update there, or why they cannot all be known.
struct ProjectUses {
    let project: ProjectView

    struct Unresolvable: Error, CustomStringConvertible {
        let description: String
    }

    typealias Call = (call: Node, scope: Scope, file: FileContext)

    /// Files that import `name` itself (`from pkg.seeds import KEY`) from `file`'s module.
    func importers(of name: String, in file: FileContext) -> [FileContext] {
        let qualified = file.moduleName + "." + name
        return project.files(importing: file.moduleName, definedIn: file.path, spelling: name, except: file.path).filter { other in
            other.model.scopes.contains { scope in
                scope.bindings.values.joined().contains { $0.importedName.map(other.absolute) == qualified }
            }
        }
    }

    /// Reads of `name` as an attribute of `file`'s module in other files (`seeds.KEY` after
    /// `from pkg import seeds`, or `pkg.seeds.KEY` after `import pkg.seeds`).
    func attributeReads(of name: String, in file: FileContext) -> [(node: Node, file: FileContext)] {
        let qualified = file.moduleName + "." + name
        return project.files(importing: file.moduleName, definedIn: file.path, spelling: name, except: file.path).flatMap { other in
            other.model.attributes.compactMap { attribute, scope in
                guard let resolved = other.model.qualifiedName(of: attribute, in: scope), other.absolute(resolved) == qualified
                else { return nil }
                return (attribute, other)
            }
        }
    }

    /// Calls of `function` from other files: a module-level function by its name, a module-level
    /// class's `__init__` (or, given the class itself, its generated one) by the class's name,
    /// however the file imports it. A method other than `__init__` is reached through objects of
    /// any type, so another file naming it is a failure, as is any use of the function as a
    /// value. Re-exports through a package's `__init__.py` are followed, and so are subclasses
    /// unless `followingSubclasses` is false, when a subclass in another file is a failure.
    func calls(of function: Scope, in file: FileContext, followingSubclasses: Bool = true) -> Result<[Call], Unresolvable> {
        guard !file.moduleName.isEmpty, let owner = function.parent, let functionName = function.name else {
            return .success([])
        }
        let name: String
        switch owner.kind {
        case .module:
            name = functionName
        case .classBody where owner.parent?.kind == .module && functionName == "__init__":
            name = owner.name ?? functionName
        case .classBody where owner.parent?.kind == .module:
            let others = project.files(importing: file.moduleName, definedIn: file.path, spelling: functionName, except: file.path)
            if let other = others.first(where: { other in
                other.model.attributes.contains { $0.attribute.child(.attribute)?.text == functionName }
            }) {
                return .failure(
                    Unresolvable(
                        description:
                            "`.\(functionName)` in \(other.path) may reach `\(function.qualifiedName)` through an object rekey cannot type")
                )
            }
            return .success([])
        default:
            return .success([])  // nested functions are local to their file
        }
        let isClass = owner.kind == .classBody || function.kind == .classBody
        var result: [Call] = []
        // The name as other files reach it: where it is defined, and where a package's
        // `__init__.py` re-exports it (`from .base import Model` makes it `pkg.Model`).
        var spellings: [(qualified: String, module: String, definer: String)] = [(file.moduleName + "." + name, file.moduleName, file.path)]
        var seen: Set<String> = [spellings[0].qualified]
        var next = 0
        while next < spellings.count {
            let (qualified, module, definer) = spellings[next]
            next += 1
            for other in project.files(importing: module, definedIn: definer, spelling: name, except: file.path) {
                let model = other.model
                var callees = Set<Int>()
                for (call, scope) in model.calls {
                    guard let callee = call.child(.function),
                        let resolved = model.qualifiedName(of: callee, in: scope), other.absolute(resolved) == qualified
                    else { continue }
                    result.append((call, scope, other))
                    callees.insert(callee.startByte)
                }
                if other.path.hasSuffix("__init__.py"),
                    model.moduleScope.bindings.values.joined().contains(where: {
                        $0.importedName.map(other.absolute) == qualified
                    })
                {
                    let alias = other.moduleName + "." + name
                    if seen.insert(alias).inserted { spellings.append((alias, other.moduleName, other.path)) }
                }
                let mentions: [(node: Node, scope: Scope)] =
                    model.references.map { ($0.node, $0.scope) }
                    + model.attributes.map { ($0.attribute, $0.scope) }
                for (node, scope) in mentions where !callees.contains(node.startByte) {
                    guard let resolved = model.qualifiedName(of: node, in: scope), other.absolute(resolved) == qualified,
                        !(isClass && CallSites.isTypeOnly(node))
                    else { continue }
                    // `layers.Dense(...)`: the identifier `layers` is part of a callee already counted.
                    if let parent = node.parent, parent.nodeKind == .attribute, callees.contains(parent.startByte) { continue }
                    if isClass, let subclass = CallSites.subclassListing(node, in: model) {
                        guard followingSubclasses else {
                            return .failure(Unresolvable(description: "`\(subclass.qualifiedName)` in \(other.path) subclasses it"))
                        }
                        switch superInitCalls(of: subclass, in: other) {
                        case .success(let calls): result += calls
                        case .failure(let reason): return .failure(reason)
                        }
                        continue
                    }
                    return .failure(
                        Unresolvable(
                            description:
                                "`\(name)` is used as a value in \(other.path) at line \(node.startPosition.line), not called directly"))
                }
            }
        }
        return .success(result)
    }

    /// How a subclass in another file runs its base's `__init__`: the `super().__init__(…)` calls
    /// in its own `__init__`, or, when it inherits `__init__`, its instantiations in its own file
    /// and in the files importing it.
    private func superInitCalls(of subclass: Scope, in other: FileContext) -> Result<[Call], Unresolvable> {
        if let initializer = subclass.initializer {
            return .success(CallSites.superInitCalls(in: initializer, of: other.model).map { ($0.call, $0.scope, other) })
        }
        guard subclass.parent?.kind == .module else {
            return .failure(
                Unresolvable(
                    description:
                        "`\(subclass.qualifiedName)` in \(other.path) inherits `__init__` but is not a module-level class"))
        }
        switch CallSites.uses(of: subclass, in: other.model) {
        case .failure(let reason): return .failure(Unresolvable(description: "\(reason.description) in \(other.path)"))
        case .success(let local):
            return calls(of: subclass, in: other).map { local.map { ($0.call, $0.scope, other) } + $0 }
        }
    }
}
