import RekeySyntax

/// What one walk of a function (or the module's top level) found: all a file's key flow keeps of
/// a ``KeyFlowAnalysis``, whose own tables are as large as the function it walked.
struct ScopeKeyFlow {
    let summary: FunctionKeySummary
    let reuses: [KeyReuse]
}

/// A definition (or a scope) by where it starts and what it is: the same in every parse of one
/// text, where its ``Node`` belongs to one tree.
public struct DefinitionSite: Hashable, Sendable {
    public let start: Int
    public let kind: NodeKind

    public init(_ node: Node) {
        start = node.startByte
        kind = node.nodeKind
    }
}

/// The key flow of each scope of one file, kept with every summary its analysis read, so that
/// one whose reads all still hold is reused instead of walking the scope again: in the next round
/// of the file's own fixed point, or, through its ``history``, when the file is parsed and
/// analysed again with new cross-file facts.
///
/// Reuse is exact: a ``KeyFlowAnalysis`` of a scope depends on the text (parsed the same every
/// time) and on what its ``KeySummaries`` answer, nothing else, so the same answers give the
/// same result.
final class KeyFlowMemo {
    private struct Entry {
        let result: ScopeKeyFlow
        let reads: SummaryReads
    }

    /// The entries the current file analysis used or made, by scope.
    private var entries: [DefinitionSite: [Entry]] = [:]
    private let earlier: KeyFlowHistory
    /// Scopes walked and results reused, for tests.
    private(set) var walked = 0
    private(set) var reused = 0

    init(continuing earlier: KeyFlowHistory) {
        self.earlier = earlier
    }

    func keyFlow(of scope: Scope, model: SemanticModel, summaries: KeySummaries) -> ScopeKeyFlow {
        let site = DefinitionSite(scope.node)
        if let entry = entries[site]?.first(where: { $0.reads.hold(for: summaries) }) {
            reused += 1
            return entry.result
        }
        if let entry = earlier.entries[site]?.first(where: { $0.reads.hold(for: summaries) }) {
            reused += 1
            let result = ScopeKeyFlow(summary: entry.summary, reuses: [])
            entries[site, default: []].append(Entry(result: result, reads: entry.reads))
            return result
        }
        walked += 1
        let recorder = SummaryRecorder()
        let analysis = KeyFlowAnalysis(model: model, scope: scope, summaries: recorder.recording(summaries))
        let result = ScopeKeyFlow(summary: analysis.summary, reuses: analysis.reuses)
        entries[site, default: []].append(Entry(result: result, reads: recorder.reads))
        return result
    }

    /// What a later key flow of the same text may reuse, without this analysis' tree: the walks
    /// that found no reuse. A reuse names nodes of the tree, so a scope with one is walked again;
    /// few are.
    func history(of source: SourceText) -> KeyFlowHistory {
        var history = KeyFlowHistory(source: source)
        for (site, entries) in entries {
            let kept = entries.filter(\.result.reuses.isEmpty).map { KeyFlowHistory.Entry(summary: $0.result.summary, reads: $0.reads) }
            if !kept.isEmpty { history.entries[site] = kept }
        }
        return history
    }
}

/// A file's key flow as a later analysis of the same text may reuse it (see ``KeyFlowMemo``):
/// summaries and what they were read from, no syntax tree, so it is kept between rounds of
/// cross-file facts where a tree and model, some thirty times the file's size, are not.
public struct KeyFlowHistory: Sendable {
    struct Entry: Sendable {
        let summary: FunctionKeySummary
        let reads: SummaryReads
    }

    /// The text it was made from; nil for none.
    public let source: SourceText?
    var entries: [DefinitionSite: [Entry]] = [:]

    public init() {
        source = nil
    }

    init(source: SourceText) {
        self.source = source
    }
}

/// What one analysis asked its ``KeySummaries``, with the answers.
struct SummaryReads: Sendable {
    fileprivate(set) var locals: [DefinitionSite: FunctionKeySummary?] = [:]
    fileprivate(set) var externals: [String: FunctionKeySummary?] = [:]

    /// Whether `summaries` gives every answer noted.
    func hold(for summaries: KeySummaries) -> Bool {
        locals.allSatisfy { summaries.local($0.key) == $0.value }
            && externals.allSatisfy { summaries.external($0.key) == $0.value }
    }
}

/// Notes the reads of one analysis while it runs.
private final class SummaryRecorder {
    private(set) var reads = SummaryReads()

    /// `summaries`, noting each answer here.
    func recording(_ summaries: KeySummaries) -> KeySummaries {
        KeySummaries(
            local: { site in
                let summary = summaries.local(site)
                self.reads.locals[site] = summary
                return summary
            },
            external: { name in
                let summary = summaries.external(name)
                self.reads.externals[name] = summary
                return summary
            })
    }
}
