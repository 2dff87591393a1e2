import RekeyAnalysis
import RekeySyntax

/// Reuse a test makes on purpose: two draws from one key whose results the test then compares
/// for equality (`assert_allclose(a, b)`, `assert (a == b).all()`, `self.assertEqual(a, b)`),
/// or any reuse in a test named for it (`test_same_seed`, `test_deterministic`). Splitting the key
/// there breaks the test, so such a reuse is reported for a person to look at, never fixed.
enum DeliberateReuse {
    /// Why the reuse of one key by `calls` looks deliberate, or nil when nothing says so;
    /// `code` is the rule reporting it, for the suppression the reason suggests.
    static func reason(for calls: [Node], code: String, in file: FileContext) -> String? {
        let silencing = "if the same numbers are intended, say so with `# rekey: ignore[\(code)]` on the line"
        let model = file.model
        guard let first = calls.first, let test = enclosingTest(of: first, in: model) else { return nil }
        let name = test.name ?? ""
        if let word = intentWords.first(where: { name.lowercased().contains($0) }) {
            return "the reuse looks deliberate: the test's name says so (`\(name)`, \"\(word)\"); "
                + silencing
        }
        // What each call's result is bound to, by the statement assigning it.
        let results = calls.map { resultNames(of: $0) }
        guard let body = test.node.child(field: "body") else { return nil }
        var comparison: Node?
        visit(body) { node in
            guard comparison == nil, let compared = comparedExpressions(node) else { return }
            let carriers = compared.map { expression in
                Set(results.indices.filter { index in
                    carriesValue(of: results[index], calls[index], in: expression)
                })
            }
            // Two sides, each carrying a different draw's result.
            if carriers.count >= 2, carriers[0].contains(where: { one in carriers[1].contains { $0 != one } }) {
                comparison = node
            }
        }
        guard let comparison else { return nil }
        return "the reuse looks deliberate: the test compares what the draws return (line \(comparison.startPosition.line)), "
            + "which a split would break; " + silencing
    }

    /// Words in a test's name that say one key is meant to give the same numbers twice.
    static let intentWords = ["same_key", "same_seed", "same_rng", "same_random", "deterministic",
                              "determinism", "reproducib", "identical"]

    /// Calls that compare their first two arguments for equality (numpy, unittest, absltest, chex).
    static let equalityCalls: Set<String> = [
        "assert_allclose", "assert_array_equal", "assert_array_almost_equal", "assert_almost_equal", "assert_equal",
        "assertEqual", "assertAlmostEqual", "assertAllClose", "assertAllEqual", "assertArraysEqual",
        "assertArraysAllClose", "assert_trees_all_close", "assert_trees_all_equal", "assert_tree_all_close",
        "allclose", "array_equal", "array_equiv", "isclose",
    ]

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

    /// The names the statement holding `call` assigns (`a = normal(key)` → a; `x, y = f(key)` → x, y).
    private static func resultNames(of call: Node) -> Set<String> {
        var current = call
        while let parent = current.parent, parent.kind != "block", parent.kind != "module" {
            if parent.kind == "assignment", let left = parent.child(field: "left"), parent.child(field: "right") == current {
                return left.kind == "identifier" ? [left.text]
                    : Set(left.namedChildren.filter { $0.kind == "identifier" }.map(\.text))
            }
            current = parent
        }
        return []
    }

    /// The expressions a node compares for equality: the operands of `==`, or the first two
    /// arguments of an equality call (through `jax.tree.map(lambda a, b: assert_allclose(a, b),
    /// x, y)`: then `x` and `y`).
    private static func comparedExpressions(_ node: Node) -> [Node]? {
        if node.kind == "comparison_operator", node.children.contains(where: { $0.kind == "==" }) {
            let operands = node.namedChildren
            return operands.count == 2 ? operands : nil
        }
        guard node.kind == "call", let callee = node.child(field: "function"),
              let name = callee.kind == "attribute" ? callee.child(field: "attribute")?.text : callee.text,
              equalityCalls.contains(name), let arguments = node.child(field: "arguments") else { return nil }
        let positional = arguments.namedChildren.filter { $0.kind != "keyword_argument" && $0.kind != "comment" }
        guard positional.count >= 2 else { return nil }
        if let lambda = node.parent?.kind == "lambda" ? node.parent : nil,
           let mapped = lambda.parent, mapped.kind == "argument_list" {
            let outer = mapped.namedChildren.filter { $0.kind != "keyword_argument" && $0.kind != "comment" && $0 != lambda }
            if outer.count >= 2 { return Array(outer.prefix(2)) }
        }
        return Array(positional.prefix(2))
    }

    /// Whether `expression` stands for the value of a draw: it is (or contains) the call itself,
    /// or mentions a name its result was bound to, other than through its shape or type.
    private static func carriesValue(of names: Set<String>, _ call: Node, in expression: Node) -> Bool {
        if expression.byteRange.contains(call.byteRange) { return true }
        let text = expression.text
        if [".shape", ".dtype", ".ndim", ".size", "len(", "shape("].contains(where: text.contains) { return false }
        var found = false
        visit(expression) { node in
            if node.kind == "identifier", names.contains(node.text), node.parent?.kind != "keyword_argument" || node.parent?.child(field: "name") != node {
                found = true
            }
        }
        return found
    }

    private static func visit(_ node: Node, _ body: (Node) -> Void) {
        body(node)
        for child in node.namedChildren { visit(child, body) }
    }
}
