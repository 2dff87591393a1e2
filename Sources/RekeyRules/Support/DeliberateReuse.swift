import RekeyAnalysis
import RekeySyntax

/// Reuse a test makes on purpose: two draws from one key whose results the test then compares
/// for equality (`assert_allclose(a, b)`, `assert (a == b).all()`, `self.assertEqual(a, b)`),
/// or any reuse in a test named for it (`test_same_seed`, `test_deterministic`). Splitting the key
/// there breaks the test, so such a reuse is reported for a person to look at, never fixed.
enum DeliberateReuse {
    struct Evidence {
        /// The hand-migration reason: what shows the reuse is meant, and how to say so.
        let reason: String
        /// The calls (by start byte) whose results the test compares; every call when its name
        /// says the same numbers are meant. They must keep drawing from one key.
        let compared: Set<Int>
    }

    /// What shows that the reuse of one key by `calls` is deliberate, or nil when nothing does;
    /// `code` is the rule reporting it, for the suppression the reason suggests.
    static func evidence(for calls: [Node], code: String, in file: FileContext) -> Evidence? {
        let silencing = "if the same numbers are intended, say so with `# rekey: ignore[\(code)]` on the line"
        let model = file.model
        guard let first = calls.first, let test = enclosingTest(of: first, in: model) else { return nil }
        let name = test.name ?? ""
        let lowercased = name.lowercased()
        if let word = firstPart(of: intentWords, in: lowercased) {
            return Evidence(
                reason: "the reuse looks deliberate: the test's name says so (`\(name)`, \"\(word)\"); " + silencing,
                compared: Set(calls.map(\.startByte)))
        }
        guard let body = test.node.child(.body) else { return nil }
        // The names each draw's result flows into, in source order: the names its statement
        // assigns, then those assigned from expressions using them (`flat, _ = ravel(p)`). Names
        // assigned from a difference of two draws (`delta = jnp.abs(a - b)`) are remembered too.
        var carried = Array(repeating: Set<String>(), count: calls.count)
        var differences: [String: Set<Int>] = [:]
        func drawsIn(_ expression: Node) -> Set<Int> {
            let names = namesCarryingValues(in: expression)
            return Set(
                calls.indices.filter { index in
                    expression.byteRange.contains(calls[index].byteRange) || !carried[index].isDisjoint(with: names)
                })
        }
        visit(body) { node in
            guard node.nodeKind == .assignment, let left = node.child(.left), let right = node.child(.right) else { return }
            let targets = left.nodeKind == .identifier ? [left.text] : left.namedChildren.filter { $0.nodeKind == .identifier }.map(\.text)
            for index in drawsIn(right) { carried[index].formUnion(targets) }
            let differenced = differencedDraws(in: right, drawsIn)
            if differenced.count >= 2 { for target in targets { differences[target, default: []].formUnion(differenced) } }
        }
        var firstComparison: Node?
        var compared = Set<Int>()
        visit(body) { node in
            var draws = Set<Int>()
            if let expressions = comparedExpressions(node, in: model) {
                let sides = expressions.map(drawsIn)
                if sidesDiffer(sides[0], sides[1]) { draws = sides[0].symmetricDifference(sides[1]) }
            }
            if draws.isEmpty, isClosenessAssertion(node) {
                // `assert jnp.abs(a - b) < tol`, or of a difference computed before (`max_delta == 0.0`).
                draws = differencedDraws(in: node, drawsIn)
                visit(node) { inner in
                    if inner.nodeKind == .identifier, let from = differences[inner.text] { draws.formUnion(from) }
                }
                if draws.count < 2 { draws = [] }
            }
            guard !draws.isEmpty else { return }
            firstComparison = firstComparison ?? node
            compared.formUnion(draws.map { calls[$0].startByte })
        }
        guard let firstComparison else { return nil }
        return Evidence(
            reason: "the reuse looks deliberate: the test compares what the draws return (line \(firstComparison.startPosition.line)), "
                + "which a split would break; " + silencing,
            compared: compared)
    }

    /// The draws whose results a subtraction in `expression` takes apart (`a - b`, one draw on
    /// each side).
    private static func differencedDraws(in expression: Node, _ drawsIn: (Node) -> Set<Int>) -> Set<Int> {
        var draws = Set<Int>()
        visit(expression) { node in
            guard node.nodeKind == .binaryOperator, node.children.contains(where: { $0.kind == "-" }),
                let left = node.child(.left), let right = node.child(.right)
            else { return }
            let (a, b) = (drawsIn(left), drawsIn(right))
            if sidesDiffer(a, b) { draws.formUnion(a.symmetricDifference(b)) }
        }
        return draws
    }

    /// Two sides of a comparison stand for different draws when each carries a draw the other
    /// does not: `a` against `b`, not two values both computed from `a` and `b` (a loss of
    /// predictions and targets against another such loss). The draws compared are those only
    /// one side carries; what both sides share (the same inputs `x`) is not compared.
    private static func sidesDiffer(_ a: Set<Int>, _ b: Set<Int>) -> Bool {
        a.contains { !b.contains($0) } && b.contains { !a.contains($0) }
    }

    /// An asserted `<`, `<=` or `==` comparison: how closeness is asserted (`< 1e-6`, `== 0.0`).
    private static func isClosenessAssertion(_ node: Node) -> Bool {
        node.nodeKind == .comparisonOperator && isAsserted(node)
            && node.children.contains { ["<", "<=", "=="].contains($0.kind) }
            && !node.children.contains { [">", ">=", "!="].contains($0.kind) }
    }

    static let intentWords = [
        "same_key", "same_seed", "same_rng", "same_random", "deterministic",
        "determinism", "reproducib", "identical",
    ]

    /// Assertions that their first two arguments are equal (numpy, unittest, absltest, chex).
    static let equalityAssertions: Set<String> = [
        "assert_allclose", "assert_array_equal", "assert_array_almost_equal", "assert_almost_equal", "assert_equal",
        "assertEqual", "assertAlmostEqual", "assertAllClose", "assertAllEqual", "assertArraysEqual",
        "assertArraysAllClose", "assert_trees_all_close", "assert_trees_all_equal", "assert_tree_all_close",
    ]
    /// Predicates of equality, which count when asserted (`assert jnp.allclose(a, b)`).
    static let equalityPredicates: Set<String> = ["allclose", "array_equal", "array_equiv", "isclose"]

    /// The test function (`test…`) the call is in, through nested functions.
    private static func enclosingTest(of call: Node, in model: SemanticModel) -> Scope? {
        var scope = model.scope(ofCall: call)
        while let current = scope {
            if current.kind == .function, current.name?.hasPrefix("test") == true { return current }
            if current.kind == .classBody || current.kind == .module { return nil }
            scope = current.parent
        }
        return nil
    }

    /// The expressions a node compares for equality: the operands of `==`, the first two
    /// arguments of an equality call, or the two trees a tree map applies one to
    /// (`jax.tree.map(np.testing.assert_allclose, x, y)`: then `x` and `y`).
    private static func comparedExpressions(_ node: Node, in model: SemanticModel) -> [Node]? {
        if node.nodeKind == .comparisonOperator, node.children.contains(where: { $0.kind == "==" }) {
            let operands = node.namedChildren
            return operands.count == 2 && isAsserted(node) ? operands : nil
        }
        guard node.nodeKind == .call, let name = calleeName(node) else { return nil }
        let positional = positionalArguments(of: node)
        if isTreeMap(node), positional.count >= 3, let scope = model.scope(ofCall: node),
            mapsEquality(positional[0], in: model, from: scope)
        {
            return Array(positional[1...2])
        }
        guard equalityAssertions.contains(name) || (equalityPredicates.contains(name) && isAsserted(node)),
            positional.count >= 2
        else { return nil }
        return Array(positional.prefix(2))
    }

    /// Calls that apply their function to the leaves of the trees after it, leaf by leaf:
    /// `jax.tree.map`, `jax.tree_util.tree_map` (`jax.tree_map`, `jax.tree_multimap` in older
    /// JAX), dm-tree's `tree.map_structure`, and their `…_with_path` forms (whose function takes
    /// each leaf's path first: `lambda path, a, b: assert_allclose(a, b)`).
    private static func isTreeMap(_ call: Node) -> Bool {
        guard let callee = call.child(.function), let name = lastName(of: callee) else { return false }
        let map = name.hasSuffix("_with_path") ? String(name.dropLast("_with_path".count)) : name
        return ["tree_map", "tree_multimap", "map_structure", "map"].contains(map)
            && (map != "map" || callee.child(.object).flatMap(lastName) == "tree")
    }

    /// Whether a tree map's function asserts its arguments equal: it is such a function, or a
    /// name the test or the module binds only to such functions (`check = partial(…)`).
    private static func mapsEquality(_ function: Node, in model: SemanticModel, from scope: Scope) -> Bool {
        if isEqualityFunction(function) { return true }
        guard function.nodeKind == .identifier else { return false }
        let values = model.bindings(of: function.text, from: scope).map(\.value)
        return !values.isEmpty && values.allSatisfy { $0.map(isEqualityFunction) == true }
    }

    /// An equality assertion as a function: by name (`np.testing.assert_allclose`,
    /// `self.assertAllClose`), with arguments bound (`functools.partial(assert_allclose, rtol=…)`),
    /// or called by a lambda (`lambda a, b: assert_allclose(a, b)`).
    private static func isEqualityFunction(_ function: Node) -> Bool {
        switch function.nodeKind {
        case .identifier, .attribute:
            return lastName(of: function).map(equalityAssertions.contains) == true
        case .call:
            return calleeName(function) == "partial" && positionalArguments(of: function).first.map(isEqualityFunction) == true
        case .lambda:
            guard let body = function.child(.body), body.nodeKind == .call, let callee = body.child(.function) else { return false }
            return isEqualityFunction(callee)
        default:
            return false
        }
    }

    private static func positionalArguments(of call: Node) -> [Node] {
        call.child(.arguments)?.namedChildren.filter { $0.nodeKind != .keywordArgument && $0.nodeKind != .comment } ?? []
    }

    /// Whether a test of equality is what the test asserts: directly in `assert` or
    /// `assertTrue`, through parentheses, `and`, `bool(…)` and `all(…)`/`.all()`. Not when it is
    /// counted, negated or compared further (`assert jnp.sum(a == b) < n` asserts a difference).
    private static func isAsserted(_ node: Node) -> Bool {
        var current = node
        while let parent = current.parent {
            switch parent.nodeKind {
            case .assertStatement:
                return parent.namedChildren.first == current
            case .parenthesizedExpression, .argumentList:
                break
            case .booleanOperator:
                guard parent.children.contains(where: { $0.kind == "and" }) else { return false }
            case .attribute:
                // `(a == b).all()`: the attribute's call comes next.
                guard parent.child(.object) == current, parent.child(.attribute)?.text == "all" else { return false }
            case .call:
                guard let name = calleeName(parent) else { return false }
                if name == "assertTrue" { return true }
                guard ["all", "bool"].contains(name) else { return false }
            default:
                return false
            }
            current = parent
        }
        return false
    }

    /// The last name of a call's callee: `assert_allclose` for `np.testing.assert_allclose(…)`.
    private static func calleeName(_ call: Node) -> String? {
        call.child(.function).flatMap(lastName)
    }

    /// The last name of a dotted name: `assert_allclose` for `np.testing.assert_allclose`.
    private static func lastName(of expression: Node) -> String? {
        switch expression.nodeKind {
        case .attribute: expression.child(.attribute)?.text
        case .identifier: expression.text
        default: nil
        }
    }

    /// The names `expression` reads for their values: none when it reads only a shape or a type
    /// (`x.shape`, `len(x)`). A draw's value is in it when it holds the call itself or reads a
    /// name the call's result was bound to.
    private static func namesCarryingValues(in expression: Node) -> Set<String> {
        let text = expression.text
        if firstPart(of: shapeReads, in: text) != nil { return [] }
        var names = Set<String>()
        visit(expression) { node in
            if node.nodeKind == .identifier, isRead(node) { names.insert(node.text) }
        }
        return names
    }

    private static let shapeReads = [".shape", ".dtype", ".ndim", ".size", "len(", "shape("]

    /// The first of `parts` that `text` holds. Compared byte by byte when `text` is ASCII, where
    /// bytes and characters agree (a search over characters costs thousands of instructions a
    /// call); the text's bytes are read once for all the parts.
    private static func firstPart(of parts: [String], in text: String) -> String? {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return parts.first { text.firstRange(of: $0) != nil } }
        let haystack = Array(text.utf8)
        return parts.first { part in
            let needle = Array(part.utf8)
            guard needle.count <= haystack.count else { return needle.isEmpty }
            return (0...(haystack.count - needle.count)).contains { start in
                haystack[start..<(start + needle.count)].elementsEqual(needle)
            }
        }
    }

    /// Whether an identifier reads a variable: not when it names an attribute (`sample` in
    /// `d.sample(key)`) or a keyword argument (`sample=…`), which only share the variable's spelling.
    private static func isRead(_ identifier: Node) -> Bool {
        guard let parent = identifier.parent else { return true }
        switch parent.nodeKind {
        case .attribute: return parent.child(.attribute) != identifier
        case .keywordArgument: return parent.child(.name) != identifier
        default: return true
        }
    }

    private static func visit(_ node: Node, _ body: (Node) -> Void) {
        body(node)
        for child in node.namedChildren { visit(child, body) }
    }
}
