import RekeySyntax

/// Where the flow analysis learns what a called function does to keys: functions of this file by
/// their `def` node, functions of other project files by qualified name.
public struct KeySummaries {
    public var local: (Node) -> FunctionKeySummary?
    public var external: (String) -> FunctionKeySummary?
}

/// Key flow for a whole file: a summary per function (which key parameters it consumes, whether
/// it returns a key), computed to a fixed point over the file's call graph, then every function
/// and the module's top level analysed with those summaries. Functions of other files come in as
/// `external` summaries by qualified name; this file's own go out as `exports`.
public final class FileKeyFlow {
    public let model: SemanticModel
    public let moduleName: String
    public private(set) var summaries: [Int: FunctionKeySummary] = [:]
    public private(set) var analyses: [KeyFlowAnalysis] = []

    /// Rounds of summary propagation; call chains deeper than this inside one file are rare,
    /// and each round only strengthens summaries (consumption only grows).
    static let maximumRounds = 6

    public init(model: SemanticModel, moduleName: String = "", external: [String: FunctionKeySummary] = [:]) {
        self.model = model
        self.moduleName = moduleName
        let package = moduleName.split(separator: ".").dropLast().joined(separator: ".")
        let lookup = KeySummaries(
            local: { [unowned self] definition in
                self.summaries[definition.startByte] ?? (definition.kind == "function_definition" ? FunctionKeySummary() : nil)
            },
            external: { name in
                external[name.hasPrefix(".") ? ModuleImports.resolve(name, package: package) : name]
            })
        let functions = model.scopes.filter { $0.kind == .function }
        for _ in 0..<Self.maximumRounds {
            var changed = false
            analyses = []
            for function in functions {
                let analysis = KeyFlowAnalysis(model: model, scope: function, summaries: lookup)
                analyses.append(analysis)
                let key = function.node.startByte
                if summaries[key] != analysis.summary {
                    summaries[key] = analysis.summary
                    changed = true
                }
            }
            if !changed { break }
        }
        analyses.append(KeyFlowAnalysis(model: model, scope: model.moduleScope, summaries: lookup))
    }

    /// Every reuse found in the file, in source order.
    public var reuses: [KeyReuse] {
        var seen = Set<Int>()
        return analyses.flatMap(\.reuses)
            .filter { seen.insert($0.use.startByte).inserted }
            .sorted { $0.use.startByte < $1.use.startByte }
    }

    /// What this file's module-level functions and classes do to keys, by qualified name, for
    /// the files that import them. A class is summarised by its `__init__`, as a call sees it
    /// (without `self`). Functions that neither consume nor return keys are left out.
    public var exports: [String: FunctionKeySummary] {
        var result: [String: FunctionKeySummary] = [:]
        let prefix = moduleName.isEmpty ? "" : moduleName + "."
        for scope in model.moduleScope.children {
            switch scope.kind {
            case .function:
                if let summary = summaries[scope.node.startByte], summary != FunctionKeySummary() {
                    result[prefix + (scope.name ?? "")] = summary
                }
            case .classBody:
                guard let initializer = scope.children.first(where: { $0.kind == .function && $0.name == "__init__" }),
                      var summary = summaries[initializer.node.startByte], summary != FunctionKeySummary() else { continue }
                summary.consumedPositions = Set(summary.consumedPositions.filter { $0 > 0 }.map { $0 - 1 })
                result[prefix + (scope.name ?? "")] = summary
            default:
                break
            }
        }
        return result
    }
}
