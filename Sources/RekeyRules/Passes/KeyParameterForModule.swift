import RekeyAnalysis
import RekeyEdits
import RekeySyntax

/// Pass: an Equinox or NNX module that seeds itself inside `__init__` takes the key instead (the
/// fix for RK009). The keys its `__init__` makes from literal seeds (`jax.random.PRNGKey(0)`, or
/// `nnx.Rngs(0)`) give way to a keyword-only parameter (`*, key`, or `*, rngs: nnx.Rngs`), and
/// ``KeyThreading`` has every instantiation pass one, created at the entry points from the (first)
/// seed. One key becomes the parameter itself; several keys (`key=PRNGKey(0)` for one layer,
/// `key=PRNGKey(1)` for the next) become one split of it, a subkey per layer as in the seed
/// guide's `MyNet` — unsafe, as the layers then draw other numbers. Keys made in a loop, or from
/// a computed seed, are left for hand migration.
struct KeyParameterForModule: FixPass {
    static let description = PassDescription(
        title: "Modules that seed themselves take a key", rules: ["RK009"], fixtureGroup: nil,
        summary: """
            an Equinox or NNX module seeding itself in `__init__` takes `key` (split once per layer) or \
            `rngs`.
            """)

    /// What the finding says to do by hand when the pass cannot rewrite it.
    static func manualReason(_ framework: RandomSources.ModuleFramework) -> String {
        switch framework {
        case .equinox: return "add a `key` parameter to `__init__`, split it once per layer, and pass a key from every instantiation"
        case .nnx:
            return "add `*, rngs: nnx.Rngs` to `__init__`, pass `rngs=rngs` to each layer, and pass an `nnx.Rngs` from every instantiation"
        }
    }

    let file: FileContext
    let initializer: Scope
    let framework: RandomSources.ModuleFramework
    var project: ProjectView?

    private var model: SemanticModel { file.model }

    func plan() -> PassPlan {
        let manual = PassPlan.manual(reason: Self.manualReason(framework))
        let creations = model.calls(inside: initializer).filter { call, scope in
            scope === initializer && isKeyCreation(call) != nil
        }.map(\.call).sorted { $0.startByte < $1.startByte }
        guard let first = creations.first else { return manual }
        if let computed = creations.first(where: { $0.child(.arguments).map(containsName) ?? true }) {
            return .manual(
                reason: Self.manualReason(framework)
                    + " (not done automatically: the key at line \(computed.startPosition.line) comes from a computed seed)")
        }
        let takesRngs = isKeyCreation(first) == true
        guard creations.allSatisfy({ isKeyCreation($0) == takesRngs }), !takesRngs || file.nnxSpelling != nil else { return manual }
        if let looped = creations.lazy.compactMap(enclosingLoop).first {
            return .manual(
                reason: Self.manualReason(framework)
                    + " (not done automatically: a key is made inside the loop at line \(looped.startPosition.line))")
        }
        let preferred = takesRngs ? ["rngs"] : ["key", "rng_key"]
        var taken = model.namesInUse(in: initializer)
        let own: (parameter: String, edits: [Edit], changesStream: Bool)
        if creations.count == 1 {
            own = oneKey(first, preferred: preferred, taken: &taken)
        } else if takesRngs {
            // One `nnx.Rngs` serves every layer, each drawing its own keys; named streams
            // (`nnx.Rngs(dropout=1)`) would need merging, which is left to a person.
            guard creations.allSatisfy({ $0.child(.arguments)?.namedChildren.allSatisfy { $0.nodeKind != .keywordArgument } ?? false })
            else { return manual }
            let parameter = SourceEditing.freshName(preferred, avoiding: taken)
            own = (parameter, creations.map { .replacement($0.byteRange, with: parameter) }, true)
        } else {
            guard let split = splitKey(creations, preferred: preferred, taken: &taken) else { return manual }
            own = split
        }

        var start = KeyThreading.Start()
        start.functions = [(initializer, own.parameter, takesRngs)]
        start.entryNames = preferred
        switch KeyThreading(file: file, project: project, seedCall: first, start: start).plan() {
        case .blocked(let reason, _):
            return .manual(reason: Self.manualReason(framework) + " (not done automatically: \(reason))")
        case .planned(var edits, let applicability, _, let touched, _, let publicAPI):
            let spelled = takesRngs ? "\(own.parameter): \(file.nnxSpelling!).Rngs" : own.parameter
            edits[file.path, default: []] += [SourceEditing.addKeywordOnlyParameter(spelled, to: initializer)] + own.edits
            let title =
                creations.count == 1
                ? "take the key as a parameter of `\(initializer.qualifiedName)`"
                : "take one \(takesRngs ? "`Rngs`" : "key") in `\(initializer.qualifiedName)` for its \(creations.count) seeded layers"
            return .fix(
                Fix(
                    title: title + PublicSurface.titleSuffix(publicAPI),
                    applicability: own.changesStream ? .unsafe : applicability, edits: edits, publicAPI: publicAPI),
                touchedSymbols: touched)
        }
    }

    /// `true` for `nnx.Rngs(…)`, `false` for a `jax.random` key constructor, nil otherwise.
    private func isKeyCreation(_ call: Node) -> Bool? {
        guard let callee = call.child(.function),
            let qualified = model.qualifiedName(of: callee, in: model.scope(ofCall: call) ?? initializer)
        else { return nil }
        if qualified == "flax.nnx.Rngs" { return true }
        return JaxRandomAPI.role(of: qualified) == .constructor ? false : nil
    }

    /// The one key: `key = PRNGKey(0)` (or `rngs = nnx.Rngs(0)`) makes its local the parameter;
    /// elsewhere the call gives way to the parameter.
    private func oneKey(_ creation: Node, preferred: [String], taken: inout Set<String>)
        -> (parameter: String, edits: [Edit], changesStream: Bool)
    {
        let local = plainAssignment(of: creation)
        if let local { taken.remove(local.name) }
        let parameter =
            local.map { taken.contains($0.name) ? SourceEditing.freshName(preferred, avoiding: taken) : $0.name }
            ?? SourceEditing.freshName(preferred, avoiding: taken)
        if let local, local.name == parameter, let lines = SourceEditing.wholeLines(of: local.statement) {
            return (parameter, [SourceEditing.deletingLines(lines, in: model.source)], false)
        }
        return (parameter, [.replacement(creation.byteRange, with: parameter)], false)
    }

    /// Several keys: one `split` of the parameter before the first of them, a subkey for each —
    /// `k1 = PRNGKey(0)` gives its name to a subkey (and goes), `Linear(…, key=PRNGKey(1))` in
    /// `self.l2 = …` gets `key_l2`.
    private func splitKey(_ creations: [Node], preferred: [String], taken: inout Set<String>)
        -> (parameter: String, edits: [Edit], changesStream: Bool)?
    {
        guard let body = initializer.node.child(.body),
            let anchor = SourceEditing.statement(containing: creations[0], in: body), SourceEditing.startsLine(anchor)
        else { return nil }
        let parameter = SourceEditing.freshName(preferred, avoiding: taken)
        taken.insert(parameter)
        var subkeys: [String] = []
        var edits: [Edit] = []
        for creation in creations {
            if let local = plainAssignment(of: creation), initializer.bindings[local.name]?.count == 1,
                local.statement.parent == body, let lines = SourceEditing.wholeLines(of: local.statement)
            {
                subkeys.append(local.name)
                edits.append(SourceEditing.deletingLines(lines, in: model.source))
                continue
            }
            let subkey = SourceEditing.freshName(["key_" + (consumerName(of: creation) ?? "\(subkeys.count + 1)")], avoiding: taken)
            taken.insert(subkey)
            subkeys.append(subkey)
            edits.append(.replacement(creation.byteRange, with: subkey))
        }
        var spelling = JaxSpelling(model: model)
        let count = subkeys.count == 2 ? "" : ", \(subkeys.count)"
        let split =
            "\(subkeys.joined(separator: ", ")) = \(spelling.spell("split", in: initializer, like: creations[0]))(\(parameter)\(count))"
        edits.append(SourceEditing.insertLines([split], before: anchor))
        edits += spelling.importEdits
        return (parameter, edits, true)
    }

    /// `name = <creation>` as a whole statement: the name and the assignment.
    private func plainAssignment(of creation: Node) -> (name: String, statement: Node)? {
        guard let assignment = creation.parent, assignment.nodeKind == .assignment, assignment.child(.right) == creation,
            let left = assignment.child(.left), left.nodeKind == .identifier,
            let statement = assignment.parent, statement.nodeKind == .expressionStatement
        else { return nil }
        return (left.text, statement)
    }

    /// `l2` for a key passed as `key=` to a call assigned to `self.l2`.
    private func consumerName(of creation: Node) -> String? {
        var node = creation
        while let parent = node.parent, parent.nodeKind == .keywordArgument || parent.nodeKind == .argumentList || parent.nodeKind == .call
        {
            node = parent
        }
        guard node.nodeKind == .call, let assignment = node.parent, assignment.nodeKind == .assignment,
            let left = assignment.child(.left)
        else { return nil }
        return SourceEditing.assignedName(left)
    }

    /// The loop in `__init__` around `node`, if any: one key there would serve every iteration.
    private func enclosingLoop(of node: Node) -> Node? {
        var current = node.parent
        while let ancestor = current, ancestor != initializer.node {
            if ancestor.nodeKind == .forStatement || ancestor.nodeKind == .whileStatement { return ancestor }
            current = ancestor.parent
        }
        return nil
    }

    /// Whether a seed reads any name (only a literal seed means the same at every entry point).
    private func containsName(_ node: Node) -> Bool {
        if node.nodeKind == .keywordArgument { return node.child(.value).map(containsName) ?? false }
        return node.nodeKind == .identifier || node.namedChildren.contains(where: containsName)
    }
}
