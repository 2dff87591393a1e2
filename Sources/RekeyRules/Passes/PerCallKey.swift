import RekeyAnalysis
import RekeyEdits
import RekeySyntax

/// Pass: a key stored on an Equinox module or a dataclass (which may be frozen, so the key cannot
/// be renewed in place) and drawn by one method becomes a keyword-only `key` parameter of that
/// method, as the seed guide's FAQ has it for Equinox (`def __call__(self, x, *, key)`). The field
/// (or the `__init__` parameter that filled it) goes, each instantiation loses the key it passed,
/// and every call of the instance passes one of its own instead: the key the instance was built
/// with when it is called once, else a subkey of one `jax.random.split` of it per call site.
///
/// Only done when every use of the class and of its instances is in view: the instances made in
/// this file and, given the project (the cross-file guard plans again with it when another file
/// names the class), those made in the files that import it. Each instance is bound to one name,
/// called directly (never in a loop, never handed on), no class anywhere subclasses it, and the
/// stored key is read by that one method alone. Anything else is left for hand migration.
struct PerCallKey: FixPass {
    static let description = PassDescription(
        title: "A key per call for frozen modules", rules: ["RK004"], fixtureGroup: nil,
        summary: """
            a key stored on an Equinox module or a dataclass and drawn by a method is taken per call instead \
            (`def __call__(self, x, *, key)`), and each call of the instance passes one.
            """)

    let file: FileContext
    let reuse: KeyReuse
    let classScope: Scope
    let method: Scope
    /// The other files of the run, whose instances are then updated too; nil: this file alone.
    var project: ProjectView? = nil

    /// Why the instances or the storage cannot be rewritten.
    private struct Refusal: Error {
        let text: String
        init(_ text: String) { self.text = text }
    }

    private var model: SemanticModel { file.model }
    private var className: String { classScope.name ?? "" }

    /// Where the key reached the object: a field of the generated `__init__`, or a parameter of
    /// the class's own `__init__` that it stores.
    private struct Storage {
        /// The edits that remove it from the class.
        var edits: [Edit]
        /// Its place among positional arguments (nil: keyword-only), and the keyword callers use.
        var position: Int?
        var keyword: String
    }

    /// One instance: the construction, the argument that passed the key, and its calls of the method.
    private struct Instance {
        let file: FileContext
        let name: String
        let statement: Node
        let keyArgument: Node
        let keyValue: Node
        let calls: [Node]
        let scope: Scope
    }

    private var generalReason: String {
        "`\(classScope.qualifiedName)` is a module or dataclass, which may be frozen: "
            + "take a key per call instead (`def \(method.name ?? "__call__")(self, …, *, key)`), split by the caller"
    }

    /// The fix, with the class as the name it changes (so the cross-file guard sees other files
    /// using it), or why not.
    func plan() -> PassPlan {
        let general = generalReason
        func refuse(_ why: String) -> PassPlan {
            .manual(reason: general + " (not done automatically: \(why))")
        }
        guard classScope.parent === model.moduleScope, method.parent === classScope, method.kind == .function,
            let methodName = method.name, let argument = reuse.argument, argument.nodeKind == .attribute,
            let selfName = firstParameterName(of: method), argument.child(.object)?.text == selfName,
            let attribute = argument.child(.attribute)?.text
        else { return .manual(reason: general) }
        if file.randomSources.moduleFramework(of: classScope) == .nnx {
            return .manual(reason: general)
        }
        if file.randomSources.mayInheritFields(classScope) {
            return refuse("`\(className)` may inherit fields from a base class")
        }
        if !model.decoratorNames(of: method).isEmpty {
            return refuse("`\(methodName)` is decorated")
        }
        if let subclass = model.scopes.first(where: { $0.kind == .classBody && $0 !== classScope && isSubclass($0) }) {
            return refuse("`\(subclass.qualifiedName)` subclasses it")
        }
        // The stored key is read by this method alone, and the method is not called from the class.
        var reads: [Node] = []
        for (node, scope) in model.attributes where scope.isInside(classScope) {
            let object = node.child(.object)?.text
            let name = node.child(.attribute)?.text
            if name == methodName, object == selfName {
                return refuse("the class calls `\(methodName)` itself at line \(node.startPosition.line)")
            }
            guard name == attribute, object == selfName else { continue }
            if scope.isInside(method) {
                if SourceEditing.isAssignmentTarget(node) { return refuse("`\(methodName)` assigns `\(argument.text)`") }
                reads.append(node)
            } else if !(scope.name == "__init__" && SourceEditing.isAssignmentTarget(node)) {
                return refuse("`\(argument.text)` is also used at line \(node.startPosition.line)")
            }
        }
        let storage: Storage
        switch self.storage(of: attribute, selfName: selfName) {
        case .success(let found): storage = found
        case .failure(let reason): return refuse(reason.text)
        }
        let instances: [Instance]
        switch self.instances(storage: storage, methodName: methodName, attribute: attribute) {
        case .success(let found): instances = found
        case .failure(let reason): return refuse(reason.text)
        }

        let keyName = SourceEditing.freshName(["key", "rng_key"], avoiding: model.namesInUse(in: method))
        var edits: [String: [Edit]] = [file.path: storage.edits]
        edits[file.path, default: []].append(SourceEditing.addKeywordOnlyParameter(keyName, to: method))
        edits[file.path, default: []] += reads.map { .replacement($0.byteRange, with: keyName) }
        var spellings: [String: JaxSpelling] = [:]
        for instance in instances {
            let path = instance.file.path
            edits[path, default: []].append(
                SourceEditing.deletingListItem(instance.keyArgument) ?? .deletion(instance.keyArgument.byteRange))
            let keys: [String]
            if instance.calls.count == 1, isStable(instance.keyValue, in: instance.scope) {
                keys = [instance.keyValue.text]
            } else if instance.calls.isEmpty {
                keys = []
            } else {
                var taken = instance.file.model.namesInUse(in: instance.scope)
                let names =
                    instance.calls.count == 1
                    ? ["\(instance.name)_key"]
                    : (1...instance.calls.count).map { "\(instance.name)_key\($0)" }
                keys = names.map { name in
                    let fresh = SourceEditing.freshName([name], avoiding: taken)
                    taken.insert(fresh)
                    return fresh
                }
                var spelling = spellings[path] ?? JaxSpelling(model: instance.file.model)
                let line =
                    keys.count == 1
                    ? "\(keys[0]) = \(instance.keyValue.text)"
                    : spelling.splitStatement(into: keys, from: instance.keyValue.text, in: instance.scope, like: instance.keyValue)
                spellings[path] = spelling
                edits[path, default: []].append(SourceEditing.insertLines([line], before: instance.statement))
            }
            for (call, key) in zip(instance.calls, keys) {
                guard let arguments = call.child(.arguments) else { continue }
                edits[path, default: []].append(SourceEditing.appendToList(arguments, items: ["\(keyName)=\(key)"]))
            }
        }
        for (path, spelling) in spellings {
            edits[path, default: []] += spelling.importEdits
        }
        let publicName = PublicSurface.publicName(of: classScope, in: file)
        let publicAPI = publicName.map { [$0] } ?? []
        return .fix(
            Fix(
                title: "take `\(keyName)` in `\(classScope.qualifiedName).\(methodName)` on every call instead of storing it"
                    + PublicSurface.titleSuffix(publicAPI),
                applicability: .unsafe, edits: edits, publicAPI: publicAPI),
            touchedSymbols: [className])
    }

    // MARK: The class

    private func firstParameterName(of function: Scope) -> String? {
        guard let first = function.node.child(.parameters)?.namedChildren.first, first.nodeKind == .identifier else { return nil }
        return first.text
    }

    private func isSubclass(_ other: Scope) -> Bool {
        other.node.child(.superclasses)?.namedChildren.contains { $0.nodeKind == .identifier && $0.text == className } ?? false
    }

    /// How the key got onto the object, and the edits that take it away.
    private func storage(of attribute: String, selfName: String) -> Result<Storage, Refusal> {
        let declarations = RandomSources.fieldDeclarations(in: classScope)
        let declaration = declarations.first { $0.name.text == attribute }
        let removeDeclaration = declaration.flatMap { declaration in
            declaration.statement.parent.flatMap(SourceEditing.wholeLines).map { SourceEditing.deletingLines($0, in: model.source) }
        }
        guard let initializer = classScope.initializer else {
            // The generated `__init__`: the field in declaration order.
            guard let declaration, let removeDeclaration else {
                return .failure(Refusal("`\(attribute)` is not a field rekey can find"))
            }
            if declaration.value != nil { return .failure(Refusal("the field `\(attribute)` has a default")) }
            let position = declarations.firstIndex { $0.statement == declaration.statement }
            return .success(Storage(edits: [removeDeclaration], position: position, keyword: attribute))
        }
        // `self.<attribute> = <parameter>` in `__init__`, the parameter read nowhere else.
        guard let body = initializer.node.child(.body),
            let statement = body.namedChildren.first(where: { statement in
                guard statement.nodeKind == .expressionStatement, let assignment = statement.namedChildren.first,
                    assignment.nodeKind == .assignment, let left = assignment.child(.left), left.nodeKind == .attribute
                else { return false }
                return left.child(.object)?.text == selfName && left.child(.attribute)?.text == attribute
            }),
            let value = statement.namedChildren.first?.child(.right), value.nodeKind == .identifier,
            let parameters = initializer.node.child(.parameters)
        else {
            return .failure(Refusal("`__init__` does not store a parameter as `\(selfName).\(attribute)`"))
        }
        let items = parameters.namedChildren.filter { $0.nodeKind != .comment }
        guard let parameter = items.first(where: { $0.nodeKind == .identifier && $0.text == value.text }),
            (initializer.bindings[value.text] ?? []).count == 1,
            model.references(inside: initializer).filter({ $0.name == value.text }).count == 1
        else {
            return .failure(Refusal("`__init__` uses `\(value.text)` for more than storing it"))
        }
        let index = items.firstIndex(of: parameter)!
        let keywordOnly = items[..<index].contains { $0.nodeKind == .keywordSeparator || $0.nodeKind == .listSplatPattern }
        var edits: [Edit] = [removingParameter(parameter, among: items)]
        let others = body.namedChildren.filter { $0.nodeKind != .comment && $0 != statement }
        if others.isEmpty {
            edits.append(.replacement(statement.byteRange, with: "pass"))
        } else if let lines = SourceEditing.wholeLines(of: statement) {
            edits.append(SourceEditing.deletingLines(lines, in: model.source))
        } else {
            return .failure(Refusal("`\(statement.text)` shares its line with other code"))
        }
        if let removeDeclaration { edits.append(removeDeclaration) }
        return .success(Storage(edits: edits, position: keywordOnly ? nil : index - 1, keyword: value.text))
    }

    /// Deletes a parameter; the only one after a bare `*` takes the `*` along (CPython refuses a
    /// `*` that no named parameter follows).
    private func removingParameter(_ parameter: Node, among items: [Node]) -> Edit {
        if let star = items.last(where: { $0.nodeKind == .keywordSeparator && $0.startByte < parameter.startByte }),
            let starIndex = items.firstIndex(of: star), starIndex > 0,
            !items[(starIndex + 1)...].contains(where: {
                $0 != parameter && $0.nodeKind != .dictionarySplatPattern
                    && !($0.nodeKind == .typedParameter && $0.namedChildren.first?.nodeKind == .dictionarySplatPattern)
            })
        {
            return .deletion(ByteRange(items[starIndex - 1].endByte, parameter.endByte))
        }
        return SourceEditing.deletingListItem(parameter) ?? .deletion(parameter.byteRange)
    }

    // MARK: The instances

    /// Every instantiation of the class, each bound to a name whose only uses are calls of the
    /// method; or why not.
    private func instances(storage: Storage, methodName: String, attribute: String) -> Result<[Instance], Refusal> {
        var made: [(call: Node, scope: Scope?, file: FileContext)] = []
        for reference in model.references where reference.name == className {
            guard model.bindings(of: className, from: reference.scope).contains(where: { $0.site == classScope.node }) else { continue }
            if isInAnnotation(reference.node) { continue }
            guard let call = reference.node.parent, call.nodeKind == .call, call.child(.function) == reference.node else {
                return .failure(Refusal("`\(className)` is used as a value at line \(reference.node.startPosition.line)"))
            }
            made.append((call, model.scope(ofCall: call), file))
        }
        if let project {
            switch ProjectUses(project: project).calls(of: classScope, in: file, followingSubclasses: false) {
            case .success(let calls): made += calls.map { ($0.call, $0.scope, $0.file) }
            case .failure(let reason): return .failure(Refusal(reason.description))
            }
        }
        var result: [Instance] = []
        for (call, scope, file) in made {
            switch instance(madeBy: call, in: scope, of: file, storage: storage, methodName: methodName, attribute: attribute) {
            case .success(let instance): result.append(instance)
            case .failure(let reason): return .failure(reason)
            }
        }
        return .success(result)
    }

    /// The instance `call` makes, bound to a name whose only uses are calls of the method; or why not.
    private func instance(
        madeBy call: Node, in scope: Scope?, of file: FileContext, storage: Storage,
        methodName: String, attribute: String
    ) -> Result<Instance, Refusal> {
        let here = file.path == self.file.path ? "" : " in \(file.path)"
        let line = "line \(call.startPosition.line)\(here)"
        guard let assignment = call.parent, assignment.nodeKind == .assignment, assignment.child(.right) == call,
            let target = assignment.child(.left), target.nodeKind == .identifier,
            let statement = assignment.parent, statement.nodeKind == .expressionStatement, SourceEditing.startsLine(statement),
            let scope, scope.kind != .classBody
        else {
            return .failure(Refusal("the instance made at \(line) is not bound to a name"))
        }
        guard let arguments = call.child(.arguments), let keyArgument = keyArgument(of: arguments, storage: storage) else {
            return .failure(Refusal("the instance made at \(line) passes its key in a way rekey cannot follow"))
        }
        let keyValue = keyArgument.nodeKind == .keywordArgument ? keyArgument.child(.value)! : keyArgument
        guard isKeyExpression(keyValue, in: scope, of: file.model) else {
            return .failure(Refusal("the key given at \(line) is computed by `\(keyValue.text)`, which a split cannot take the place of"))
        }
        return calls(of: target.text, boundIn: scope, of: file, methodName: methodName, attribute: attribute).map { calls in
            Instance(
                file: file, name: target.text, statement: statement, keyArgument: keyArgument, keyValue: keyValue,
                calls: calls, scope: scope)
        }
    }

    private func isInAnnotation(_ node: Node) -> Bool {
        var current = node
        while let parent = current.parent {
            if parent.nodeKind == .type { return true }
            if parent.nodeKind == .block || parent.nodeKind == .module { return false }
            current = parent
        }
        return false
    }

    /// The argument that passes the key: by its keyword, or in its position.
    private func keyArgument(of arguments: Node, storage: Storage) -> Node? {
        let items = arguments.namedChildren.filter { $0.nodeKind != .comment }
        if items.contains(where: { $0.nodeKind == .listSplat || $0.nodeKind == .dictionarySplat }) { return nil }
        if let keyword = items.first(where: { $0.nodeKind == .keywordArgument && $0.child(.name)?.text == storage.keyword }) {
            return keyword
        }
        let positional = items.filter { $0.nodeKind != .keywordArgument }
        guard let position = storage.position, position < positional.count else { return nil }
        return positional[position]
    }

    /// A key, or an expression that makes or selects one (`PRNGKey(0)`, `keys[0]`, `self.key`):
    /// evaluating it earlier, or not at all, changes nothing but the numbers drawn.
    private func isKeyExpression(_ node: Node, in scope: Scope, of model: SemanticModel) -> Bool {
        switch node.nodeKind {
        case .identifier, .attribute: return true
        case .subscriptExpression: return node.child(.value).map { isKeyExpression($0, in: scope, of: model) } ?? false
        case .call:
            guard let callee = node.child(.function), let qualified = model.qualifiedName(of: callee, in: scope) else { return false }
            return [.constructor, .splitter, .deriver].contains(JaxRandomAPI.role(of: qualified))
        default: return false
        }
    }

    /// A plain name bound once in `scope` (or a parameter), so it still holds the key at the call.
    private func isStable(_ node: Node, in scope: Scope) -> Bool {
        node.nodeKind == .identifier && (scope.bindings[node.text]?.count ?? 0) <= 1
            && !scope.globalNames.contains(node.text) && !scope.nonlocalNames.contains(node.text)
    }

    /// The calls of the method through `name`, which must be its only uses.
    private func calls(
        of name: String, boundIn scope: Scope, of file: FileContext, methodName: String,
        attribute: String
    ) -> Result<[Node], Refusal> {
        let model = file.model
        let here = file.path == self.file.path ? "" : " in \(file.path)"
        guard (scope.bindings[name] ?? []).count == 1, !scope.globalNames.contains(name) else {
            return .failure(Refusal("`\(name)` is bound more than once\(here)"))
        }
        var calls: [Node] = []
        for reference in model.references(to: name, boundIn: scope) {
            let node = reference.node
            let line = "\(node.startPosition.line)\(here)"
            if reference.scope !== scope {
                return .failure(Refusal("`\(name)` is used inside a nested function or comprehension at line \(line)"))
            }
            let parent = node.parent
            let call: Node
            if methodName == "__call__", let parent, parent.nodeKind == .call, parent.child(.function) == node {
                call = parent
            } else if let parent, parent.nodeKind == .attribute, parent.child(.object) == node {
                let member = parent.child(.attribute)?.text
                if member == attribute { return .failure(Refusal("`\(name).\(attribute)` is read at line \(line)")) }
                guard member == methodName else { continue }
                guard let outer = parent.parent, outer.nodeKind == .call, outer.child(.function) == parent else {
                    return .failure(Refusal("`\(name).\(methodName)` is handed on at line \(line), where its calls cannot be followed"))
                }
                call = outer
            } else {
                return .failure(Refusal("`\(name)` is handed on at line \(line), where its calls cannot be followed"))
            }
            guard let arguments = call.child(.arguments), arguments.nodeKind == .argumentList,
                !arguments.namedChildren.contains(where: { $0.nodeKind == .listSplat || $0.nodeKind == .dictionarySplat })
            else {
                return .failure(Refusal("the call at line \(line) passes arguments through `*`/`**`"))
            }
            if isRepeated(call, in: scope) {
                return .failure(Refusal("`\(name)` is called in a loop at line \(line)"))
            }
            calls.append(call)
        }
        return .success(calls.sorted { $0.startByte < $1.startByte })
    }

    /// Inside a loop (or comprehension) of `scope`: one call site, many calls.
    private func isRepeated(_ node: Node, in scope: Scope) -> Bool {
        var current = node
        while let parent = current.parent, parent != scope.node {
            switch parent.nodeKind {
            case .forStatement, .whileStatement, .listComprehension, .setComprehension,
                .dictionaryComprehension, .generatorExpression:
                return true
            default: current = parent
            }
        }
        return false
    }
}
