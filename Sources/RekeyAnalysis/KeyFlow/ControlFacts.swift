import RekeySyntax

/// What the key-flow walk of one body knows about its conditions and loop counts, so that paths
/// no run can take are left out: a condition tested twice, with nothing rebinding it in between,
/// takes the same side both times, and loops counting to one number run together or not at all.
final class ControlFacts {
    let model: SemanticModel
    let scope: Scope

    init(model: SemanticModel, scope: Scope) {
        self.model = model
        self.scope = scope
    }

    /// The fact an `if`/`elif` condition tests, when the body tests it more than once (each path
    /// then remembers the side it took); nil otherwise.
    func trackedFact(of condition: Node) -> (name: String, holds: Bool)? {
        guard let fact = Self.conditionFact(condition), repeated.contains(fact.name) else { return nil }
        return fact
    }

    /// `flag` → (`flag`, true), `not self.training` → (`self.training`, false), `n > 0` →
    /// (`n > 0`, true); nil for anything else (a call, another comparison, `a and b`).
    private static func conditionFact(_ condition: Node) -> (name: String, holds: Bool)? {
        switch condition.nodeKind {
        case .identifier, .attribute:
            return chainName(condition).map { ($0, true) }
        case .notOperator:
            return condition.child(.argument).flatMap(conditionFact).map { ($0.name, !$0.holds) }
        case .parenthesizedExpression:
            return condition.namedChildren.first.flatMap(conditionFact)
        case .comparisonOperator:
            let parts = condition.children
            guard parts.count == 3 else { return nil }
            switch parts[1].kind {
            case ">" where parts[2].isZero: return chainName(parts[0]).map { (positive($0), true) }
            case "<" where parts[0].isZero: return chainName(parts[2]).map { (positive($0), true) }
            default: return nil
            }
        default:
            return nil
        }
    }

    /// A name or an attribute chain on one (`n`, `self.config.steps`), spelled without spaces.
    private static func chainName(_ node: Node) -> String? {
        var object = node
        while object.nodeKind == .attribute, let inner = object.child(.object) { object = inner }
        guard object.nodeKind == .identifier else { return nil }
        return node.textWithoutWhitespace
    }

    /// The fact "`count` is positive", under which a loop counting to `count` runs. Rebinding
    /// `count` forgets it like any fact about `count` (KeyFlowState.forgetConditions).
    private static func positive(_ count: String) -> String { count + " > 0" }

    /// The fact under which a loop runs at least once, when the code says: `for _ in range(n)`
    /// and `for k in split(key, n)` run when `n > 0`; `while C:` when its condition's fact holds
    /// on entry, and `i = 0` followed by `while i < n:` when `n > 0`. Two loops counting to the
    /// same `n` are both run or both skipped; only worth remembering when something else tests it.
    func entryFact(ofLoop statement: Node) -> LoopEntryFact? {
        loopFact(statement).flatMap { repeated.contains($0.name) ? $0 : nil }
    }

    /// ``entryFact(ofLoop:)`` whether or not the body tests it again.
    private func loopFact(_ statement: Node) -> LoopEntryFact? {
        if statement.nodeKind == .whileStatement {
            guard let condition = statement.child(.condition) else { return nil }
            if let (name, holds) = Self.conditionFact(condition) {
                return LoopEntryFact(name: name, holds: holds, lastsThroughIterations: false)
            }
            return Self.countedUpFact(condition, after: statement).map {
                LoopEntryFact(name: $0, holds: true, lastsThroughIterations: true)
            }
        }
        return statement.child(.right).flatMap(iterationBound).flatMap(Self.chainName).map {
            LoopEntryFact(name: Self.positive($0), holds: true, lastsThroughIterations: true)
        }
    }

    /// `while i < n:` right after `i = 0`: its first test is `0 < n`.
    private static func countedUpFact(_ condition: Node, after loop: Node) -> String? {
        let parts = condition.children
        guard condition.nodeKind == .comparisonOperator, parts.count == 3, parts[1].kind == "<", parts[0].nodeKind == .identifier,
            let count = chainName(parts[2])
        else { return nil }
        var previous = loop.previousSibling
        while let node = previous, node.nodeKind == .comment { previous = node.previousSibling }
        guard let statement = previous, statement.nodeKind == .expressionStatement,
            let assignment = statement.namedChildren.first, assignment.nodeKind == .assignment,
            assignment.child(.left)?.text == parts[0].text, assignment.child(.right)?.isZero == true
        else { return nil }
        return positive(count)
    }

    /// The facts the analysed body tests two or more times (`if`/`elif` conditions, loops
    /// running under one, see ``entryFact(ofLoop:)``): only those are worth remembering per path
    /// (remembering all would keep apart paths that differ in nothing else, and the path limit
    /// would then merge everything sooner).
    private lazy var repeated: Set<String> = {
        var counts: [String: Int] = [:]
        func visit(_ node: Node) {
            node.forEachNamedChild { child in
                switch child.nodeKind {
                case .functionDefinition, .classDefinition, .lambda:
                    return
                case .ifStatement, .elifClause:
                    if let condition = child.child(.condition), let fact = Self.conditionFact(condition) {
                        counts[fact.name, default: 0] += 1
                    }
                case .forStatement, .whileStatement:
                    if let fact = loopFact(child) { counts[fact.name, default: 0] += 1 }
                default:
                    break
                }
                visit(child)
            }
        }
        if let body = scope.kind == .module ? model.tree.root : scope.node.child(.body) { visit(body) }
        return Set(counts.filter { $0.value > 1 }.keys)
    }()

    /// How many items iterating `iterable` yields, when the code says: a list or tuple literal
    /// (without `*` unpacking), `range(n)` with a literal `n`, `jax.random.split(key)` (2) or
    /// `split(key, n)` with a literal `n`. Nil when it depends on run time.
    func iterationCount(_ iterable: Node) -> Int? {
        switch iterable.nodeKind {
        case .list, .tuple:
            let items = iterable.namedChildren.filter { $0.nodeKind != .comment }
            return items.contains { $0.nodeKind == .listSplat } ? nil : items.count
        case .parenthesizedExpression:
            return iterable.namedChildren.first.flatMap(iterationCount)
        case .call:
            guard let bound = iterationBound(iterable) else { return isSplit(iterable) ? 2 : nil }
            return bound.nodeKind == .integer ? Int(bound.text).map { max($0, 0) } : nil
        default:
            return nil
        }
    }

    /// The count argument of `range(n)` or `jax.random.split(key, n)` (`num=n`), the number of
    /// items iterating it yields.
    private func iterationBound(_ iterable: Node) -> Node? {
        if iterable.nodeKind == .parenthesizedExpression { return iterable.namedChildren.first.flatMap(iterationBound) }
        guard iterable.nodeKind == .call, let callee = iterable.child(.function), let arguments = iterable.child(.arguments) else {
            return nil
        }
        let positional = arguments.namedChildren.filter { $0.nodeKind != .keywordArgument && $0.nodeKind != .comment }
        if callee.nodeKind == .identifier, callee.text == "range", model.scopeBinding("range", from: scope) == nil {
            return positional.count == 1 ? positional.first : nil
        }
        guard isSplit(iterable) else { return nil }
        return arguments.namedChildren.first { $0.nodeKind == .keywordArgument && $0.child(.name)?.text == "num" }?.child(.value)
            ?? positional.dropFirst().first
    }

    private func isSplit(_ call: Node) -> Bool {
        guard let callee = call.child(.function), let qualified = model.qualifiedName(of: callee, in: model.scope(ofCall: call) ?? scope)
        else { return false }
        return JaxRandomAPI.role(of: qualified) == .splitter && qualified.hasSuffix(".split")
    }
}

/// What holds on entry exactly when a loop runs at least once.
struct LoopEntryFact {
    var name: String
    var holds: Bool
    /// False for a `while` loop's own condition, which its last test found false.
    var lastsThroughIterations: Bool
}

extension Node {
    fileprivate var isZero: Bool { nodeKind == .integer && Int(text) == 0 }
}
