import RekeySyntax
import Testing

@testable import RekeyAnalysis

/// A file's key flow made again under new facts, from the same text parsed again, walks again
/// only the functions that read a fact that changed (and those whose key is reused, whose
/// findings name nodes of the old tree), and finds what a key flow made afresh finds.
@Suite struct KeyFlowReuseTests {
    static let source = """
        import jax
        from pkg.ops import noise, clean


        def twice(k):
            return noise(k) + noise(k)


        def once(k):
            return clean(k)


        def alone(key):
            return jax.random.normal(key)
        """

    static let consumesFirst: FunctionKeySummary = {
        var summary = FunctionKeySummary()
        summary.consumedPositions = [0]
        summary.consumedNames = ["key"]
        return summary
    }()

    let before: [String: FunctionKeySummary] = ["pkg.ops.noise": consumesFirst, "pkg.ops.clean": FunctionKeySummary()]

    /// The same text parsed again: a new tree and model, as the engine makes for each round.
    private static func reparsed(_ model: SemanticModel) throws -> SemanticModel {
        SemanticModel(tree: try PythonParser().parse(model.source))
    }

    @Test func unchangedFactsWalkAgainOnlyTheFunctionWithAReuse() throws {
        let model = try Analysis(Self.source, path: "pkg/use.py").model
        let first = FileKeyFlow(model: model, moduleName: "pkg.use", external: ExternalSummaries(before))
        let again = FileKeyFlow(
            model: try Self.reparsed(model), moduleName: "pkg.use", external: ExternalSummaries(before),
            reusing: first.history)
        #expect(first.memo.walked == 3)
        #expect(again.memo.walked == 1)  // `twice`, whose reuse of `k` names nodes of the first tree
        #expect(again.exports == first.exports)
        #expect(again.reuses.map(\.use.startByte) == first.reuses.map(\.use.startByte))
        #expect(again.reuses.allSatisfy { $0.use.tree === again.model.tree })
    }

    @Test func aChangedSummaryWalksExactlyItsCallersAgain() throws {
        let model = try Analysis(Self.source, path: "pkg/use.py").model
        var after = before
        after["pkg.ops.clean"] = Self.consumesFirst
        let first = FileKeyFlow(model: model, moduleName: "pkg.use", external: ExternalSummaries(before))
        let again = FileKeyFlow(
            model: try Self.reparsed(model), moduleName: "pkg.use", external: ExternalSummaries(after),
            reusing: first.history)
        let fresh = FileKeyFlow(model: model, moduleName: "pkg.use", external: ExternalSummaries(after))
        #expect(again.memo.walked == 2)  // `once`, the only caller of `clean`, and `twice`, for its reuse
        #expect(again.exports == fresh.exports)
        #expect(again.exports["pkg.use.once"]?.consumedPositions == [0])
        #expect(again.reuses.map(\.use.startByte) == fresh.reuses.map(\.use.startByte))
    }

    /// What a key flow read of other files' facts says which new facts could change it: a
    /// summary it looked up, not a function elsewhere that merely shares a name with a call.
    @Test func factsReadTellWhichNewFactsCouldChangeIt() throws {
        let source = Self.source + "\n\n\ndef step(state, grads):\n    return state.update(grads)\n"
        let model = try Analysis(source, path: "pkg/use.py").model
        let flow = FileKeyFlow(model: model, moduleName: "pkg.use", external: ExternalSummaries(before))
        #expect(flow.factsRead.summaries["pkg.ops.noise"] == .some(Self.consumesFirst))
        #expect(flow.factsRead.hold(for: ExternalSummaries(before)))
        var changed = before
        changed["pkg.ops.clean"] = Self.consumesFirst
        #expect(!flow.factsRead.hold(for: ExternalSummaries(changed)))
        // `state.update` is not `pkg.optim.update`: `step` is walked under neither, and a key flow
        // made afresh with it finds the same.
        var unrelated = before
        unrelated["pkg.optim.update"] = Self.consumesFirst
        #expect(flow.factsRead.hold(for: ExternalSummaries(unrelated)))
        let fresh = FileKeyFlow(model: model, moduleName: "pkg.use", external: ExternalSummaries(unrelated))
        #expect(fresh.memo.walked == flow.memo.walked)
        #expect(fresh.exports == flow.exports)
        #expect(fresh.reuses.map(\.use.startByte) == flow.reuses.map(\.use.startByte))
    }
}
