import RekeyAnalysis
import RekeyEdits
import RekeySyntax

/// Pass: an Equinox or NNX module that seeds itself inside `__init__` takes the key instead (the
/// fix for RK009): the one key its `__init__` makes from a literal seed (`jax.random.PRNGKey(0)`,
/// or `nnx.Rngs(0)`) becomes a keyword-only parameter (`*, key`, or `*, rngs: nnx.Rngs`), and
/// ``KeyThreading`` has every instantiation pass one, created at the entry points from the same
/// seed. An `__init__` that makes several keys, or seeds from a computed value, is left for hand
/// migration.
struct KeyParameterForModule {
    let file: FileContext
    let initializer: Scope
    let framework: RandomSources.ModuleFramework
    var project: ProjectView?

    func plan() -> PassPlan {
        let model = file.model
        let creations = model.calls(inside: initializer).filter { call, scope in
            guard scope === initializer, let callee = call.child(field: "function"),
                  let qualified = model.qualifiedName(of: callee, in: scope) else { return false }
            return qualified == "flax.nnx.Rngs" || JaxRandomAPI.role(of: qualified) == .constructor
        }.map(\.call)
        guard creations.count == 1, let creation = creations.first,
              let callee = creation.child(field: "function"),
              let arguments = creation.child(field: "arguments"), !containsName(arguments) else {
            return .manual(reason: ModuleWithoutKey.manualReason(framework))
        }
        let takesRngs = model.qualifiedName(of: callee, in: initializer) == "flax.nnx.Rngs"
        guard !takesRngs || file.nnxSpelling != nil else {
            return .manual(reason: ModuleWithoutKey.manualReason(framework))
        }
        // `rngs = nnx.Rngs(0)` / `key = PRNGKey(0)`: the local becomes the parameter of that name.
        let statement = creation.parent.flatMap { $0.kind == "assignment" && $0.child(field: "right") == creation ? $0 : nil }
        let local = statement?.child(field: "left").flatMap { $0.kind == "identifier" ? $0.text : nil }
        var taken = model.namesInUse(in: initializer)
        if let local { taken.remove(local) }
        let preferred = takesRngs ? ["rngs"] : ["key", "rng_key"]
        let parameter = local.map { name in taken.contains(name) ? SourceEditing.freshName(preferred, avoiding: taken) : name }
            ?? SourceEditing.freshName(preferred, avoiding: taken)

        var start = KeyThreading.Start()
        start.functions = [(initializer, parameter, takesRngs)]
        start.entryNames = preferred
        switch KeyThreading(file: file, project: project, seedCall: creation, start: start).plan() {
        case .blocked(let reason, _):
            return .manual(reason: ModuleWithoutKey.manualReason(framework) + " (not done automatically: \(reason))")
        case .planned(var edits, let applicability, _, let touched, _):
            let spelled = takesRngs ? "\(parameter): \(file.nnxSpelling!).Rngs" : parameter
            var own = [SourceEditing.addKeywordOnlyParameter(spelled, to: initializer)]
            if let statement, local == parameter, let expression = statement.parent,
               let lines = SourceEditing.wholeLines(of: expression) {
                own.append(SourceEditing.deletingLines(lines, in: model.source))
            } else {
                own.append(.replacement(creation.byteRange, with: parameter))
            }
            edits[file.path, default: []] += own
            return .fix(Fix(title: "take the key as a parameter of `\(initializer.qualifiedName)`",
                            applicability: applicability, edits: edits),
                        touchedSymbols: touched)
        }
    }

    /// Whether a seed reads any name (only a literal seed means the same at every entry point).
    private func containsName(_ node: Node) -> Bool {
        if node.kind == "keyword_argument" { return node.child(field: "value").map(containsName) ?? false }
        return node.kind == "identifier" || node.namedChildren.contains(where: containsName)
    }
}
