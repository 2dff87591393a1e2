import RekeyAnalysis
import RekeyEdits
import RekeySyntax

/// Pass: a key hidden in a field default becomes a field the caller passes (the fix for RK008).
/// `_rng_key: jax.Array = dataclasses.field(default_factory=lambda: jax.random.PRNGKey(0))` loses
/// its default, and ``KeyThreading`` has every instantiation pass the key, created at the entry
/// points from the default's seed.
///
/// - A class without its own `__init__` keeps the generated one, which now requires the field.
///   The field stays where it is: when a field with a default comes before it (or fields may be
///   inherited), it becomes keyword-only (`field(kw_only=True)`), so no positional argument
///   changes meaning; a call passing it by position then stops the fix.
/// - A class with its own `__init__` (where Equinox ignores field defaults) takes the key as a
///   keyword-only parameter and stores it first thing: `self._rng_key = rng_key`. No `__init__`
///   is created where none was: Equinox would then ignore every other field's default too.
///
/// Only a default that is exactly a key (`PRNGKey(seed)`, `field(default=PRNGKey(seed))`, a
/// `default_factory` lambda returning one) is migrated; a sampled default needs its sampling
/// moved into code, which is left to a person.
struct RequiredKeyField: FixPass {
    static let description = PassDescription(
        title: "Key field defaults become fields the caller passes", rules: ["RK008"], fixtureGroup: nil,
        summary: """
            a key field default goes (the field becomes keyword-only where it must), or a class with its own \
            `__init__` takes the key and stores it; every instantiation passes one.
            """)

    /// What the finding says to do by hand when the pass cannot rewrite it.
    static let manualReason =
        "make the key a field without a default (or a constructor parameter) that the caller passes, and derive random state from it"

    let file: FileContext
    let classScope: Scope
    /// The field's annotated assignment (`name: type = value`).
    let field: (name: Node, value: Node, statement: Node)
    var project: ProjectView?

    private var model: SemanticModel { file.model }
    private var name: String { field.name.text }

    private static let fieldFunctions: Set<String> = [
        "dataclasses.field", "equinox.field", "flax.struct.field", "chex.field",
    ]

    func plan() -> PassPlan {
        let manual = PassPlan.manual(reason: Self.manualReason)
        guard let (seedCall, defaultArgument) = seed(of: field.value) else {
            return manual
        }
        let initializer = classScope.initializer
        let isEquinox = file.randomSources.moduleFramework(of: classScope) == .equinox
        // Fields after a default, or after inherited fields, cannot be required positionally.
        let earlierFields = RandomSources.fieldDeclarations(in: classScope).prefix { $0.statement != field.statement }
        let followsDefault = RandomSources.annotatedAssignments(in: classScope).first?.statement != field.statement
        let inherits = file.randomSources.mayInheritFields(classScope)
        let keywordOnly = (followsDefault || inherits) && !(initializer != nil && isEquinox)
        if keywordOnly, !file.settings.supports(PythonVersion(3, 10)) {
            return .manual(
                reason: Self.manualReason + " (not done automatically: the field must become "
                    + "keyword-only, and `field(kw_only=True)` needs Python 3.10 while the project supports "
                    + "\(file.settings.minimumPython.map(\.description) ?? "older"))")
        }
        guard let fieldEdits = fieldEdits(defaultArgument: defaultArgument, keywordOnly: keywordOnly) else {
            return .manual(
                reason: Self.manualReason
                    + " (not done automatically: the field must become keyword-only, and `dataclasses` means something else in this file)")
        }

        var start = KeyThreading.Start()
        var own = fieldEdits
        let parameter: String
        if let initializer {
            if let assignment = storedByInit(initializer) {
                return .manual(
                    reason: Self.manualReason
                        + " (not done automatically: `__init__` sets it too, at line \(assignment.startPosition.line))")
            }
            guard let selfName = initializer.node.child(.parameters)?.namedChildren.first,
                selfName.nodeKind == .identifier, let first = SourceEditing.firstStatement(of: initializer),
                SourceEditing.startsLine(first)
            else { return manual }
            let stripped = String(name.drop { $0 == "_" })
            parameter = SourceEditing.freshName([stripped.isEmpty ? "key" : stripped, "key"], avoiding: model.namesInUse(in: initializer))
            own += [
                SourceEditing.addKeywordOnlyParameter(parameter, to: initializer),
                SourceEditing.insertLines(["\(selfName.text).\(name) = \(parameter)"], before: first),
            ]
            start.functions = [(initializer, parameter, false)]
        } else {
            parameter = name
            start.functions = [(classScope, parameter, false)]
            let position = inherits ? nil : earlierFields.count
            start.refusesCall = { call in refusal(of: call, position: position, keywordOnly: keywordOnly) }
        }
        start.entryNames = ["key", parameter]
        start.passesKey = { call in
            guard let arguments = call.child(.arguments) else { return false }
            if arguments.namedChildren.contains(where: { $0.nodeKind == .keywordArgument && $0.child(.name)?.text == parameter }) {
                return true
            }
            // Passed by position into the generated `__init__`, where the field keeps its place.
            guard initializer == nil, !keywordOnly, !inherits else { return false }
            return positionalArguments(of: call).count > earlierFields.count
        }
        switch KeyThreading(file: file, project: project, seedCall: seedCall, start: start).plan() {
        case .blocked(let reason, _):
            return .manual(reason: Self.manualReason + " (not done automatically: \(reason))")
        case .planned(var edits, let applicability, _, let touched, _, let publicAPI):
            edits[file.path, default: []] += own
            let title =
                initializer == nil
                ? "make `\(name)` a field every caller passes"
                : "take `\(parameter)` in `\(classScope.qualifiedName).__init__` and store it as `\(name)`"
            return .fix(
                Fix(
                    title: title + PublicSurface.titleSuffix(publicAPI), applicability: applicability, edits: edits,
                    publicAPI: publicAPI), touchedSymbols: touched)
        }
    }

    /// The key-making call a default amounts to, and the `default=`/`default_factory=` argument
    /// holding it when the default is a `field(…)` call.
    private func seed(of value: Node) -> (Node, Node?)? {
        if isKeyConstructor(value) { return (value, nil) }
        guard value.nodeKind == .call, let callee = value.child(.function),
            let qualified = model.qualifiedName(of: callee, in: classScope.parent ?? model.moduleScope),
            Self.fieldFunctions.contains(qualified),
            let arguments = value.child(.arguments)
        else { return nil }
        for argument in arguments.namedChildren where argument.nodeKind == .keywordArgument {
            guard let keyword = argument.child(.name)?.text, let given = argument.child(.value) else { continue }
            if keyword == "default", isKeyConstructor(given) { return (given, argument) }
            if keyword == "default_factory", given.nodeKind == .lambda, given.child(.parameters) == nil,
                let returned = given.child(.body), isKeyConstructor(returned)
            {
                return (returned, argument)
            }
        }
        return nil
    }

    private func isKeyConstructor(_ node: Node) -> Bool {
        guard node.nodeKind == .call, let callee = node.child(.function),
            let scope = model.scope(ofCall: node),
            let qualified = model.qualifiedName(of: callee, in: scope)
        else { return false }
        return JaxRandomAPI.role(of: qualified) == .constructor
    }

    /// The field without its default: the annotation alone, or, keyword-only,
    /// `field(kw_only=True)` (keeping the other arguments of a `field(…)` call), importing
    /// `dataclasses` when the file has no `field` to call.
    private func fieldEdits(defaultArgument: Node?, keywordOnly: Bool) -> [Edit]? {
        let withoutDefault = Edit.deletion(ByteRange(field.statement.child(.type)!.endByte, field.value.endByte))
        if let defaultArgument, let arguments = defaultArgument.parent {
            if keywordOnly { return [.replacement(defaultArgument.byteRange, with: "kw_only=True")] }
            let others = arguments.namedChildren.filter { $0 != defaultArgument && $0.nodeKind != .comment }
            return [others.isEmpty ? withoutDefault : SourceEditing.deletingListItem(defaultArgument) ?? withoutDefault]
        }
        guard keywordOnly else { return [withoutDefault] }
        if let spelled = fieldSpelling() {
            return [.replacement(field.value.byteRange, with: "\(spelled)(kw_only=True)")]
        }
        guard model.moduleScope.bindings["dataclasses"] == nil, model.scopeBinding("dataclasses", from: classScope) == nil else {
            return nil
        }
        return [
            .replacement(field.value.byteRange, with: "dataclasses.field(kw_only=True)"),
            ImportPlacement.addingLine("import dataclasses", to: model),
        ]
    }

    /// How the file spells `dataclasses.field` (or `eqx.field`, which takes the same arguments).
    private func fieldSpelling() -> String? {
        var spellings: [String] = []
        for (bound, bindings) in model.moduleScope.bindings where bindings.count == 1 {
            switch bindings[0].importedName {
            case "dataclasses.field", "equinox.field": spellings.append(bound)
            case "dataclasses", "equinox": spellings.append(bound + ".field")
            default: continue
            }
        }
        return spellings.sorted { ($0.count, $0) < ($1.count, $1) }.first
    }

    private func positionalArguments(of call: Node) -> [Node] {
        call.child(.arguments)?.namedChildren.filter { $0.nodeKind != .keywordArgument && $0.nodeKind != .comment } ?? []
    }

    /// Why an instantiation cannot gain `name=…`: it passes arguments through `*`/`**` (it may
    /// pass the key already), or fills the field's slot by position where the field becomes
    /// keyword-only (or its slot is unknown).
    private func refusal(of call: Node, position: Int?, keywordOnly: Bool) -> String? {
        let positional = positionalArguments(of: call)
        let line = call.startPosition.line
        if positional.contains(where: { $0.nodeKind == .listSplat || $0.nodeKind == .dictionarySplat }) {
            return "the call at line \(line) passes arguments through `*`/`**`"
        }
        guard let position else {
            return positional.isEmpty
                ? nil : "the call at line \(line) passes fields by position, and `\(classScope.qualifiedName)` may inherit fields"
        }
        if keywordOnly, positional.count > position {
            return "the call at line \(line) passes `\(name)` by position"
        }
        return nil
    }

    /// An assignment to `self.<field>` in `__init__`, if any.
    private func storedByInit(_ initializer: Scope) -> Node? {
        var found: Node?
        func visit(_ node: Node) {
            if found != nil { return }
            if node.nodeKind == .assignment || node.nodeKind == .augmentedAssignment,
                let left = node.child(.left), left.nodeKind == .attribute,
                left.child(.attribute)?.text == name
            {
                found = node
                return
            }
            node.forEachNamedChild(visit)
        }
        initializer.node.child(.body).map(visit)
        return found
    }
}
