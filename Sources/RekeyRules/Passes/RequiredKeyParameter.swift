import RekeyAnalysis
import RekeyEdits
import RekeySyntax

/// Pass: a key hidden in a default argument becomes a required keyword-only parameter (the fix
/// for RK007): `def init(shape, key=jax.random.PRNGKey(0))` becomes `def init(shape, *, key)`,
/// and every call that relied on the default passes a key, threaded by ``KeyThreading`` up to
/// the entry points, which create it from the default's seed. Calls that already pass the key by
/// name are left alone; a call passing it by position, or through `*args`/`**kwargs`, stops the
/// fix (it would mean something else once the parameter is keyword-only).
///
/// Only a default that is exactly a key-making call (`PRNGKey(seed)`, `jax.random.key(seed)`) is
/// migrated; a default that samples (`w=jax.random.normal(…)`) needs its sampling moved into the
/// body, which is left to a person.
struct RequiredKeyParameter {
    let file: FileContext
    /// The `default_parameter` (or `typed_default_parameter`) node.
    let parameter: Node
    let function: Scope
    var project: ProjectView?

    func plan() -> PassPlan {
        let model = file.model
        guard function.kind == .function, let name = parameter.child(field: "name")?.text,
              let value = parameter.child(field: "value"), value.kind == "call",
              let callee = value.child(field: "function"), let outer = function.parent,
              let qualified = model.qualifiedName(of: callee, in: outer),
              JaxRandomAPI.role(of: qualified) == .constructor,
              let parameters = parameter.parent else {
            return .manual(reason: RandomDefaultArgument.manualReason)
        }
        let items = parameters.namedChildren.filter { $0.kind != "comment" }
        guard let position = items.firstIndex(of: parameter) else { return .manual(reason: RandomDefaultArgument.manualReason) }
        if items[..<position].contains(where: { $0.kind == "positional_separator" }) == false,
           items[(position + 1)...].contains(where: { $0.kind == "positional_separator" }) {
            return .manual(reason: "`\(name)` is positional-only")
        }
        let keywordOnly = items[..<position].contains { isStar($0) }
        // Positional slots callers may fill before `name` (so a longer positional call passes it).
        let positionalIndex = items[..<position].filter { !isStar($0) && $0.kind != "positional_separator" }.count

        var start = KeyThreading.Start()
        start.functions = [(function, name, false)]
        start.entryNames = [name, "key"]
        start.passesKey = { call in
            guard let arguments = call.child(field: "arguments") else { return false }
            return arguments.namedChildren.contains { $0.kind == "keyword_argument" && $0.child(field: "name")?.text == name }
        }
        // Calls passing the key by position or through splats: the new signature would not take them.
        let isMethod = outer.kind == .classBody
        if !keywordOnly, case .success(let calls) = CallSites.uses(of: function, in: model) {
            for (call, _) in calls {
                guard let arguments = call.child(field: "arguments"), arguments.kind == "argument_list" else { continue }
                let positional = arguments.namedChildren.filter { $0.kind != "keyword_argument" && $0.kind != "comment" }
                if positional.contains(where: { $0.kind == "list_splat" || $0.kind == "dictionary_splat" }) {
                    start.blockers.append("the call at line \(call.startPosition.line) passes arguments through `*`/`**`")
                }
                let viaAttribute = call.child(field: "function")?.kind == "attribute" || function.name == "__init__"
                let offset = isMethod && viaAttribute ? 1 : 0
                if positional.count + offset > positionalIndex {
                    start.blockers.append("the call at line \(call.startPosition.line) passes `\(name)` by position")
                }
            }
        }
        switch KeyThreading(file: file, project: project, seedCall: value, start: start).plan() {
        case .blocked(let reason, _):
            return .manual(reason: reason)
        case .planned(var edits, let applicability, _, let touched, _):
            edits[file.path, default: []] += signatureEdits(items: items, position: position, keywordOnly: keywordOnly, name: name)
            return .fix(Fix(title: "make `\(name)` a required keyword-only parameter", applicability: applicability, edits: edits),
                        touchedSymbols: touched)
        }
    }

    private func isStar(_ item: Node) -> Bool {
        let inner = item.kind == "typed_parameter" ? item.namedChildren.first ?? item : item
        return inner.kind == "keyword_separator" || inner.kind == "list_splat_pattern"
    }

    /// The parameter without its default, keyword-only: in place when nothing positional follows
    /// it, else removed (with its comma) and added after the other parameters.
    private func signatureEdits(items: [Node], position: Int, keywordOnly: Bool, name: String) -> [Edit] {
        let annotation = parameter.child(field: "type").map { ": " + $0.text } ?? ""
        let spelled = name + annotation
        let later = items[(position + 1)...]
        if keywordOnly {
            return [.replacement(parameter.byteRange, with: spelled)]
        }
        if later.allSatisfy({ $0.kind == "dictionary_splat_pattern" || ($0.kind == "typed_parameter"
            && $0.namedChildren.first?.kind == "dictionary_splat_pattern") }) {
            return [.replacement(parameter.byteRange, with: "*, " + spelled)]
        }
        // Remove it with the comma that follows it (it is not last), then add it keyword-only.
        return [SourceEditing.deletingListItem(parameter) ?? .deletion(parameter.byteRange),
                SourceEditing.addKeywordOnlyParameter(spelled, to: function)]
    }
}
