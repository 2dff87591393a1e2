import RekeyAnalysis
import RekeyEdits
import RekeySyntax

/// Pass: thread a module-level key through the code that reads it (the fix for RK001).
///
/// The module-level `key = jax.random.PRNGKey(SEED)` goes away; every function or constructor
/// that read it takes the key as a keyword-only parameter instead, and ``KeyThreading`` follows
/// their callers up to the entry points, which create the key from the same seed. The global must
/// be a plain statement of its own, bound nowhere else.
struct GlobalKeyThreading: FixPass {
    static let description = PassDescription(
        title: "Global keys into constructors and functions", rules: ["RK001", "RK003"], fixtureGroup: nil,
        summary: """
            a function or `__init__` reading a module-level key takes `*, key` (Equinox and plain code) or \
            `*, rngs: nnx.Rngs` (Flax NNX, drawing `rngs.params()`); the global goes once nothing at module \
            scope needs it.
            """)

    let file: FileContext
    let global: Binding
    var project: ProjectView?

    private var model: SemanticModel { file.model }
    private var name: String { global.name }

    /// The fix (or why not), and the functions that read the global, which the finding names.
    func plan() -> (plan: PassPlan, readers: [String]) {
        guard let seedCall = global.value, let statement = global.site.parent else {
            return (.manual(reason: "`\(name)` is not a plain `\(name) = PRNGKey(seed)` statement"), [])
        }
        var start = KeyThreading.Start()
        start.reads = model.references(to: name, boundIn: model.moduleScope).filter { $0.node != global.nameNode }
            .map { ($0, file) }
        start.replacedGlobal = name
        let preferred = String(name.drop { $0 == "_" }.lowercased())
        start.entryNames = preferred.isEmpty ? ["key"] : [preferred, "key"]
        start.blockers = validateGlobalStatement()
        // Files that import the key itself (`from .data import KEY`) read it too; the import goes.
        var importRemovals: [String: [Edit]] = [:]
        if let project {
            for importer in ProjectUses(project: project).importers(of: name, in: file) {
                let qualified = file.moduleName + "." + name
                for scope in importer.model.scopes {
                    for binding in scope.bindings.values.joined() where binding.importedName.map(importer.absolute) == qualified {
                        guard binding.name == name, scope === importer.model.moduleScope,
                            let removal = SourceEditing.removingImportedName(binding.nameNode, from: binding.site)
                        else {
                            start.blockers.append("`\(name)` is imported by \(importer.path) in a way rekey does not rewrite")
                            continue
                        }
                        importRemovals[importer.path, default: []].append(removal)
                        start.reads += importer.model.references(to: name, boundIn: scope).map { ($0, importer) }
                    }
                }
            }
            // `seeds.KEY` in another file would outlive the global it reads.
            for (node, reader) in ProjectUses(project: project).attributeReads(of: name, in: file) {
                start.blockers.append(
                    "`\(name)` is read as `\(node.text)` in \(reader.path) at line \(node.startPosition.line), which rekey does not rewrite"
                )
            }
        }
        switch KeyThreading(file: file, project: project, seedCall: seedCall, start: start).plan() {
        case .blocked(let reason, let readers):
            return (.manual(reason: reason), readers)
        case .planned(var edits, let applicability, let readers, let touched, let notes, let publicAPI):
            guard let lines = SourceEditing.wholeLines(of: statement) else {
                return (.manual(reason: "the statement creating `\(name)` shares its line"), readers)
            }
            edits[file.path, default: []].append(SourceEditing.deletingLines(lines, in: model.source))
            for (path, removals) in importRemovals { edits[path, default: []] += removals }
            let title =
                "pass `\(name)` explicitly instead of reading it at import time"
                + (notes.isEmpty ? "" : " (" + notes.joined(separator: "; ") + ")") + PublicSurface.titleSuffix(publicAPI)
            return (
                .fix(Fix(title: title, applicability: applicability, edits: edits, publicAPI: publicAPI), touchedSymbols: touched),
                readers
            )
        }
    }

    /// The global must be a plain statement of its own at module level, bound nowhere else.
    private func validateGlobalStatement() -> [String] {
        var reasons: [String] = []
        let bindings = model.moduleScope.bindings[name] ?? []
        for other in bindings where other.nameNode != global.nameNode {
            reasons.append("`\(name)` is bound again at line \(other.nameNode.startPosition.line)")
        }
        for scope in model.scopes where scope.globalNames.contains(name) {
            reasons.append("`\(scope.qualifiedName)` declares `global \(name)`")
        }
        let statement = global.site.parent
        if global.site.parent?.parent != model.tree.root || statement.flatMap(SourceEditing.wholeLines) == nil {
            reasons.append("the statement creating `\(name)` shares its line or is nested")
        }
        if global.site.child(.right)?.nodeKind == .assignment {
            reasons.append("`\(name)` is assigned in a chained assignment")
        }
        return reasons
    }
}
