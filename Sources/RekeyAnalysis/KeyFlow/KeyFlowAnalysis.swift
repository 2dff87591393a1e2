import RekeySyntax

/// Flow-sensitive, path-sensitive tracking of key consumption through one function body (or a
/// module's top level), following JAX's consumption table: samplers and `split` consume, `fold_in`,
/// `clone` and `key_data` do not, and project functions consume what their summaries say.
///
/// Branches join (a key consumed on either branch may be consumed after the `if`); loops run to a
/// fixed point, so a key from outside the loop consumed in the body is caught on the second
/// iteration; `return`, `raise`, `break` and `continue` end paths.
public final class KeyFlowAnalysis {
    public let model: SemanticModel
    let scope: Scope
    let summaries: KeySummaries

    public var reuses: [KeyReuse] { log.reuses }
    public private(set) var summary = FunctionKeySummary()

    private var log = KeyReuseLog()
    private let callees: CalleeResolver
    private lazy var controlFacts = ControlFacts(model: model, scope: scope)
    /// Module-level keys read by this function, by their value.
    private var globalValues: [KeyValue: String] = [:]
    /// Values known to be keys (made by `jax.random`, or key parameters): only these are assumed
    /// consumed when passed to a callee rekey cannot see into.
    private var definiteKeys = Set<KeyValue>()
    /// Values that are batches of keys (`split(key, n)` not unpacked, what `vmap` maps over):
    /// `split` refuses them, so a fix must not split one.
    private var batchValues = Set<KeyValue>()
    private var parameterValues: [KeyValue: (name: String, position: Int)] = [:]
    /// Values `self.<attr>` held on entry, for the stored-key check.
    private var storedEntryValues: [KeyValue: String] = [:]
    private var loopRanges: [ClosedRange<Int>] = []
    private var returnPaths = KeyFlowPaths.unreachable
    private var breakPaths = KeyFlowPaths.unreachable
    private var continuePaths = KeyFlowPaths.unreachable
    /// Paths reaching a `raise` inside each enclosing `try` body, innermost last.
    private var raiseCollectors: [KeyFlowPaths] = []
    /// The key values of each part of a tuple expression or tuple-returning call evaluated last,
    /// by its start byte, so `a, b = k1, k2` and `key, x = helper(key)` bind part by part.
    private var tupleParts: [Int: [Set<KeyValue>]] = [:]

    /// Names this (nested) function reads from its enclosing function, bound on entry to a
    /// placeholder key each, so the enclosing analysis learns which of them a call consumes.
    private var freeValues: [String: KeyValue] = [:]

    /// Analyses `scope`'s body: a function, or the module's top level.
    /// `summaries` gives what a project function (by its `def` node) does to keys.
    public convenience init(model: SemanticModel, scope: Scope, summaries: KeySummaries) {
        self.init(closure: scope, in: model, freeNames: [:], summaries: summaries)
    }

    /// A function nested in the one analysed (see ``CalleeResolver``): `freeNames` are the names
    /// it reads from there, each with the byte its placeholder key is made at.
    init(closure scope: Scope, in model: SemanticModel, freeNames: [String: Int], summaries: KeySummaries) {
        self.model = model
        self.scope = scope
        self.summaries = summaries
        callees = CalleeResolver(model: model, scope: scope, summaries: summaries)
        run(freeNames: freeNames)
    }

    /// What this (nested) function consumes of the keys it reads from its enclosing function.
    var freeKeyUse: CalleeResolver.FreeKeyUse {
        CalleeResolver.FreeKeyUse(
            consumed: Set(freeValues.filter { log.everConsumed.contains($0.value) }.keys),
            consumedOutright: Set(freeValues.filter { log.consumedOutright.contains($0.value) }.keys))
    }

    /// How many uses of one key a path remembers. Every reuse lists the uses before it, so a key
    /// drawn n times would cost n² (a generated file drawing one key 28,000 times took 11 GB);
    /// past this many, later uses are still reported, against the first ones remembered.
    public static let trackedUsesPerKey = 200
    /// Values handed to a callee rekey cannot see into without being known keys.
    private var handedOn = Set<KeyValue>()

    // MARK: Driving

    private func run(freeNames: [String: Int]) {
        var state = KeyFlowState()
        for (name, site) in freeNames {
            let value = KeyValue(site: site, element: nil)
            freeValues[name] = value
            state.names[name] = [value]
        }
        let body: Node?
        if scope.kind == .module {
            body = model.tree.root
        } else {
            body = scope.node.child(.body)
            bindParameters(into: &state)
        }
        guard let body else { return }
        if scope.kind == .lambda {
            let values = evaluate(body, &state)
            recordReturn(values, tuple: tupleParts[body.startByte], in: state)
            returnPaths.join(KeyFlowPaths(state))
        } else {
            var paths = KeyFlowPaths(state)
            execute(block: body, &paths)
            returnPaths.join(paths)
        }
        finishSummary()
    }

    private func bindParameters(into state: inout KeyFlowState) {
        guard let parameters = scope.node.child(.parameters) else { return }
        let keyByUse = parametersUsedAsKeys()
        var position = 0
        parameters.forEachNamedChild { parameter in
            let nameNode: Node?
            switch parameter.nodeKind {
            case .identifier: nameNode = parameter
            case .defaultParameter, .typedDefaultParameter: nameNode = parameter.child(.name)
            case .typedParameter: nameNode = parameter.namedChildren.first { $0.nodeKind == .identifier }
            default: nameNode = nil
            }
            guard parameter.nodeKind != .keywordSeparator, parameter.nodeKind != .positionalSeparator else { return }
            defer { position += 1 }
            guard let nameNode else { return }
            let name = nameNode.text
            let value = KeyValue(site: nameNode.startByte, element: nil)
            state.names[name] = [value]
            parameterValues[value] = (name, position)
            // A parameter is a known key when the body hands it to `jax.random` or its annotation
            // says so; a name like `key` alone is not enough (dictionary keys are called that too).
            if keyByUse.contains(name) || Self.hasKeyAnnotation(parameter) { definiteKeys.insert(value) }
        }
    }

    private static let keyTypeNames: Set<String> = ["PRNGKey", "KeyArray", "PRNGKeyArray"]

    /// `key: PRNGKey`, `key: chex.PRNGKey`, `key: Optional[jax.random.KeyArray]`, `key: PRNGKey |
    /// None`; not a container of keys (`carry: Tuple[Array, PRNGKey]`, whose first item is no key).
    private static func hasKeyAnnotation(_ parameter: Node) -> Bool {
        guard var type = parameter.child(.type)?.textWithoutWhitespace else { return false }
        for wrapper in ["Optional[", "typing.Optional["] where type.hasPrefix(wrapper) && type.hasSuffix("]") {
            type = String(type.dropFirst(wrapper.count).dropLast())
        }
        // Without a `|` there is nothing to replace (a replacing search costs thousands of instructions).
        if type.utf8.contains(UInt8(ascii: "|")) { type = type.replacing("|None", with: "").replacing("None|", with: "") }
        guard type.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else { return false }
        return type.split(separator: ".").last.map { keyTypeNames.contains(String($0)) } ?? false
    }

    /// Parameters that reach a `jax.random` function's key argument somewhere in the body.
    private func parametersUsedAsKeys() -> Set<String> {
        var names = Set<String>()
        for (call, callScope) in model.calls(inside: scope) {
            guard let callee = call.child(.function),
                let qualified = model.qualifiedName(of: callee, in: callScope),
                let role = JaxRandomAPI.role(of: qualified), role != .constructor,
                let argument = keyArgument(of: call), argument.nodeKind == .identifier
            else { continue }
            names.insert(argument.text)
        }
        return names
    }

    private func finishSummary() {
        for value in log.everConsumed {
            if let parameter = parameterValues[value.array] {
                summary.consumedPositions.insert(parameter.position)
                summary.consumedNames.insert(parameter.name)
            }
        }
        for value in handedOn {
            if let parameter = parameterValues[value.array], !summary.consumedNames.contains(parameter.name) {
                summary.passedOnPositions.insert(parameter.position)
                summary.passedOnNames.insert(parameter.name)
            }
        }
        let returnState = returnPaths.merged
        // A global it consumed and did not replace (`global key; key, sub = split(key)` replaces).
        for (value, name) in globalValues where log.everConsumed.contains(value) {
            if returnState.names[name]?.contains(value) ?? true { summary.consumedGlobals.insert(name) }
        }
        // A key stored on `self`, consumed, and still there when the method returns. In a test
        // class that stores it in its per-test setup, every test gets a new one: what counts
        // is how often one test consumes it, through the methods it calls (see `evaluateCall`).
        for (value, attribute) in storedEntryValues {
            guard let uses = returnState.consumed[value], !uses.isEmpty,
                returnState.names[attribute]?.contains(value) ?? true
            else { continue }
            summary.consumedStoredKeys.insert(attribute)
            if perTestAttributes[attribute] == nil { log.reportStoredKey(attribute, consumedBy: uses) }
        }
    }

    // MARK: Statements

    private func execute(block: Node, _ paths: inout KeyFlowPaths) {
        block.forEachNamedChild { statement in
            guard paths.reachable else { return }
            execute(statement, &paths)
        }
    }

    private func execute(_ statement: Node, _ paths: inout KeyFlowPaths) {
        switch statement.nodeKind {
        case .expressionStatement:
            paths.forEach { state in statement.forEachNamedChild { evaluate($0, &state) } }
        case .returnStatement:
            paths.forEach { state in
                var returned = Set<KeyValue>()
                var tuple: [Set<KeyValue>]?
                statement.forEachNamedChild { expression in
                    returned.formUnion(evaluate(expression, &state))
                    tuple = tupleParts[expression.startByte]
                }
                recordReturn(returned, tuple: tuple, in: state)
            }
            returnPaths.join(paths)
            paths = .unreachable
        case .raiseStatement:
            paths.forEach { state in statement.forEachNamedChild { evaluate($0, &state) } }
            if !raiseCollectors.isEmpty { raiseCollectors[raiseCollectors.count - 1].join(paths) }
            paths = .unreachable
        case .breakStatement:
            breakPaths.join(paths)
            paths = .unreachable
        case .continueStatement:
            continuePaths.join(paths)
            paths = .unreachable
        case .ifStatement:
            executeIf(statement, &paths)
        case .forStatement:
            executeFor(statement, &paths)
        case .whileStatement:
            executeWhile(statement, &paths)
        case .tryStatement:
            executeTry(statement, &paths)
        case .withStatement:
            for child in statement.namedChildren {
                if child.nodeKind == .withClause {
                    paths.forEach { state in
                        child.forEachNamedChild { item in
                            if let value = item.child(.value) { evaluate(value, &state) }
                        }
                    }
                } else if child.nodeKind == .block {
                    execute(block: child, &paths)
                }
            }
        case .matchStatement:
            executeMatch(statement, &paths)
        case .functionDefinition, .classDefinition, .decoratedDefinition:
            // Bodies run when called; decorators and defaults run now.
            paths.forEach { bindDefinition(statement, &$0) }
        case .deleteStatement:
            paths.forEach { state in
                statement.forEachNamedChild { target in
                    if target.nodeKind == .identifier { state.names[target.text] = nil }
                    state.forgetConditions(on: target.text)
                }
            }
        case .block:
            execute(block: statement, &paths)
        case .importStatement, .importFromStatement, .futureImportStatement, .passStatement,
            .globalStatement, .nonlocalStatement, .comment, .typeAliasStatement:
            break
        default:
            // assert, exec and the like: evaluate what they contain.
            paths.forEach { state in statement.forEachNamedChild { evaluate($0, &state) } }
        }
    }

    /// What `return` hands back, for the function's summary: a new key, a key it already
    /// consumed, or a tuple with keys at some positions.
    private func recordReturn(_ values: Set<KeyValue>, tuple: [Set<KeyValue>]?, in state: KeyFlowState) {
        if values.contains(where: { definiteKeys.contains($0) }) {
            summary.returnsKey = true
            if values.contains(where: { !state.priorUses(of: $0).isEmpty }) { summary.returnsConsumedKey = true }
        }
        if let tuple {
            summary.returnedTupleLength = max(summary.returnedTupleLength, tuple.count)
            for (position, part) in tuple.enumerated() where part.contains(where: { definiteKeys.contains($0) }) {
                summary.returnedTupleKeys.insert(position)
                if part.contains(where: { !state.priorUses(of: $0).isEmpty }) {
                    summary.returnedTupleConsumedKeys.insert(position)
                }
            }
        }
    }

    private func executeIf(_ statement: Node, _ paths: inout KeyFlowPaths) {
        let condition = statement.child(.condition)
        // `if TYPE_CHECKING:` never runs; only its `else` does.
        if let condition, SemanticModel.isTypeCheckingCondition(condition) {
            for clause in statement.children(.alternative) where clause.nodeKind == .elseClause {
                if let body = clause.child(.body) { execute(block: body, &paths) }
            }
            return
        }
        if let condition { paths.forEach { evaluate(condition, &$0) } }
        var merged = KeyFlowPaths.unreachable
        var (taken, fallthrough_) = sides(of: condition, on: paths)
        if let consequence = statement.child(.consequence) {
            execute(block: consequence, &taken)
            merged.join(taken)
        }
        var hasElse = false
        for clause in statement.children(.alternative) {
            if clause.nodeKind == .elifClause {
                let condition = clause.child(.condition)
                if let condition { fallthrough_.forEach { evaluate(condition, &$0) } }
                var branch: KeyFlowPaths
                (branch, fallthrough_) = sides(of: condition, on: fallthrough_)
                if let consequence = clause.child(.consequence) { execute(block: consequence, &branch) }
                merged.join(branch)
            } else {
                hasElse = true
                var branch = fallthrough_
                if let body = clause.child(.body) { execute(block: body, &branch) }
                merged.join(branch)
            }
        }
        if !hasElse { merged.join(fallthrough_) }
        paths = merged
    }

    /// The paths entering the branch of an `if`/`elif` condition and those passing it by. Only
    /// for a condition the function tests more than once (a name or attribute chain, maybe
    /// negated): each path remembers the side it took, and a later test of the same condition
    /// takes that side again, so reuse found only on a combination no run can take (`if flag:`
    /// consuming, then `if not flag:` consuming again) is no reuse.
    private func sides(of condition: Node?, on paths: KeyFlowPaths) -> (taken: KeyFlowPaths, skipped: KeyFlowPaths) {
        guard let condition, let (name, holds) = controlFacts.trackedFact(of: condition) else {
            return (paths, paths)
        }
        return (paths.assuming(name, is: holds), paths.assuming(name, is: !holds))
    }

    /// Runs a loop body to a fixed point; returns the paths leaving the loop: its head's fixed
    /// point (every state an iteration may start from, the entry included) joined with its
    /// breaks. A loop known to run at least once leaves through an iteration, so the entry alone
    /// is not a way out; one known to run exactly once (over `[x]`, `range(1)`) is no loop at
    /// all: its body runs once, straight through, and nothing in it is consumed "per iteration".
    /// A loop that runs exactly when a fact holds (`runsWhen`) starts iterations only from paths
    /// where it may, and leaves without one only from paths where it may not.
    private func loop(
        _ range: ByteRange, entry: KeyFlowPaths, iterations: Int? = nil, runsWhen fact: LoopEntryFact? = nil,
        iteration: (inout KeyFlowPaths) -> Void
    ) -> KeyFlowPaths {
        let savedBreaks = breakPaths
        let savedContinues = continuePaths
        breakPaths = .unreachable
        continuePaths = .unreachable
        defer {
            breakPaths = savedBreaks
            continuePaths = savedContinues
        }
        if iterations == 1 {
            var once = entry
            iteration(&once)
            once.join(continuePaths)
            return once.joined(breakPaths)
        }
        loopRanges.append(range.start...range.end)
        defer { loopRanges.removeLast() }
        let entering = fact.map { entry.assuming($0.name, is: $0.holds) } ?? entry
        // The paths after one more iteration, from the entry or after earlier ones.
        var iterated = KeyFlowPaths.unreachable
        func iterate() -> KeyFlowPaths {
            continuePaths = .unreachable
            var body = entering.joined(iterated)
            iteration(&body)
            return body.joined(continuePaths)
        }
        // Joins only add paths, so `iterated` grows until an iteration adds nothing; each
        // iteration carries a value one assignment further round the body (`a = b; b = key` takes
        // two), and bodies with longer chains than eight iterations follow are rare: past them
        // `iterated` is taken as it stands.
        for _ in 0..<8 {
            let next = iterated.joined(iterate())
            if next == iterated { break }
            iterated = next
        }
        if let iterations, iterations > 0 { return iterate().joined(breakPaths) }
        var skipping = entry
        if let fact {
            // `while flag:` left after iterations: whatever made `flag` false is not seen here.
            if !fact.lastsThroughIterations { iterated.forEach { $0.conditions[fact.name] = nil } }
            skipping = entry.assuming(fact.name, is: !fact.holds)
        }
        return skipping.joined(iterated).joined(breakPaths)
    }

    private func executeFor(_ statement: Node, _ paths: inout KeyFlowPaths) {
        var iterable = Set<KeyValue>()
        if let right = statement.child(.right) { paths.forEach { iterable.formUnion(evaluate(right, &$0)) } }
        let target = statement.child(.left)
        let count = statement.child(.right).flatMap(controlFacts.iterationCount)
        var after = loop(statement.byteRange, entry: paths, iterations: count, runsWhen: controlFacts.entryFact(ofLoop: statement)) {
            body in
            if let target { body.forEach { bindIterationTarget(target, iterable: iterable, &$0) } }
            if let block = statement.child(.body) { execute(block: block, &body) }
        }
        if let alternative = statement.child(.alternative), let block = alternative.child(.body) {
            execute(block: block, &after)
        }
        paths = after
    }

    private func executeWhile(_ statement: Node, _ paths: inout KeyFlowPaths) {
        let condition = statement.child(.condition)
        if let condition { paths.forEach { evaluate(condition, &$0) } }
        var after = loop(statement.byteRange, entry: paths, runsWhen: controlFacts.entryFact(ofLoop: statement)) { body in
            if let block = statement.child(.body) { execute(block: block, &body) }
            if let condition { body.forEach { evaluate(condition, &$0) } }
        }
        if let alternative = statement.child(.alternative), let block = alternative.child(.body) {
            execute(block: block, &after)
        }
        paths = after
    }

    /// A handler starts from the paths that reach a `raise` in the body. Exceptions from calls are
    /// not modelled: treating every call as a possible raise would make every key consumed in the
    /// body look consumed in the handler, which is not what happens on the paths that raise early.
    private func executeTry(_ statement: Node, _ paths: inout KeyFlowPaths) {
        let entry = paths
        var normal = paths
        raiseCollectors.append(.unreachable)
        if let body = statement.child(.body) { execute(block: body, &normal) }
        let raised = raiseCollectors.removeLast()
        // With explicit raises in the body, the handler starts where they are; without, from the
        // body's entry (an exception from some call, before it consumed anything we can see).
        let handlerEntry = raised.reachable ? raised : entry
        var merged = KeyFlowPaths.unreachable
        var finallyClause: Node?
        var elseClause: Node?
        var handled = false
        for clause in statement.namedChildren {
            switch clause.nodeKind {
            case .exceptClause, .exceptGroupClause:
                handled = true
                var branch = handlerEntry
                for part in clause.namedChildren where part.nodeKind == .block { execute(block: part, &branch) }
                merged.join(branch)
            case .elseClause: elseClause = clause
            case .finallyClause: finallyClause = clause
            default: break
            }
        }
        if !handled, !raiseCollectors.isEmpty { raiseCollectors[raiseCollectors.count - 1].join(raised) }
        if let elseClause, let body = elseClause.child(.body) { execute(block: body, &normal) }
        merged.join(normal)
        if let finallyClause {
            for part in finallyClause.namedChildren where part.nodeKind == .block { execute(block: part, &merged) }
        }
        paths = merged
    }

    private func executeMatch(_ statement: Node, _ paths: inout KeyFlowPaths) {
        if let subject = statement.child(.subject) { paths.forEach { evaluate(subject, &$0) } }
        var merged = paths
        if let body = statement.child(.body) {
            for clause in body.namedChildren where clause.nodeKind == .caseClause {
                var branch = paths
                if let consequence = clause.child(.consequence) { execute(block: consequence, &branch) }
                merged.join(branch)
            }
        }
        paths = merged
    }

    private func bindDefinition(_ statement: Node, _ state: inout KeyFlowState) {
        let definition = statement.nodeKind == .decoratedDefinition ? statement.child(.definition) : statement
        if statement.nodeKind == .decoratedDefinition {
            for decorator in statement.namedChildren where decorator.nodeKind == .decorator {
                decorator.forEachNamedChild { evaluate($0, &state) }
            }
        }
        if let definition, let name = definition.child(.name) {
            state.names[name.text] = nil
            state.forgetConditions(on: name.text)
            if definition.nodeKind == .functionDefinition, let parameters = definition.child(.parameters) {
                parameters.forEachNamedChild { parameter in
                    if let value = parameter.child(.value) { evaluate(value, &state) }
                }
            }
        }
    }

    // MARK: Bindings

    private func bind(_ target: Node, to values: Set<KeyValue>, _ state: inout KeyFlowState) {
        switch target.nodeKind {
        case .identifier:
            state.names[target.text] = values.isEmpty ? nil : values
            state.forgetConditions(on: target.text)
        case .attribute:
            state.forgetConditions(on: target.text)
            // A key stored on an object is there to be drawn from later, by code rekey may not
            // see (a constructor keeping its key): a parameter stored so is handed on.
            handedOn.formUnion(values)
            if let object = target.child(.object), object.text == "self" || object.text == "cls" {
                state.names[target.text] = values.isEmpty ? nil : values
            } else if let object = target.child(.object) {
                _ = evaluate(object, &state)
            }
        case .patternList, .tuplePattern, .listPattern, .tuple, .list, .parenthesizedExpression:
            // Unpacking a key array yields independent copies, each fresh; they are known keys
            // when the array was.
            let fromKeyArray = !values.isEmpty
            let definite = values.contains { definiteKeys.contains($0) }
            target.forEachNamedChild { element in
                let inner = element.nodeKind == .listSplatPattern ? element.namedChildren.first ?? element : element
                if fromKeyArray {
                    let value = KeyValue(site: inner.startByte, element: nil)
                    state.makeFresh(value)
                    if definite { definiteKeys.insert(value) }
                    bind(inner, to: [value], &state)
                } else {
                    bind(inner, to: [], &state)
                }
            }
        case .subscriptExpression:
            _ = evaluate(target, &state)
        default:
            break
        }
    }

    private func bindIterationTarget(_ target: Node, iterable: Set<KeyValue>, _ state: inout KeyFlowState) {
        // Iterating a key array yields a fresh copy per iteration, like unpacking.
        guard !iterable.isEmpty, target.nodeKind == .identifier else {
            bind(target, to: [], &state)
            return
        }
        let value = KeyValue(site: target.startByte, element: nil)
        state.makeFresh(value)
        if iterable.contains(where: { definiteKeys.contains($0) }) { definiteKeys.insert(value) }
        state.names[target.text] = [value]
        state.forgetConditions(on: target.text)
    }

    // MARK: Expressions

    /// Evaluates an expression in Python's order; returns the key values it may produce.
    @discardableResult
    private func evaluate(_ node: Node, _ state: inout KeyFlowState) -> Set<KeyValue> {
        guard state.reachable else { return [] }
        switch node.nodeKind {
        case .identifier:
            let name = node.text
            if let values = state.names[name] { return values }
            return moduleKey(node, named: name, &state)
        case .attribute:
            if let object = node.child(.object), object.nodeKind == .identifier, object.text == "self" {
                return storedValue(node, &state)
            }
            if let object = node.child(.object) { evaluate(object, &state) }
            return []
        case .call:
            return evaluateCall(node, &state)
        case .subscriptExpression:
            return evaluateSubscript(node, &state)
        case .assignment:
            let right = node.child(.right)
            let values = right.map { evaluate($0, &state) } ?? []
            guard let left = node.child(.left) else { return values }
            let targets = left.namedChildren
            if [.patternList, .tuplePattern, .listPattern].contains(left.nodeKind), let right,
                let parts = tupleParts[right.startByte], parts.count == targets.count,
                !targets.contains(where: { $0.nodeKind == .listSplatPattern })
            {
                // `a, b = k1, k2` and `key, x = helper(key)`: part by part, the same objects.
                for (target, part) in zip(targets, parts) { bind(target, to: part, &state) }
            } else {
                bind(left, to: values, &state)
            }
            return values
        case .augmentedAssignment:
            if let right = node.child(.right) { evaluate(right, &state) }
            if let left = node.child(.left) { bind(left, to: [], &state) }
            return []
        case .namedExpression:
            let values = node.child(.value).map { evaluate($0, &state) } ?? []
            if let name = node.child(.name) {
                state.names[name.text] = values.isEmpty ? nil : values
                state.forgetConditions(on: name.text)
            }
            return values
        case .conditionalExpression:
            let parts = node.namedChildren
            guard parts.count == 3 else { return [] }
            evaluate(parts[1], &state)
            var whenTrue = state
            var whenFalse = state
            let values = evaluate(parts[0], &whenTrue).union(evaluate(parts[2], &whenFalse))
            state = whenTrue.joined(whenFalse)
            return values
        case .booleanOperator:
            guard let left = node.child(.left), let right = node.child(.right) else { return [] }
            let leftValues = evaluate(left, &state)
            var taken = state
            let rightValues = evaluate(right, &taken)
            state.join(taken)
            return leftValues.union(rightValues)
        case .lambda:
            return []
        case .listComprehension, .setComprehension, .dictionaryComprehension, .generatorExpression:
            evaluateComprehension(node, &state)
            return []
        case .parenthesizedExpression:
            var values = Set<KeyValue>()
            node.forEachNamedChild { values.formUnion(evaluate($0, &state)) }
            if let inner = node.namedChildren.first, let parts = tupleParts[inner.startByte] {
                tupleParts[node.startByte] = parts
            }
            return values
        case .tuple, .list, .expressionList:
            // A tuple of keys is not itself a key; its parts are remembered for unpacking.
            var parts: [Set<KeyValue>] = []
            node.forEachNamedChild { parts.append(evaluate($0, &state)) }
            tupleParts[node.startByte] = parts
            return []
        case .string, .integer, .floatLiteral, .trueLiteral, .falseLiteral, .noneLiteral, .comment:
            return []
        default:
            node.forEachNamedChild { evaluate($0, &state) }
            return []
        }
    }

    /// A module-level key read inside a function: one value per global, the same each time it
    /// is read, so two consumptions in one function are a reuse, and the function's summary
    /// tells its callers it consumes the global.
    private func moduleKey(_ identifier: Node, named name: String, _ state: inout KeyFlowState) -> Set<KeyValue> {
        // Whether the module binds a key of that name is asked first: few of the names read are.
        guard scope.kind != .module, let binding = moduleKeyBinding(name),
            model.scopeBinding(name, from: model.scope(containingReference: identifier) ?? scope) === model.moduleScope
        else { return [] }
        return read(moduleKey: binding, named: name, &state)
    }

    private func moduleKey(name: String, _ state: inout KeyFlowState) -> Set<KeyValue> {
        moduleKeyBinding(name).map { read(moduleKey: $0, named: name, &state) } ?? []
    }

    /// The module's binding of `name` to a new key (`key = jax.random.PRNGKey(0)`), if any.
    private func moduleKeyBinding(_ name: String) -> Binding? {
        model.moduleScope.bindings[name]?.first(where: { binding in
            guard binding.kind == .assignment, let value = binding.value, value.nodeKind == .call,
                let callee = value.child(.function),
                let qualified = model.qualifiedName(of: callee, in: model.moduleScope)
            else { return false }
            return JaxRandomAPI.producesKey(qualified)
        })
    }

    private func read(moduleKey binding: Binding, named name: String, _ state: inout KeyFlowState) -> Set<KeyValue> {
        let value = KeyValue(site: binding.nameNode.startByte, element: nil)
        definiteKeys.insert(value)
        globalValues[value] = name
        state.names[name] = [value]
        return [value]
    }

    private func storedValue(_ attribute: Node, _ state: inout KeyFlowState) -> Set<KeyValue> {
        let name = attribute.text
        if let values = state.names[name] { return values }
        // Only singular key names: `self._keys` is far more often a dictionary's keys. The value
        // is not a known key, so only `jax.random`, project functions and `key=` consume it.
        guard let field = attribute.child(.attribute), scope.kind == .function,
            KeyNames.isKeyLike(field.text.drop { $0 == "_" }.description), !field.text.hasSuffix("s")
        else { return [] }
        return storedValue(named: name, madeAt: attribute, &state)
    }

    /// The key `self.<attribute>` holds: what this function last stored there, else the value
    /// it held on entry (one per attribute, made where it is first read).
    private func storedValue(named name: String, madeAt site: Node, _ state: inout KeyFlowState) -> Set<KeyValue> {
        if let values = state.names[name] { return values }
        let value = KeyValue(site: site.startByte, element: nil)
        storedEntryValues[value] = name
        if perTestAttributes[name] == true { definiteKeys.insert(value) }
        state.names[name] = [value]
        return [value]
    }

    /// The attributes of `self` that the class of this method (or of the method it is nested
    /// in) stores in its per-test setup (`setUp`, `setup_method`, its own or a base class's of
    /// this file). unittest and pytest run that on a fresh instance before every test method, so
    /// such a key is new in each test. Each maps to whether the setup stores a key made there by
    /// `jax.random` (`self.key = jax.random.key(0)`), which makes it a known key in every test.
    private lazy var perTestAttributes: [String: Bool] = {
        var method: Scope? = scope
        while let current = method, current.parent?.kind != .classBody { method = current.parent }
        guard let method, method.isFunctionLike, let classScope = method.parent else { return [:] }
        var attributes: [String: Bool] = [:]
        var pending = [classScope]
        var seen = Set<ObjectIdentifier>()
        while let current = pending.popLast(), seen.insert(ObjectIdentifier(current)).inserted {
            for setup in current.children where setup.kind == .function && ["setUp", "setup_method"].contains(setup.name) {
                if let body = setup.node.child(.body) { collectSelfAssignments(in: body, of: setup, into: &attributes) }
            }
            for base in current.node.child(.superclasses)?.namedChildren ?? [] where base.nodeKind == .identifier {
                pending += model.moduleScope.children.filter { $0.kind == .classBody && $0.name == base.text }
            }
        }
        return attributes
    }()

    private func collectSelfAssignments(in node: Node, of setup: Scope, into attributes: inout [String: Bool]) {
        for child in node.namedChildren {
            switch child.nodeKind {
            case .functionDefinition, .classDefinition, .lambda:
                continue
            case .assignment:
                guard let left = child.child(.left) else { continue }
                let targets = left.nodeKind == .attribute ? [left] : left.namedChildren.filter { $0.nodeKind == .attribute }
                var madeByJax = false
                if let right = child.child(.right), right.nodeKind == .call, let callee = right.child(.function),
                    let name = model.qualifiedName(of: callee, in: setup)
                {
                    madeByJax = JaxRandomAPI.producesKey(name)
                }
                for target in targets where target.child(.object)?.text == "self" {
                    attributes[target.text] = (attributes[target.text] ?? false) || madeByJax
                }
            default:
                collectSelfAssignments(in: child, of: setup, into: &attributes)
            }
        }
    }

    private func evaluateSubscript(_ node: Node, _ state: inout KeyFlowState) -> Set<KeyValue> {
        let arrays = node.child(.value).map { evaluate($0, &state) } ?? []
        let subscripts = node.children(.subscriptIndex)
        for index in subscripts { evaluate(index, &state) }
        guard !arrays.isEmpty else { return [] }
        guard subscripts.count == 1, subscripts[0].nodeKind != .slice else {
            // A slice is a smaller batch; which elements it shares with other uses is not tracked.
            return []
        }
        let index = subscripts[0].nodeKind == .integer ? Int(subscripts[0].text) ?? KeyValue.someElement : KeyValue.someElement
        let elements = Set(arrays.filter { $0.element == nil }.map { KeyValue(site: $0.site, element: index) })
        if arrays.contains(where: { definiteKeys.contains($0) }) { definiteKeys.formUnion(elements) }
        return elements
    }

    private func evaluateComprehension(_ node: Node, _ state: inout KeyFlowState) {
        var clauses: [Node] = []
        var body: [Node] = []
        node.forEachNamedChild { child in
            if child.nodeKind == .forInClause || child.nodeKind == .ifClause { clauses.append(child) } else { body.append(child) }
        }
        guard let first = clauses.first, first.nodeKind == .forInClause else { return }
        let iterable = first.child(.right).map { evaluate($0, &state) } ?? []
        func comprehensionIteration(iteration: inout KeyFlowState) {
            if let target = first.child(.left) { bindIterationTarget(target, iterable: iterable, &iteration) }
            for clause in clauses.dropFirst() {
                if clause.nodeKind == .forInClause {
                    let inner = clause.child(.right).map { evaluate($0, &iteration) } ?? []
                    if let target = clause.child(.left) { bindIterationTarget(target, iterable: inner, &iteration) }
                } else {
                    clause.forEachNamedChild { evaluate($0, &iteration) }
                }
            }
            for part in body { evaluate(part, &iteration) }
        }
        // Nested `for` clauses multiply the count; only a single one's is known.
        let count =
            clauses.filter { $0.nodeKind == .forInClause }.count == 1 ? first.child(.right).flatMap(controlFacts.iterationCount) : nil
        state =
            loop(node.byteRange, entry: KeyFlowPaths(state), iterations: count) { paths in
                paths.forEach { comprehensionIteration(iteration: &$0) }
            }.merged
    }

    // MARK: Calls

    private func keyArgument(of call: Node) -> Node? {
        guard let arguments = call.child(.arguments), arguments.nodeKind == .argumentList else { return nil }
        for argument in arguments.namedChildren {
            if argument.nodeKind == .keywordArgument {
                if argument.child(.name)?.text == "key" { return argument.child(.value) }
            } else if argument.nodeKind != .comment {
                return argument
            }
        }
        return nil
    }

    private func evaluateCall(_ call: Node, _ state: inout KeyFlowState) -> Set<KeyValue> {
        guard let callee = call.child(.function) else { return [] }
        let qualified = model.qualifiedName(of: callee, in: model.scope(ofCall: call) ?? scope)
        // The callee expression first (`obj.method` reads `obj`, not a stored `self.method`),
        // then arguments left to right.
        if callee.nodeKind == .attribute, let object = callee.child(.object) {
            evaluate(object, &state)
            // `queue.pop()` may change what `if queue:` tests (not what `if queue.closed:` does).
            state.conditions[object.text] = nil
        } else if callee.nodeKind != .identifier {
            evaluate(callee, &state)
        }
        var positional: [(node: Node, values: Set<KeyValue>)] = []
        var keywords: [(name: String, node: Node, values: Set<KeyValue>)] = []
        if let arguments = call.child(.arguments) {
            if arguments.nodeKind == .argumentList {
                for argument in arguments.namedChildren where argument.nodeKind != .comment {
                    if argument.nodeKind == .keywordArgument, let name = argument.child(.name), let value = argument.child(.value) {
                        keywords.append((name.text, value, evaluate(value, &state)))
                    } else {
                        positional.append((argument, evaluate(argument, &state)))
                    }
                }
            } else {
                evaluate(arguments, &state)
            }
        }
        guard state.reachable else { return [] }

        if let qualified, let role = JaxRandomAPI.role(of: qualified) {
            let keyValues = keywords.first { $0.name == "key" }?.values ?? positional.first?.values ?? []
            let keyNode = keywords.first { $0.name == "key" }?.node ?? positional.first?.node
            switch role {
            case .constructor, .deriver:
                return fresh(at: call, &state)
            case .observer:
                return []
            case .splitter:
                consume(keyValues, keyNode: keyNode, at: call, kind: .split, callee: qualified, &state)
                let keys = fresh(at: call, &state)
                batchValues.formUnion(keys)
                return keys
            case .sampler:
                consume(keyValues, keyNode: keyNode, at: call, kind: .consume(qualified), callee: qualified, &state)
                return []
            }
        }
        let isBuiltin =
            callee.nodeKind == .identifier && JaxRandomAPI.nonConsumingBuiltins.contains(callee.text)
            && model.scopeBinding(callee.text, from: scope) == nil
        if isBuiltin || qualified.map(JaxRandomAPI.readsWithoutConsuming) == true || callees.onlyTraces(callee) {
            return []
        }
        let calleeName = qualified ?? callee.text
        let callScope = model.scope(ofCall: call) ?? scope
        let transform = callees.transformed(callee, in: callScope)
        if transform?.batching == true {
            // What `vmap`/`pmap` map over is a batch of keys, whatever made it.
            for argument in positional { batchValues.formUnion(argument.values) }
        }
        if let target = callees.resolveProjectFunction(transform?.function ?? callee, in: callScope) {
            let offset = target.isMethodCall ? 1 : 0
            for (index, argument) in positional.enumerated() {
                if target.summary.consumedPositions.contains(index + offset) {
                    consume(argument.values, keyNode: argument.node, at: call, kind: .consume(calleeName), callee: calleeName, &state)
                } else if target.summary.passedOnPositions.contains(index + offset) {
                    consumeIfKey(argument.values, keyNode: argument.node, at: call, callee: calleeName, &state)
                }
            }
            for argument in keywords {
                if target.summary.consumedNames.contains(argument.name) {
                    consume(argument.values, keyNode: argument.node, at: call, kind: .consume(calleeName), callee: calleeName, &state)
                } else if target.summary.passedOnNames.contains(argument.name) {
                    consumeIfKey(argument.values, keyNode: argument.node, at: call, callee: calleeName, &state)
                }
            }
            if target.isMethodCall, callee.nodeKind == .attribute, callee.child(.object)?.text == "self",
                let method = callee.child(.attribute)
            {
                for attribute in target.summary.consumedStoredKeys.sorted() where perTestAttributes[attribute] != nil {
                    // Made at the method's name, not at the call: values made at the call's
                    // start are what the call returns.
                    let values = storedValue(named: attribute, madeAt: method, &state)
                    consume(values, keyNode: nil, keyText: attribute, at: call, kind: .consume(calleeName), callee: calleeName, &state)
                }
            }
            consumeFreeKeys(target.free.consumed, at: call, callee: calleeName, &state)
            for name in target.summary.consumedGlobals.sorted() {
                var values = state.names[name] ?? []
                if values.isEmpty, model.scopeBinding(name, from: scope) === model.moduleScope || scope.kind == .module {
                    values = moduleKey(name: name, &state)
                }
                consume(values, keyNode: nil, keyText: name, at: call, kind: .consume(calleeName), callee: calleeName, &state)
            }
            if !target.summary.returnedTupleKeys.isEmpty {
                tupleParts[call.startByte] = (0..<target.summary.returnedTupleLength).map { position in
                    guard target.summary.returnedTupleKeys.contains(position) else { return [] }
                    let value = KeyValue(site: call.startByte, element: position)
                    state.makeFresh(value)
                    definiteKeys.insert(value)
                    if target.summary.returnedTupleConsumedKeys.contains(position) {
                        log.record(call, callee: calleeName)
                        state.consumed[value, default: []].insert(KeyUse(site: call.startByte, kind: .consume(calleeName)))
                    }
                    return [value]
                }
            }
            guard target.summary.returnsKey else { return [] }
            let result = fresh(at: call, &state)
            if target.summary.returnsConsumedKey {
                // The helper hands back a key it already used: the caller's next use is a reuse.
                log.record(call, callee: calleeName)
                for value in result { state.consumed[value, default: []].insert(KeyUse(site: call.startByte, kind: .consume(calleeName))) }
            }
            return result
        }
        // `jax.lax.cond(p, lambda: f(k), …)`: one branch runs, at the call, so what any branch
        // consumes of this function's keys is consumed here, once.
        if let qualified, let branches = JaxRandomAPI.branches(of: qualified, positional: positional.map(\.node)) {
            let consumedByABranch = Set(branches.flatMap { callees.resolveProjectFunction($0, in: callScope)?.free.consumed ?? [] })
            consumeFreeKeys(consumedByABranch, at: call, callee: calleeName, &state)
        }
        // `jax.lax.fori_loop(0, n, body, x)`: the body runs on every iteration, so a key it
        // consumes of this function's is consumed again by the next one: twice at the call,
        // the second time as a loop's. Only a key the body surely draws from: a body choosing
        // `key if n == 1 else fold_in(key, i)` knows the loop runs once when it takes `key`.
        if let qualified,
            let bodies = JaxRandomAPI.loopBodies(
                of: qualified, positional: positional.map(\.node), keywords: keywords.map { ($0.name, $0.node) })
        {
            let consumedByABody = Set(bodies.flatMap { callees.resolveProjectFunction($0, in: callScope)?.free.consumedOutright ?? [] })
            for _ in 0..<2 { consumeFreeKeys(consumedByABody, at: call, callee: calleeName, loop: call.startByte...call.endByte, &state) }
        }
        // A callee rekey cannot see into consumes the keys handed to it: known keys positionally,
        // anything passed under a key's parameter name (`eqx.nn.Linear(..., key=k)`).
        for argument in positional {
            consumeIfKey(argument.values, keyNode: argument.node, at: call, callee: calleeName, &state)
        }
        // Not a stored `self._rng`: an object handed over by name may be a stream (haiku's
        // PRNGSequence), which the callee advances rather than reuses.
        for argument in keywords where KeyNames.isKeyParameter(argument.name) {
            let values = argument.values.filter { storedEntryValues[$0] == nil }
            consume(values, keyNode: argument.node, at: call, kind: .consume(calleeName), callee: calleeName, &state)
        }
        return []
    }

    /// What a callee rekey cannot see into does to an argument: consumes the known keys among
    /// its values; the others (a parameter not known to be a key) are only handed on, which the
    /// summary tells callers, whose known keys it then consumes.
    private func consumeIfKey(_ values: Set<KeyValue>, keyNode: Node, at call: Node, callee: String, _ state: inout KeyFlowState) {
        let keys = values.filter { definiteKeys.contains($0) }
        consume(keys, keyNode: keyNode, at: call, kind: .consume(callee), callee: callee, &state)
        handedOn.formUnion(values.subtracting(keys))
    }

    /// The keys of this function named `names` that `call` consumes by running a function that
    /// reads them from here (a closure, a branch, a loop body), without handing them over.
    private func consumeFreeKeys(
        _ names: Set<String>, at call: Node, callee: String, loop: ClosedRange<Int>? = nil, _ state: inout KeyFlowState
    ) {
        for name in names.sorted() {
            if let values = state.names[name] {
                consume(values, keyNode: nil, keyText: name, at: call, kind: .consume(callee), callee: callee, loop: loop, &state)
            }
        }
    }

    /// `loop`: the loop whose iterations run the call, if not the innermost one around it.
    private func consume(
        _ values: Set<KeyValue>, keyNode: Node?, keyText: String? = nil, at call: Node,
        kind: KeyUse.Kind, callee: String, loop: ClosedRange<Int>? = nil, _ state: inout KeyFlowState
    ) {
        log.consume(
            values, keyNode: keyNode, keyText: keyText, at: call, kind: kind, callee: callee, in: &state,
            loop: loop ?? loopRanges.last, batches: batchValues)
    }

    private func fresh(at call: Node, _ state: inout KeyFlowState) -> Set<KeyValue> {
        let value = KeyValue(site: call.startByte, element: nil)
        state.makeFresh(value)
        definiteKeys.insert(value)
        return [value]
    }

}
