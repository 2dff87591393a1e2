import RekeySyntax

/// Key flow for a whole file: a summary per function (which key parameters it consumes, whether
/// it returns a key), computed to a fixed point over the file's call graph, then every function
/// and the module's top level analysed with those summaries. Summaries of functions in other
/// files come in through `external`, by qualified name.
public final class FileKeyFlow {
    public let model: SemanticModel
    public private(set) var summaries: [Int: FunctionKeySummary] = [:]
    public private(set) var analyses: [KeyFlowAnalysis] = []

    /// Rounds of summary propagation; call chains deeper than this inside one file are rare,
    /// and each round only strengthens summaries (consumption only grows).
    static let maximumRounds = 6

    public init(model: SemanticModel) {
        self.model = model
        let functions = model.scopes.filter { $0.kind == .function }
        for _ in 0..<Self.maximumRounds {
            var changed = false
            analyses = []
            for function in functions {
                let analysis = KeyFlowAnalysis(model: model, scope: function, summaries: summary(of:))
                analyses.append(analysis)
                let key = function.node.startByte
                if summaries[key] != analysis.summary {
                    summaries[key] = analysis.summary
                    changed = true
                }
            }
            if !changed { break }
        }
        analyses.append(KeyFlowAnalysis(model: model, scope: model.moduleScope, summaries: summary(of:)))
    }

    private func summary(of definition: Node) -> FunctionKeySummary? {
        summaries[definition.startByte] ?? (definition.kind == "function_definition" ? FunctionKeySummary() : nil)
    }

    /// Every reuse found in the file, in source order.
    public var reuses: [KeyReuse] {
        var seen = Set<Int>()
        return analyses.flatMap(\.reuses)
            .filter { seen.insert($0.use.startByte).inserted }
            .sorted { $0.use.startByte < $1.use.startByte }
    }
}
