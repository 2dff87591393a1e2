import RekeyAnalysis
import RekeyEdits
import RekeySyntax

/// Pass: a key hidden in a default argument becomes a required parameter (the fix for RK007),
/// and every call that relied on the default passes a key, threaded by ``KeyThreading`` up to the
/// entry points, which create it from the default's seed:
/// - `def init(shape, key=jax.random.PRNGKey(0))` becomes `def init(shape, *, key)`, the seed
///   guide's keyword-only key; calls passing it by name are left alone, and a call passing it by
///   position, or through `*args`/`**kwargs`, stops the fix (it would mean something else);
/// - when callers pass the key by position and no default precedes it, it stays where it is and
///   only loses its default (`def filter(n, obs, key, threshold=0.5)`), so those calls keep binding;
/// - a test, fixture or other function a launcher runs never gains a parameter (pytest would look
///   for a fixture of that name): the key is made inside it from the same seed.
///
/// Only a default that is exactly a key-making call (`PRNGKey(seed)`, `jax.random.key(seed)`) is
/// migrated; a default that samples (`w=jax.random.normal(…)`) needs its sampling moved into the
/// body, which is left to a person.
struct RequiredKeyParameter: FixPass {
    static let description = PassDescription(
        title: "Key defaults become required parameters", rules: ["RK007"], fixtureGroup: nil,
        summary: """
            a key default becomes a required keyword-only parameter, and every call that relied on the \
            default passes a key.
            """)

    /// What the finding says to do by hand when the pass cannot rewrite it.
    static let manualReason =
        "make the key a required parameter created at the entry point, and draw random defaults inside the function from it"

    let file: FileContext
    /// The `default_parameter` (or `typed_default_parameter`) node.
    let parameter: Node
    let function: Scope
    var project: ProjectView?

    func plan() -> PassPlan {
        let model = file.model
        guard function.kind == .function, let name = parameter.child(.name)?.text,
            let value = parameter.child(.value), value.nodeKind == .call,
            let callee = value.child(.function), let outer = function.parent,
            let qualified = model.qualifiedName(of: callee, in: outer),
            JaxRandomAPI.role(of: qualified) == .constructor,
            let parameters = parameter.parent
        else {
            return .manual(reason: Self.manualReason)
        }
        let items = parameters.namedChildren.filter { $0.nodeKind != .comment }
        guard let position = items.firstIndex(of: parameter) else { return .manual(reason: Self.manualReason) }
        if items[..<position].contains(where: { $0.nodeKind == .positionalSeparator }) == false,
            items[(position + 1)...].contains(where: { $0.nodeKind == .positionalSeparator })
        {
            return .manual(reason: "`\(name)` is positional-only")
        }
        if model.isEntryPointFunction(function) {
            return keyMadeInside(name: name, value: value)
        }
        let keywordOnly = items[..<position].contains { isStar($0) }
        // Positional slots callers may fill before `name` (so a longer positional call passes it).
        let positionalIndex = items[..<position].filter { !isStar($0) && $0.nodeKind != .positionalSeparator }.count
        let isMethod = outer.kind == .classBody
        /// Arguments a call passes by position, counting the receiver of `obj.method(…)` and `Class(…)`.
        func positionalCount(_ call: Node) -> Int? {
            guard let arguments = call.child(.arguments), arguments.nodeKind == .argumentList else { return nil }
            let positional = arguments.namedChildren.filter { $0.nodeKind != .keywordArgument && $0.nodeKind != .comment }
            let viaAttribute = call.child(.function)?.nodeKind == .attribute || function.name == "__init__"
            return positional.count + (isMethod && viaAttribute ? 1 : 0)
        }

        // The calls rekey can see (the signature guard checks every call in the project again).
        var calls = (try? CallSites.uses(of: function, in: model).get())?.map(\.call) ?? []
        if let project, case .success(let others) = ProjectUses(project: project).calls(of: function, in: file) {
            calls += others.map(\.call)
        }
        // A key callers pass by position stays where it is, losing only its default (possible when
        // no default precedes it); otherwise it becomes keyword-only, the seed guide's `*, key`.
        let passedByPosition = calls.contains { (positionalCount($0) ?? 0) > positionalIndex }
        let inPlace =
            keywordOnly
            || (passedByPosition
                && !items[..<position].contains { $0.nodeKind == .defaultParameter || $0.nodeKind == .typedDefaultParameter })

        var start = KeyThreading.Start()
        start.functions = [(function, name, false)]
        start.entryNames = [name, "key"]
        start.passesKey = { call in
            guard let arguments = call.child(.arguments) else { return false }
            if arguments.namedChildren.contains(where: { $0.nodeKind == .keywordArgument && $0.child(.name)?.text == name }) {
                return true
            }
            return !keywordOnly && (positionalCount(call) ?? 0) > positionalIndex
        }
        // Calls passing arguments through splats, or (once keyword-only) the key by position: the
        // new signature would not take them.
        if !keywordOnly {
            for call in calls {
                guard let arguments = call.child(.arguments), arguments.nodeKind == .argumentList else { continue }
                let place = (call.source.path == file.path ? "" : call.source.path + " ") + "line \(call.startPosition.line)"
                if arguments.namedChildren.contains(where: { $0.nodeKind == .listSplat || $0.nodeKind == .dictionarySplat }) {
                    start.blockers.append("the call at \(place) passes arguments through `*`/`**`")
                }
                if !inPlace, (positionalCount(call) ?? 0) > positionalIndex {
                    start.blockers.append("the call at \(place) passes `\(name)` by position")
                }
            }
        }
        switch KeyThreading(file: file, project: project, seedCall: value, start: start).plan() {
        case .blocked(let reason, _):
            // A method called through objects rekey cannot type: when no default precedes the key,
            // it may simply become required where it is. Callers already passing it keep binding;
            // one that omits it makes the signature guard refuse the fix, naming that call.
            let untyped =
                isMethod && function.name != "__init__"
                && (try? CallSites.uses(of: function, in: model).get()) == nil
            guard untyped, !keywordOnly, positionalIndex > 0,
                !items[..<position].contains(where: { $0.nodeKind == .defaultParameter || $0.nodeKind == .typedDefaultParameter })
            else { return .manual(reason: reason) }
            let annotation = parameter.child(.type).map { ": " + $0.text } ?? ""
            let publicAPI = PublicSurface.publicName(of: function, in: file).map { [$0] } ?? []
            let title =
                "make `\(name)` a required parameter (its callers must all pass it already)"
                + PublicSurface.titleSuffix(publicAPI)
            return .fix(
                Fix(
                    title: title, applicability: publicAPI.isEmpty ? .safe : .unsafe,
                    edits: [file.path: [.replacement(parameter.byteRange, with: name + annotation)]], publicAPI: publicAPI),
                touchedSymbols: [])
        case .planned(var edits, let applicability, _, let touched, _, let publicAPI):
            let annotation = parameter.child(.type).map { ": " + $0.text } ?? ""
            if inPlace {
                edits[file.path, default: []].append(.replacement(parameter.byteRange, with: name + annotation))
            } else {
                edits[file.path, default: []] += movedToKeywordOnly(items: items, position: position, spelled: name + annotation)
            }
            let title =
                (inPlace && !keywordOnly ? "make `\(name)` a required parameter" : "make `\(name)` a required keyword-only parameter")
                + PublicSurface.titleSuffix(publicAPI)
            return .fix(Fix(title: title, applicability: applicability, edits: edits, publicAPI: publicAPI), touchedSymbols: touched)
        }
    }

    /// A test, fixture or other launcher-run function is called without arguments: its key is
    /// made inside it, from the default's own seed (which then means the same value each run).
    private func keyMadeInside(name: String, value: Node) -> PassPlan {
        let model = file.model
        if model.parametrizedNames(of: function).contains(name) {
            return .manual(reason: "`\(name)` is parametrized; parametrize over seeds and make the key inside the test")
        }
        guard let outer = function.parent else { return .manual(reason: Self.manualReason) }
        for identifier in RandomSources.eagerIdentifiers(in: value)
        where model.scopeBinding(identifier.text, from: function) !== model.scopeBinding(identifier.text, from: outer) {
            return .manual(reason: "`\(identifier.text)` means something else inside `\(function.qualifiedName)`")
        }
        guard let first = SourceEditing.firstStatement(of: function), SourceEditing.startsLine(first) else {
            return .manual(reason: "`\(function.qualifiedName)` has no statement on a line of its own to put the key before")
        }
        let removal = SourceEditing.deletingListItem(parameter) ?? .deletion(parameter.byteRange)
        let creation = SourceEditing.insertLines(["\(name) = \(value.text)"], before: first)
        return .fix(
            Fix(
                title: "make `\(name)` inside `\(function.qualifiedName)` from the same seed", applicability: .safe,
                edits: [file.path: [removal, creation]]), touchedSymbols: [])
    }

    private func isStar(_ item: Node) -> Bool {
        let inner = item.nodeKind == .typedParameter ? item.namedChildren.first ?? item : item
        return inner.nodeKind == .keywordSeparator || inner.nodeKind == .listSplatPattern
    }

    /// The parameter without its default, moved after the others as keyword-only: in place when
    /// only `**kwargs` follows it, else removed (with its comma) and added after the others.
    private func movedToKeywordOnly(items: [Node], position: Int, spelled: String) -> [Edit] {
        let later = items[(position + 1)...]
        if later.allSatisfy({
            $0.nodeKind == .dictionarySplatPattern
                || ($0.nodeKind == .typedParameter
                    && $0.namedChildren.first?.nodeKind == .dictionarySplatPattern)
        }) {
            return [.replacement(parameter.byteRange, with: "*, " + spelled)]
        }
        return [
            SourceEditing.deletingListItem(parameter) ?? .deletion(parameter.byteRange),
            SourceEditing.addKeywordOnlyParameter(spelled, to: function),
        ]
    }
}
