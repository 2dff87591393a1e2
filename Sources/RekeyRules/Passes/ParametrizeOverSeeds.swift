import RekeyAnalysis
import RekeyEdits
import RekeySyntax

/// Pass: a test parametrized over keys made at import time parametrizes over their seeds
/// instead, and makes the key inside the test (the fix for RK001's keys in
/// `@pytest.mark.parametrize`):
///
///     @pytest.mark.parametrize("key", [jax.random.PRNGKey(0), jax.random.PRNGKey(1)])
///     def test_sample(key):
///
/// becomes
///
///     @pytest.mark.parametrize("seed", [0, 1])
///     def test_sample(seed):
///         key = jax.random.PRNGKey(seed)
///
/// Each test run sees the key it saw before, so the fix is safe. Only plain cases are rewritten:
/// every value of the argument is a key constructor (all the same one) called with one seed, the
/// test takes the argument as a plain parameter, and nothing else (`indirect=`, a class) is involved.
struct ParametrizeOverSeeds: FixPass {
    static let description = PassDescription(
        title: "Seeds, not keys, in test parameters", rules: ["RK001"], fixtureGroup: nil,
        summary: """
            a test parametrized over keys made at import time (`@pytest.mark.parametrize("key", [PRNGKey(0), \
            …])`) is parametrized over their seeds and makes the key inside the test.
            """)

    let file: FileContext
    /// The `pytest.mark.parametrize(…)` call of a decorator.
    let decorator: Node
    /// The decorated function.
    let function: Scope

    func plan() -> PassPlan {
        let model = file.model
        guard function.kind == .function, let arguments = decorator.child(.arguments), arguments.nodeKind == .argumentList else {
            return .manual(reason: Self.manualReason)
        }
        let items = arguments.namedChildren.filter { $0.nodeKind != .comment }
        if items.contains(where: { $0.nodeKind == .keywordArgument && $0.child(.name)?.text == "indirect" }) {
            return .manual(reason: Self.manualReason + " (the parameters are `indirect`)")
        }
        let positional = items.filter { $0.nodeKind != .keywordArgument }
        guard positional.count >= 2, let names = Self.argumentNames(positional[0]),
            positional[1].nodeKind == .list || positional[1].nodeKind == .tuple
        else {
            return .manual(reason: Self.manualReason)
        }
        let values = positional[1].namedChildren.filter { $0.nodeKind != .comment }
        // Which argument holds the keys: the one every value makes with a key constructor.
        func element(_ value: Node, _ index: Int) -> Node? {
            guard names.list.count > 1 else { return value }
            guard value.nodeKind == .tuple || value.nodeKind == .list || value.nodeKind == .parenthesizedExpression else { return nil }
            let parts = value.namedChildren.filter { $0.nodeKind != .comment }
            return parts.count == names.list.count ? parts[index] : nil
        }
        guard
            let index = names.list.indices.first(where: { index in
                !values.isEmpty && values.allSatisfy { element($0, index).map(isSeededKey) ?? false }
            })
        else {
            return .manual(reason: Self.manualReason + " (not every value is a key made from one seed)")
        }
        let keyName = names.list[index]
        let constructions = values.compactMap { element($0, index) }
        let constructors = Set(constructions.compactMap { $0.child(.function)?.text })
        guard constructors.count == 1, let constructor = constructors.first,
            let parameter = plainParameter(named: keyName),
            let first = SourceEditing.firstStatement(of: function), SourceEditing.startsLine(first)
        else {
            return .manual(reason: Self.manualReason)
        }
        let seedName = SourceEditing.freshName(
            ["seed", keyName + "_seed"],
            avoiding: model.namesInUse(in: function).union(names.list))
        var edits: [Edit] = [
            .replacement(names.nameRanges[index], with: seedName),
            .replacement(parameter.byteRange, with: seedName),
            SourceEditing.insertLines(["\(keyName) = \(constructor)(\(seedName))"], before: first),
        ]
        for construction in constructions {
            guard let seed = construction.child(.arguments)?.namedChildren.first(where: { $0.nodeKind != .comment }) else {
                return .manual(reason: Self.manualReason)
            }
            edits.append(.replacement(construction.byteRange, with: seed.text))
        }
        return .fix(
            Fix(
                title: "parametrize `\(function.qualifiedName)` over seeds and make `\(keyName)` inside it",
                applicability: .safe, edits: [file.path: edits]), touchedSymbols: [])
    }

    static let manualReason = "parametrize over seeds and make the key inside the test"

    /// `"key"`, `"key, n"`, `("key", "n")`: the names, with the byte range of each in the source.
    static func argumentNames(_ node: Node) -> (list: [String], nameRanges: [ByteRange])? {
        let strings =
            node.nodeKind == .string
            ? [node]
            : (node.nodeKind == .tuple || node.nodeKind == .list) ? node.namedChildren.filter { $0.nodeKind == .string } : []
        var names: [String] = []
        var ranges: [ByteRange] = []
        for string in strings {
            let contents = string.namedChildren.filter { $0.nodeKind == .stringContent }
            guard contents.count == 1, let content = contents.first else { return nil }
            // Each comma-separated name, with its offset inside the content (UTF-8 bytes).
            var offset = content.startByte
            for piece in content.text.split(separator: ",", omittingEmptySubsequences: false) {
                let leading = piece.prefix { $0 == " " }.utf8.count
                let name = piece.trimmingCharacters()
                names.append(name)
                ranges.append(ByteRange(offset + leading, offset + leading + name.utf8.count))
                offset += piece.utf8.count + 1
            }
        }
        return names.isEmpty ? nil : (names, ranges)
    }

    /// A key constructor (`PRNGKey`, `jax.random.key`) called with one positional seed.
    private func isSeededKey(_ node: Node) -> Bool {
        guard node.nodeKind == .call, let callee = node.child(.function),
            let qualified = file.model.qualifiedName(of: callee, in: function.parent ?? file.model.moduleScope),
            JaxRandomAPI.role(of: qualified) == .constructor,
            let arguments = node.child(.arguments)
        else { return false }
        let given = arguments.namedChildren.filter { $0.nodeKind != .comment }
        return given.count == 1 && given[0].nodeKind != .keywordArgument && given[0].nodeKind != .listSplat
    }

    /// The function's parameter `name` without a default (its annotation, if any, goes with it:
    /// the seed is an `int`, not a key).
    private func plainParameter(named name: String) -> Node? {
        function.node.child(.parameters)?.namedChildren.first { item in
            (item.nodeKind == .identifier && item.text == name)
                || (item.nodeKind == .typedParameter && item.namedChildren.first?.nodeKind == .identifier
                    && item.namedChildren.first?.text == name)
        }
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
