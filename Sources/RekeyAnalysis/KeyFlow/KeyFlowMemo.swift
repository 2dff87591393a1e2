import RekeySyntax

/// What one walk of a function (or the module's top level) found: all a file's key flow keeps of
/// a ``KeyFlowAnalysis``, whose own tables are as large as the function it walked.
struct ScopeKeyFlow {
    let summary: FunctionKeySummary
    let reuses: [KeyReuse]
}

/// The key flow of each scope of one file, kept with every summary its analysis read, so that
/// one whose reads all still hold is reused instead of walking the scope again: in the next round
/// of the file's own fixed point, or when the file is analysed again with new cross-file facts.
///
/// Reuse is exact: a ``KeyFlowAnalysis`` of a scope depends on the (unchanged) model and on what
/// its ``KeySummaries`` answer, nothing else, so the same answers give the same result.
final class KeyFlowMemo {
    private struct Entry {
        let result: ScopeKeyFlow
        let reads: SummaryReads
    }

    /// The entries the current file analysis used or made, by scope; those of the analysis it
    /// continues are kept only until then, so a file holds at most one analysis' worth.
    private var entries: [ObjectIdentifier: [Entry]] = [:]
    private let earlier: [ObjectIdentifier: [Entry]]
    /// Scopes walked and results reused, for tests.
    private(set) var walked = 0
    private(set) var reused = 0

    init(continuing previous: KeyFlowMemo? = nil) {
        earlier = previous?.entries ?? [:]
    }

    func keyFlow(of scope: Scope, model: SemanticModel, summaries: KeySummaries) -> ScopeKeyFlow {
        let id = ObjectIdentifier(scope)
        if let entry = entries[id]?.first(where: { $0.reads.hold(for: summaries) }) {
            reused += 1
            return entry.result
        }
        if let entry = earlier[id]?.first(where: { $0.reads.hold(for: summaries) }) {
            reused += 1
            entries[id, default: []].append(entry)
            return entry.result
        }
        walked += 1
        let reads = SummaryReads()
        let analysis = KeyFlowAnalysis(model: model, scope: scope, summaries: reads.recording(summaries))
        let result = ScopeKeyFlow(summary: analysis.summary, reuses: analysis.reuses)
        entries[id, default: []].append(Entry(result: result, reads: reads))
        return result
    }
}

/// What one analysis asked its ``KeySummaries``, with the answers.
private final class SummaryReads {
    private struct Definition: Hashable {
        let start: Int
        let kind: String
    }

    private var locals: [Definition: (node: Node, summary: FunctionKeySummary?)] = [:]
    private var externals: [String: FunctionKeySummary?] = [:]

    /// `summaries`, noting each answer here.
    func recording(_ summaries: KeySummaries) -> KeySummaries {
        KeySummaries(
            local: { node in
                let summary = summaries.local(node)
                self.locals[Definition(start: node.startByte, kind: node.kind)] = (node, summary)
                return summary
            },
            external: { name in
                let summary = summaries.external(name)
                self.externals[name] = summary
                return summary
            })
    }

    /// Whether `summaries` gives every answer noted.
    func hold(for summaries: KeySummaries) -> Bool {
        locals.values.allSatisfy { summaries.local($0.node) == $0.summary }
            && externals.allSatisfy { summaries.external($0.key) == $0.value }
    }
}
