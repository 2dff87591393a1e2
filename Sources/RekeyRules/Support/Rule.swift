import RekeyAnalysis
import RekeyEdits
import RekeySyntax

/// A stable rule code such as `RK001`.
public struct RuleCode: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
    public static func < (lhs: RuleCode, rhs: RuleCode) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A bad/good pair from a rule's documentation. The same text is rendered into MIGRATION.md and
/// run as a test: `bad` must trigger the rule, `good` must trigger nothing, and when
/// `fixedByRekey` is set, `rekey fix` must turn `bad` into exactly `good`.
public struct RuleExample: Sendable {
    public let bad: String
    public let good: String?
    /// Options the rewrite needs (e.g. unsafe fixes).
    public let unsafeFixes: Bool
    /// Whether `good` is what rekey writes, or what a person migrating by hand should write.
    public let fixedByRekey: Bool

    public init(bad: String, good: String?, unsafeFixes: Bool = false, fixedByRekey: Bool = true) {
        self.bad = bad
        self.good = good
        self.unsafeFixes = unsafeFixes
        self.fixedByRekey = fixedByRekey
    }
}

/// The documentation of a rule, in ruff's fixed sections.
public struct RuleDescription: Sendable {
    public let code: RuleCode
    /// Kebab-case name (`import-time-key`).
    public let name: String
    public let summary: String
    public let whatItDoes: String
    public let whyBad: String
    public let fixSafety: String
    public let examples: [RuleExample]
}

/// Everything a rule sees about one file. Analyses several rules share (key flow) are computed
/// on first use and kept, so each runs once per file.
public final class FileContext {
    /// The path as the user gave it (relative paths stay relative), used in messages and diffs.
    public let path: String
    public let model: SemanticModel
    /// The file's dotted module name, for cross-file facts.
    public let moduleName: String
    /// What the other files of the project tell about keys.
    public let facts: ProjectFacts
    /// What the project declares (oldest Python, line length), for the code fixes write.
    public let settings: ProjectSettings
    /// A script or an exported notebook that nothing imports: its top level is a run, not an
    /// import, so a key made there is the run's own (see ``ScriptFiles``).
    public let isScript: Bool

    /// `keyFlowHistory`: this file's key flow under other facts, from the same text: its function
    /// analyses are reused where the facts they read are unchanged.
    public init(
        path: String, model: SemanticModel, moduleName: String = "", facts: ProjectFacts = ProjectFacts(),
        settings: ProjectSettings = ProjectSettings(), isScript: Bool = false,
        keyFlowHistory: KeyFlowHistory = KeyFlowHistory()
    ) {
        self.path = path
        self.model = model
        self.moduleName = moduleName
        self.facts = facts
        self.settings = settings
        self.isScript = isScript
        self.keyFlowHistory = keyFlowHistory
    }

    public var source: SourceText { model.source }

    private let keyFlowHistory: KeyFlowHistory

    public private(set) lazy var keyFlow = FileKeyFlow(
        model: model, moduleName: moduleName, external: facts.external,
        reusing: keyFlowHistory)

    /// Where randomness comes from, shared by the detection rules so they agree (and compute it once).
    private(set) lazy var randomSources = RandomSources(model: model, isScript: isScript) { [unowned self] binding in
        binding.importedName.map { self.facts.keys.contains(self.absolute($0)) } ?? false
    }

    /// What the split pass works out once per file.
    private(set) lazy var splitCache = SplitBeforeReuse.FileCache(reuses: keyFlow.reuses)

    /// This file's module-level keys, by qualified name, for the files that import them.
    public var exportedKeys: Set<String> {
        guard !moduleName.isEmpty else { return [] }
        return Set(randomSources.moduleKeys.filter { $0.value.importedName == nil }.keys.map { moduleName + "." + $0 })
    }
}

/// What the other files of the project tell one file about keys: what their functions do to
/// keys (by qualified name), and which of their module-level names are keys.
public struct ProjectFacts: Sendable, Equatable {
    public let external: ExternalSummaries
    public var keys: Set<String> = []

    public init(summaries: [String: FunctionKeySummary] = [:], keys: Set<String> = []) {
        external = ExternalSummaries(summaries)
        self.keys = keys
    }

    public var summaries: [String: FunctionKeySummary] { external.byName }
}

/// A rule inspects one file and reports findings, each with a fix when one exists.
public protocol Rule: Sendable {
    static var description: RuleDescription { get }
    func check(_ file: FileContext) -> [Finding]
    /// The finding again with the rest of the project in view (a fix that changes names other
    /// files use, now covering those files too), or nil when the rule has nothing to add. `file`
    /// may be a new parse of the same text (the engine keeps syntax trees only up to a budget,
    /// to bound memory), so a rule finds its subject again by the finding's byte range.
    func replan(_ finding: Finding, in file: FileContext, project: ProjectView) -> Finding?
}

extension Rule {
    public var code: RuleCode { Self.description.code }

    public func replan(_ finding: Finding, in file: FileContext, project: ProjectView) -> Finding? { nil }
}

/// One reported problem.
public struct Finding: Sendable {
    public let code: RuleCode
    public let path: String
    public let range: ByteRange
    public let start: SourcePosition
    public let end: SourcePosition
    public let message: String
    public private(set) var remedy: Remedy
    /// Names this finding across runs and edits elsewhere in its file (SARIF's
    /// `partialFingerprints`): set by the engine from the file's text (see ``FindingFingerprint``).
    public var fingerprint = ""
    /// Set by the engine when the file is a Jupyter notebook: `range`, `start` and `end` are then
    /// in the program of its code cells, and this says where that is in the notebook.
    public var notebookPlace: NotebookPlace?
    /// Module-level names whose meaning the fix changes (a removed global, a function that gains
    /// a parameter). Another file using one of them would break, so the engine checks them
    /// across the project before offering the fix.
    public let touchedSymbols: Set<String>

    public enum Remedy: Sendable {
        case fix(Fix)
        /// No automatic fix; the reason says what to migrate by hand and why.
        case manual(reason: String)
    }

    public init(
        code: RuleCode, node: Node, path: String, message: String, remedy: Remedy,
        touchedSymbols: Set<String> = []
    ) {
        self.init(
            code: code, range: node.byteRange, start: node.startPosition, end: node.endPosition, path: path,
            message: message, remedy: remedy, touchedSymbols: touchedSymbols)
    }

    /// A finding over part of a node (`range`, from `start` to `end`).
    public init(
        code: RuleCode, range: ByteRange, start: SourcePosition, end: SourcePosition, path: String,
        message: String, remedy: Remedy, touchedSymbols: Set<String> = []
    ) {
        self.touchedSymbols = touchedSymbols
        self.code = code
        self.path = path
        self.range = range
        self.start = start
        self.end = end
        self.message = message
        self.remedy = remedy
    }

    /// The same finding, left for hand migration.
    public func withoutFix(because reason: String) -> Finding {
        var copy = self
        copy.remedy = .manual(reason: reason)
        return copy
    }

    public var fix: Fix? {
        if case .fix(let fix) = remedy { return fix }
        return nil
    }
}

/// Where a finding in a notebook is: its cell (1-based, every cell counted, as in the file's
/// `cells` array), the line and column within that cell's source, and the line and column in the
/// `.ipynb` file's text, inside the JSON string that holds the code (and the bytes there).
public struct NotebookPlace: Sendable, Equatable {
    public let cell: Int
    public let start: SourcePosition
    public let end: SourcePosition
    public let fileStart: SourcePosition
    public let fileEnd: SourcePosition
    public let fileRange: ByteRange

    public init(
        cell: Int, start: SourcePosition, end: SourcePosition, fileStart: SourcePosition, fileEnd: SourcePosition, fileRange: ByteRange
    ) {
        self.cell = cell
        self.start = start
        self.end = end
        self.fileStart = fileStart
        self.fileEnd = fileEnd
        self.fileRange = fileRange
    }
}

/// Every rule rekey knows, in code order.
public enum RuleRegistry {
    public static let all: [any Rule] = [
        ImportTimeKey(), ImportTimeSampling(), HiddenGlobalKey(), KeyReused(), KeyConsumedInLoop(), KeyUsedAfterSplit(),
        RandomDefaultArgument(), RandomFieldDefault(), ModuleWithoutKey(), UnusedSuppression(),
    ]

    public static func rule(_ code: RuleCode) -> (any Rule)? {
        all.first { $0.code == code }
    }
}

/// What a migration pass proposes for one finding: a fix (with the module-level names it
/// changes, for the cross-file check), or the reason it is left for hand migration.
enum PassPlan {
    case fix(Fix, touchedSymbols: Set<String> = [])
    case manual(reason: String)
}

extension Finding {
    init(code: RuleCode, node: Node, path: String, message: String, plan: PassPlan) {
        switch plan {
        case .fix(let fix, let touched):
            self.init(code: code, node: node, path: path, message: message, remedy: .fix(fix), touchedSymbols: touched)
        case .manual(let reason):
            self.init(code: code, node: node, path: path, message: message, remedy: .manual(reason: reason))
        }
    }
}
