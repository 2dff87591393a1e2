import RekeyAnalysis
import RekeyEdits
import RekeySyntax

/// Pass: give every consumer of a key its own key (the fix for RK004, RK005 and RK006).
///
/// - Straight-line reuse (RK004): one `jax.random.split(key, n)` before the first use, each use
///   taking its own subkey named after what it makes (`key_w`, `key_b`, `key_noise`). When the
///   function reads `key` again later, the split also renews it (`key, key_w, key_b = …`).
/// - A loop consuming an outer key (RK005): `key, subkey = jax.random.split(key)` at the top of
///   the body, and the use takes `subkey`.
/// - A key used after it was split (RK006): the split keeps its first output as the new key
///   (`k1, k2 = split(key)` becomes `key, k1, k2 = split(key, 3)`).
///
/// A reuse a test makes on purpose (it compares the draws' results, or its name says so) is
/// never split: see ``DeliberateReuse``.
///
/// Every such fix changes the numbers drawn, so it is unsafe. Inserted lines take the block's
/// indentation and the file's line endings; only the key arguments and the inserted line change.
/// What it cannot rewrite (a key given as `keys[0]`, uses in lambdas or comprehensions, a name
/// rebound between the uses, a batch of keys, which `split` refuses) it leaves for hand
/// migration, saying why.
enum SplitBeforeReuse: FixPass {
    static let description = PassDescription(
        title: "Split before reuse", rules: ["RK004", "RK005", "RK006"], fixtureGroup: "SPLIT",
        summary: """
            one `jax.random.split` for the consumers of a reused key, subkeys named after their use; a split \
            at the top of a loop body; a key stored on `self` renewed on every call.
            """)

    /// What the pass works out once per file: every reuse of one key (all the findings whose
    /// first earlier use is the same call) shares its uses, its evidence of deliberate reuse and
    /// its split, so they are computed once per such group, not once per finding (a key consumed
    /// n times is n − 1 findings).
    final class FileCache {
        /// Reuses by the start of their first earlier use.
        let groups: [Int: [KeyReuse]]
        /// The groups with a reuse past the uses the analysis remembers.
        let incompleteGroups: Set<Int>
        var priors: [Int: Set<Int>]?
        var evidence: [String: DeliberateReuse.Evidence?] = [:]
        var splits: [String: PassPlan] = [:]

        init(reuses: [KeyReuse]) {
            groups = Dictionary(grouping: reuses.filter { !$0.earlierUses.isEmpty }) { $0.earlierUses[0].call.startByte }
            incompleteGroups = Set(groups.filter { $0.value.contains(where: \.earlierUsesIncomplete) }.keys)
        }
    }

    /// The fix for one reuse, with the module-level names it changes (the class whose method
    /// takes a key per call), or why it is left for hand migration. Given the project, a class
    /// whose method takes a key per call has its instances in the other files updated too.
    static func plan(for reuse: KeyReuse, in file: FileContext, project: ProjectView? = nil) -> PassPlan {
        if reuse.keyIsBatch {
            // `split(keys)` on a batch raises "split accepts a single key".
            return .manual(
                reason: "`\(reuse.keyText)` is a batch of keys (a whole `split(key, n)`, or what `vmap`/`pmap` "
                    + "maps over), which `jax.random.split` does not accept: make one batch per use from the key it came from "
                    + "(`split(key, (uses, n))`)")
        }
        if reuse.earlierUsesIncomplete
            || reuse.earlierUses.first.map({ file.splitCache.incompleteGroups.contains($0.call.startByte) }) == true
        {
            return .manual(
                reason: "`\(reuse.keyText)` is drawn more than \(KeyFlowAnalysis.trackedUsesPerKey) times here, "
                    + "more than rekey plans a split for: draw a batch (`jax.random.split(key, n)`) and index it")
        }
        let code =
            switch reuse.kind {
            case .reused, .storedKeyNotReplaced: "RK004"
            case .consumedInLoop: "RK005"
            case .usedAfterSplit: "RK006"
            }
        let cache = file.splitCache
        let groupKey = "\(reuse.earlierUses.first?.call.startByte ?? reuse.use.startByte) \(code)"
        let evidence: DeliberateReuse.Evidence?
        if let known = cache.evidence[groupKey] {
            evidence = known
        } else {
            var seen = Set<Int>()
            let touched = (reuse.earlierUses.map(\.call) + [reuse.use] + usesSharingTheKey(of: reuse, in: file).map(\.call))
                .filter { seen.insert($0.startByte).inserted }
            evidence = DeliberateReuse.evidence(for: touched, code: code, in: file)
            cache.evidence[groupKey] = .some(evidence)
        }
        if let evidence {
            // The compared draws keep sharing a key; a reuse beyond them still gets its split.
            let own = Set(([reuse.use] + reuse.earlierUses.map(\.call)).map(\.startByte))
            guard reuse.kind == .reused, !own.isSubset(of: evidence.compared) else { return .manual(reason: evidence.reason) }
            return splitStraightLine(reuse, in: file, keeping: evidence.compared)
        }
        switch reuse.kind {
        case .reused: return splitStraightLine(reuse, in: file)
        case .consumedInLoop: return splitPerIteration(reuse, in: file)
        case .usedAfterSplit:
            // Prefer keeping the split's first output as the key; otherwise give the split and
            // the later use separate keys, as for any reuse.
            let kept = keepFirstOutput(reuse, in: file)
            guard case .manual = kept else { return kept }
            let split = splitStraightLine(reuse, in: file)
            guard case .fix = split else { return kept }
            return split
        case .storedKeyNotReplaced: return renewStoredKey(reuse, in: file, project: project)
        }
    }

    // MARK: RK004

    /// `keeping`: calls (by start byte) that must go on sharing the key, as a test compares
    /// their results; they take the key the split renews, and only the other uses get subkeys.
    private static func splitStraightLine(_ reuse: KeyReuse, in file: FileContext, keeping: Set<Int> = []) -> PassPlan {
        // Every reuse of the group gets the one split of all its uses.
        let planKey = "\(reuse.earlierUses.first?.call.startByte ?? reuse.use.startByte) \(reuse.kind) \(keeping.sorted())"
        if let known = file.splitCache.splits[planKey] { return known }
        let plan = planSplit(reuse, in: file, keeping: keeping)
        file.splitCache.splits[planKey] = plan
        return plan
    }

    private static func planSplit(_ reuse: KeyReuse, in file: FileContext, keeping: Set<Int>) -> PassPlan {
        let model = file.model
        let allUses = usesSharingTheKey(of: reuse, in: file)
        if allUses.contains(where: { $0.argument == nil }) { return .manual(reason: readThroughCallee(reuse)) }
        guard let name = commonKeyName(allUses) else {
            return .manual(reason: "the key is not a plain name at every use (`\(reuse.keyText)`)")
        }
        // A key held on the object (`self.rng`, made by `setUp`): its uses here get subkeys of one
        // split; the attribute itself is renewed only where it may be assigned (not a frozen
        // module or dataclass).
        let isAttribute = name.contains(".")
        guard let scope = owningScope(of: allUses.map(\.call), in: model) else {
            return .manual(reason: "a use sits inside a lambda or comprehension")
        }
        let calls = allUses.map(\.call).sorted { $0.startByte < $1.startByte }
        guard let block = innermostBlock(containing: calls, in: scope),
            let anchor = SourceEditing.statement(containing: calls[0], in: block), SourceEditing.startsLine(anchor)
        else {
            return .manual(reason: "no statement line to put the split on before line \(calls[0].startPosition.line)")
        }
        // A chain: the last use renews the key itself (`key, sub = split(key)` further down). It
        // takes the key the inserted split renews, and the chain goes on from there.
        let last = calls.last!
        let chain = renewingStatement(of: name, from: last)
        if let rebinding = rebinding(of: name, in: scope, from: anchor.startByte, to: chain?.startByte ?? last.startByte, model: model) {
            return .manual(reason: "`\(name)` \(rebinding) between its uses")
        }
        let arguments = keyArguments(allUses, named: name)
            .filter { (chain == nil || $0.call != last) && !keeping.contains($0.call.startByte) }
        let groups = exclusiveGroups(arguments, priors: priorUses(in: file))
        var taken = model.namesInUse(in: scope)
        var targets: [String] = []
        var edits: [Edit] = []
        for group in groups {
            let subkey = subkeyName(for: group[0], avoiding: taken)
            taken.insert(subkey)
            targets.append(subkey)
            edits += group.map { .replacement($0.argument.byteRange, with: subkey) }
        }
        let readLater =
            isAttribute
            ? model.attributes.contains { $0.attribute.text == name && $0.attribute.startByte > last.endByte && $0.scope.isInside(scope) }
            : model.references(inside: scope).contains { reference in
                reference.name == name && reference.node.startByte > last.endByte
                    && model.scopeBinding(name, from: reference.scope) === scope
            }
        if chain != nil || readLater || !keeping.isEmpty {
            if isAttribute, let owner = scope.parent, owner.kind == .classBody,
                file.randomSources.isDataclassLike(owner) || file.randomSources.moduleFramework(of: owner) != nil
            {
                return .manual(
                    reason: "`\(name)` is read again later, and `\(owner.qualifiedName)` may be frozen: "
                        + "take a key per call instead, split by the caller")
            }
            targets.insert(name, at: 0)
        }
        // Two uses at least are never exclusive (or there would be no reuse), so there are two
        // targets: never `split(key, 1)`, which makes a batch of one where a key is expected.
        guard targets.count >= 2 else {
            return .manual(reason: "the uses of `\(name)` never meet on one path")
        }
        var spelling = JaxSpelling(model: model)
        edits.append(
            SourceEditing.insertLines(
                [spelling.splitStatement(into: targets, from: name, in: scope, like: calls[0])],
                before: anchor))
        edits += spelling.importEdits
        return .fix(
            Fix(
                title: "split `\(name)` so each use gets its own key", applicability: .unsafe,
                edits: [file.path: edits]))
    }

    /// One place a use hands over the key: the call and the argument expression.
    private struct KeyArgument {
        let call: Node
        let argument: Node
    }

    /// Every argument through which the uses hand over `name`: a call recorded once may take it
    /// twice (`model.apply(params, key, rngs={"dropout": key})`), and each needs its own key.
    private static func keyArguments(_ uses: [(call: Node, argument: Node?)], named name: String) -> [KeyArgument] {
        var result: [KeyArgument] = []
        var seen = Set<Int>()
        for (call, argument) in uses.sorted(by: { $0.call.startByte < $1.call.startByte }) {
            var found: [Node] = []
            if let list = call.child(.arguments), list.nodeKind == .argumentList {
                for item in list.namedChildren {
                    let value = item.nodeKind == .keywordArgument ? item.child(.value) : item
                    if let value, isKeyExpression(value), value.text == name { found.append(value) }
                    // A dict of keys handed over whole (`rngs={"dropout": key}`).
                    if value?.nodeKind == .dictionary {
                        for pair in value!.namedChildren where pair.nodeKind == .pair {
                            if let entry = pair.child(.value), isKeyExpression(entry), entry.text == name { found.append(entry) }
                        }
                    }
                }
            }
            if found.isEmpty, let argument { found = [argument] }
            for node in found where seen.insert(node.startByte).inserted { result.append(KeyArgument(call: call, argument: node)) }
        }
        return result
    }

    /// For each use reported as a reuse, the calls that may consume the key before it on the
    /// same run (the analysis gathers them over every path).
    private static func priorUses(in file: FileContext) -> [Int: Set<Int>] {
        if let known = file.splitCache.priors { return known }
        var priors: [Int: Set<Int>] = [:]
        for reuse in file.keyFlow.reuses {
            priors[reuse.use.startByte, default: []].formUnion(reuse.earlierUses.map(\.call.startByte))
        }
        file.splitCache.priors = priors
        return priors
    }

    /// The uses in groups that can share one subkey: two uses neither of which may come before
    /// the other on one run (the two sides of an `if`, or of two tests of one condition) are
    /// mutually exclusive. Greedy, in source order.
    private static func exclusiveGroups(_ arguments: [KeyArgument], priors: [Int: Set<Int>]) -> [[KeyArgument]] {
        func exclusive(_ a: KeyArgument, _ b: KeyArgument) -> Bool {
            let (x, y) = (a.call.startByte, b.call.startByte)
            return x != y && !(priors[y]?.contains(x) ?? false) && !(priors[x]?.contains(y) ?? false)
        }
        var groups: [[KeyArgument]] = []
        for argument in arguments {
            if let index = groups.firstIndex(where: { $0.allSatisfy { exclusive($0, argument) } }) {
                groups[index].append(argument)
            } else {
                groups.append([argument])
            }
        }
        return groups
    }

    /// The statement holding `call` when it assigns `name` from the call's result (`key, sub =
    /// split(key)`, `key = helper(key)`).
    private static func renewingStatement(of name: String, from call: Node) -> Node? {
        var current = call
        while let parent = current.parent, parent.nodeKind != .block, parent.nodeKind != .module {
            if parent.nodeKind == .assignment, parent.child(.right) == current, let left = parent.child(.left) {
                let targets = left.nodeKind == .identifier || left.nodeKind == .attribute ? [left] : left.namedChildren
                return targets.contains { isKeyExpression($0) && $0.text == name } ? parent : nil
            }
            current = parent
        }
        return nil
    }

    // MARK: RK005

    private static func splitPerIteration(_ reuse: KeyReuse, in file: FileContext) -> PassPlan {
        let model = file.model
        if let range = reuse.loop, model.tree.root.namedDescendant(for: range)?.nodeKind == .call {
            return .manual(
                reason: "`\(reuse.useCallee)` runs the function it is given on every iteration, and that function draws "
                    + "from `\(reuse.keyText)` each time: carry a key through the loop and split it there, or draw from "
                    + "`jax.random.fold_in(\(reuse.keyText), i)` with the iteration's index")
        }
        guard let argument = reuse.argument else { return .manual(reason: readThroughCallee(reuse)) }
        guard argument.nodeKind == .identifier else {
            return .manual(reason: "the key is not a plain name (`\(reuse.keyText)`)")
        }
        let name = argument.text
        guard let range = reuse.loop, let loop = model.tree.root.namedDescendant(for: range),
            loop.nodeKind == .forStatement || loop.nodeKind == .whileStatement,
            let body = loop.child(.body), let first = body.namedChildren.first(where: { $0.nodeKind != .comment }),
            SourceEditing.startsLine(first)
        else {
            return .manual(reason: "iterate over `jax.random.split(\(name), n)` instead of reusing `\(name)`")
        }
        guard let scope = owningScope(of: [reuse.use], in: model) else {
            return .manual(reason: "the use sits inside a lambda or comprehension")
        }
        // The split at the loop head renews a key that comes from before the loop; a name the
        // body binds itself (`subkey = key`) is not that, and needs a look by hand.
        let bindings = scope.bindings[name] ?? []
        if let inside = bindings.first(where: { body.byteRange.contains($0.site.byteRange) }) {
            return .manual(reason: "`\(name)` is bound inside the loop (line \(inside.site.startPosition.line)); split where it is made")
        }
        let isParameter = bindings.contains { $0.kind == .parameter }
        guard isParameter || bindings.contains(where: { $0.site.endByte <= loop.startByte }) || scope.kind == .module else {
            return .manual(reason: "`\(name)` is not bound before the loop")
        }
        var taken = model.namesInUse(in: scope)
        taken.insert(name)
        let subkey =
            taken.contains("subkey") ? subkeyName(for: KeyArgument(call: reuse.use, argument: argument), avoiding: taken) : "subkey"
        var spelling = JaxSpelling(model: model)
        var edits: [Edit] = [
            SourceEditing.insertLines(
                ["\(name), \(subkey) = \(spelling.spell("split", in: scope, like: reuse.use))(\(name))"], before: first),
            .replacement(argument.byteRange, with: subkey),
        ]
        edits += spelling.importEdits
        return .fix(Fix(title: "split `\(name)` on every iteration", applicability: .unsafe, edits: [file.path: edits]))
    }

    // MARK: RK004, a key stored on the object

    /// `x + normal(self._rng)` → `self._rng, subkey = split(self._rng)` first, then the use takes
    /// `subkey`. Only on a plain class: an Equinox module, a Flax module or a dataclass may be
    /// frozen, and renewing the key there means threading it through the caller instead.
    /// The module or dataclass (which may be frozen) that holds a stored key, whose method then
    /// takes the key per call instead; nil for another kind of reuse or class.
    private static func frozenOwner(of reuse: KeyReuse, in file: FileContext) -> (owner: Scope, method: Scope)? {
        guard reuse.kind == .storedKeyNotReplaced, let method = owningScope(of: [reuse.use], in: file.model),
            let owner = method.parent, owner.kind == .classBody,
            file.randomSources.isDataclassLike(owner) || file.randomSources.moduleFramework(of: owner) != nil
        else { return nil }
        return (owner, method)
    }

    private static func renewStoredKey(_ reuse: KeyReuse, in file: FileContext, project: ProjectView?) -> PassPlan {
        let model = file.model
        if let (owner, method) = frozenOwner(of: reuse, in: file) {
            return PerCallKey(file: file, reuse: reuse, classScope: owner, method: method, project: project).plan()
        }
        let scope = owningScope(of: [reuse.use], in: model)
        let classScope = scope?.parent.flatMap { $0.kind == .classBody ? $0 : nil }
        let manual =
            "replace the stored key on every call: "
            + "`\(reuse.keyText), subkey = jax.random.split(\(reuse.keyText))`, then use `subkey`"
        guard let argument = reuse.argument, argument.nodeKind == .attribute, argument.text == reuse.keyText,
            let scope, scope.kind == .function, let classScope,
            !(classScope.node.child(.superclasses)?.namedChildren.isEmpty == false),
            let body = scope.node.child(.body),
            let anchor = SourceEditing.statement(containing: reuse.use, in: body), SourceEditing.startsLine(anchor)
        else { return .manual(reason: manual) }
        let subkey = SourceEditing.freshName(["subkey", "key"], avoiding: model.namesInUse(in: scope))
        var spelling = JaxSpelling(model: model)
        let split = spelling.spell("split", in: scope, like: reuse.use)
        var edits: [Edit] = [
            SourceEditing.insertLines(["\(reuse.keyText), \(subkey) = \(split)(\(reuse.keyText))"], before: anchor),
            .replacement(argument.byteRange, with: subkey),
        ]
        edits += spelling.importEdits
        return .fix(Fix(title: "renew `\(reuse.keyText)` on every call", applicability: .unsafe, edits: [file.path: edits]))
    }

    // MARK: RK006

    private static func keepFirstOutput(_ reuse: KeyReuse, in file: FileContext) -> PassPlan {
        guard let argument = reuse.argument, argument.nodeKind == .identifier else {
            return .manual(reason: "the key is not a plain name (`\(reuse.keyText)`)")
        }
        let name = argument.text
        // The split that consumed it: the nearest earlier use that is `jax.random.split`.
        let model = file.model
        guard
            let split = reuse.earlierUses.reversed().map(\.call).first(where: { call in
                guard let callee = call.child(.function), let scope = model.scope(ofCall: call) else { return false }
                return model.qualifiedName(of: callee, in: scope).map { JaxRandomAPI.role(of: $0) == .splitter } ?? false
            }), let assignment = split.parent, assignment.nodeKind == .assignment, assignment.child(.right) == split,
            let targets = assignment.child(.left), [.patternList, .tuplePattern].contains(targets.nodeKind),
            targets.namedChildren.allSatisfy({ $0.nodeKind == .identifier }),
            let arguments = split.child(.arguments), arguments.nodeKind == .argumentList
        else {
            return .manual(
                reason: "keep the split's first output as the new `\(name)`: "
                    + "`\(name), subkey = jax.random.split(\(name))`")
        }
        if targets.namedChildren.contains(where: { $0.text == name }) {
            return .manual(
                reason: "`\(name)` is already renewed by the split at line \(split.startPosition.line) "
                    + "but reaches it again on another path")
        }
        let items = arguments.namedChildren.filter { $0.nodeKind != .comment }
        let outputs = targets.namedChildren.count
        guard let parent = items.first, parent.nodeKind == .identifier, parent.text == name else {
            return .manual(reason: "the split at line \(split.startPosition.line) does not split `\(name)` by name")
        }
        var edits: [Edit] = [.insertion(name + ", ", at: targets.startByte)]
        switch items.count {
        case 1:
            edits.append(.insertion(", \(outputs + 1)", at: parent.endByte))
        case 2 where items[1].nodeKind == .integer && Int(items[1].text) == outputs:
            edits.append(.replacement(items[1].byteRange, with: "\(outputs + 1)"))
        default:
            return .manual(reason: "the split at line \(split.startPosition.line) does not produce exactly its targets")
        }
        if targets.nodeKind == .tuplePattern {
            return .manual(reason: "keep the split's first output as the new `\(name)`")
        }
        return .fix(
            Fix(
                title: "keep `\(name)` as the split's first output", applicability: .unsafe,
                edits: [file.path: edits]))
    }

    // MARK: Helpers

    /// Every reuse whose first earlier use is the same call as `reuse`'s: the reuses of one key.
    private static func reusesSharingTheKey(of reuse: KeyReuse, in file: FileContext) -> [KeyReuse] {
        guard let first = reuse.earlierUses.first?.call else { return [reuse] }
        return file.splitCache.groups[first.startByte] ?? [reuse]
    }

    /// Every consumer of the reused key in its function: this reuse's uses and those of the
    /// other reuses of the same key (same first use), so one split serves them all and no use is
    /// left on the renewed key.
    private static func usesSharingTheKey(of reuse: KeyReuse, in file: FileContext) -> [(call: Node, argument: Node?)] {
        guard !reuse.earlierUses.isEmpty else { return [(reuse.use, reuse.argument)] }
        var uses: [(call: Node, argument: Node?)] = []
        var seen = Set<Int>()
        for other in reusesSharingTheKey(of: reuse, in: file) where other.kind == reuse.kind || other.kind == .reused {
            for use in other.earlierUses + [(other.use, other.argument)] where seen.insert(use.call.startByte).inserted {
                uses.append(use)
            }
        }
        return uses.isEmpty ? [(reuse.use, reuse.argument)] : uses
    }

    /// A use with no key argument: the callee reads the key itself (a global, a free name, or a
    /// key stored on the object).
    private static func readThroughCallee(_ reuse: KeyReuse) -> String {
        if reuse.keyText.hasPrefix("self.") {
            return "the methods called here draw from `\(reuse.keyText)` themselves: renew it in them "
                + "(`\(reuse.keyText), subkey = jax.random.split(\(reuse.keyText))`) or pass each call its own key"
        }
        return "the functions called here use `\(reuse.keyText)` without taking it as a parameter; "
            + "pass it to them explicitly first (RK003)"
    }

    /// The one key every use hands over: a plain name, or an attribute of `self` (`self.rng`).
    private static func commonKeyName(_ uses: [(call: Node, argument: Node?)]) -> String? {
        let names = Set(uses.map { use in use.argument.map { isKeyExpression($0) ? $0.text : "" } ?? "" })
        guard names.count == 1, let name = names.first, !name.isEmpty else { return nil }
        return name
    }

    /// A name, or `self.<attribute>`.
    private static func isKeyExpression(_ node: Node) -> Bool {
        if node.nodeKind == .identifier { return true }
        guard node.nodeKind == .attribute, let object = node.child(.object), object.nodeKind == .identifier, object.text == "self",
            node.child(.attribute) != nil
        else { return false }
        return true
    }

    /// The function (or module) all calls are evaluated in directly; nil when one is in a lambda
    /// or comprehension, or they are spread over several functions.
    private static func owningScope(of calls: [Node], in model: SemanticModel) -> Scope? {
        let scopes = calls.map { model.scope(ofCall: $0) }
        guard let first = scopes.first ?? nil, scopes.allSatisfy({ $0 === first }),
            first.kind == .function || first.kind == .module
        else { return nil }
        return first
    }

    /// The innermost block of `scope` holding every call.
    private static func innermostBlock(containing calls: [Node], in scope: Scope) -> Node? {
        let start = calls.map(\.startByte).min()!
        let end = calls.map(\.endByte).max()!
        var candidate: Node? = calls[0].parent
        while let node = candidate {
            if (node.nodeKind == .block || node.nodeKind == .module) && node.startByte <= start && node.endByte >= end {
                return node
            }
            if node == scope.node { return scope.kind == .module ? node : node.child(.body) }
            candidate = node.parent
        }
        return nil
    }

    /// The line of a binding of `name` in `scope` between two offsets, if any.
    /// Where `name` (a name, or `self.<attribute>`: any assignment to it, or a call of a method of
    /// `self`, which may assign it) may get a new value between two points of `scope`.
    private static func rebinding(of name: String, in scope: Scope, from start: Int, to end: Int, model: SemanticModel) -> String? {
        guard name.contains(".") else {
            return scope.bindings[name]?.first { $0.site.startByte > start && $0.site.startByte < end }
                .map { "is bound again at line \($0.site.startPosition.line)" }
        }
        for (attribute, attributeScope) in model.attributes
        where attributeScope.isInside(scope)
            && attribute.startByte > start && attribute.startByte < end
        {
            if attribute.text == name && SourceEditing.isAssignmentTarget(attribute) {
                return "is assigned again at line \(attribute.startPosition.line)"
            }
            if attribute.child(.object)?.text == "self" && CallSites.isCallee(attribute) {
                return "may be assigned by `\(attribute.text)` (line \(attribute.startPosition.line))"
            }
        }
        return nil
    }

    /// A readable name for the subkey a use takes: `key_` and what the use makes (`w = normal(key)`
    /// → `key_w`), else what the key is handed over as (`rng=key`, `{"dropout": key}` →
    /// `key_dropout`), else the callee (`key_normal`). Words that only say "key" are dropped, so
    /// `pickled_key = …` gives `key_pickled`, not `key_pickled_key`. When every candidate is
    /// taken the first is numbered, after an underscore if it ends in a digit (`key_layer2_2`).
    private static func subkeyName(for use: KeyArgument, avoiding taken: Set<String>) -> String {
        let stems = [assignedName(of: use.call), handedOverAs(use.argument), calleeName(of: use.call)].compactMap { $0.flatMap(stem) }
        let candidates = stems.map { "key_" + $0 }
        if let free = candidates.first(where: { !taken.contains($0) }) { return free }
        let base = candidates.first ?? "subkey"
        let separator = base.last?.isNumber == true ? "_" : ""
        var suffix = 2
        while taken.contains("\(base)\(separator)\(suffix)") { suffix += 1 }
        return "\(base)\(separator)\(suffix)"
    }

    /// `pickled_key` → `pickled`, `key_x` → `x`, `rng` → nil: a name without its key words.
    private static func stem(_ name: String) -> String? {
        let keyWords: Set<String> = ["key", "keys", "rng", "rngs", "subkey", "subkeys", "prng", "sub"]
        let words = name.split(separator: "_").map(String.init).filter { !keyWords.contains($0.lowercased()) }
        return words.isEmpty ? nil : words.joined(separator: "_")
    }

    /// The variable the use's result is assigned to (`w = normal(key, …)` → `w`).
    private static func assignedName(of call: Node) -> String? {
        var current = call
        while let parent = current.parent, parent.nodeKind != .expressionStatement, parent.nodeKind != .block {
            if parent.nodeKind == .assignment, let left = parent.child(.left),
                parent.child(.right)?.byteRange.contains(call.byteRange) == true
            {
                return SourceEditing.assignedName(left)
            }
            current = parent
        }
        return nil
    }

    /// The keyword (`rng=key`) or dict entry (`{"dropout": key}`) the key is handed over as.
    private static func handedOverAs(_ argument: Node) -> String? {
        guard let parent = argument.parent else { return nil }
        if parent.nodeKind == .keywordArgument { return parent.child(.name)?.text }
        if parent.nodeKind == .pair, let key = parent.child(.key), key.nodeKind == .string {
            let text = key.text.trimmingCharacters(in: ["'", "\""])
            return text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } ? text : nil
        }
        return nil
    }

    /// The callee's last name: `normal` for `jax.random.normal`, `jit` for `jax.jit(apply)(…)`.
    private static func calleeName(of call: Node) -> String? {
        var callee = call.child(.function)
        while let inner = callee, inner.nodeKind == .call { callee = inner.child(.function) }
        let last =
            callee?.nodeKind == .attribute
            ? callee?.child(.attribute)?.text
            : callee?.nodeKind == .identifier ? callee?.text : nil
        return last.map(SourceEditing.snakeCase)
    }
}
