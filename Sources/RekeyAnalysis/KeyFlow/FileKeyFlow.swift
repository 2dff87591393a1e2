import RekeySyntax

/// Where the flow analysis learns what a called function does to keys: functions of this file by
/// their definition, functions of other project files by qualified name.
public struct KeySummaries {
    public var local: (DefinitionSite) -> FunctionKeySummary?
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
    /// Every reuse found in the file, in source order.
    public private(set) var reuses: [KeyReuse] = []
    /// What it read of other files' facts (see ``FactsRead``).
    public private(set) var factsRead = FactsRead()

    /// Rounds of summary propagation; call chains deeper than this inside one file are rare,
    /// and each round only strengthens summaries (consumption only grows).
    static let maximumRounds = 6

    /// Analyses kept for reuse while what they read holds (see ``KeyFlowMemo``).
    let memo: KeyFlowMemo

    /// `history`: this file's key flow under earlier facts, from the same text, whose function
    /// analyses are reused where the new facts change nothing they read.
    public init(
        model: SemanticModel, moduleName: String = "", external: ExternalSummaries = ExternalSummaries(),
        reusing history: KeyFlowHistory = KeyFlowHistory()
    ) {
        precondition(history.source.map { $0 === model.source } ?? true, "a key flow is reused only for its own text")
        self.model = model
        self.moduleName = moduleName
        memo = KeyFlowMemo(continuing: history)
        let functions = model.scopes.filter { $0.kind == .function }
        let profiles = CallProfile.profiles(in: model)
        func profile(of scope: Scope) -> CallProfile { profiles[scope.index] }
        let package = ModuleImports.package(of: model.source.path, moduleName: moduleName)
        let lookup = KeySummaries(
            local: { [unowned self] definition in
                self.summaries[definition.start] ?? (definition.kind == .functionDefinition ? FunctionKeySummary() : nil)
            },
            external: { [unowned self] name in
                let absolute = name.hasPrefix(".") ? ModuleImports.resolve(name, package: package) : name
                let summary = external.byName[absolute]
                self.factsRead.summaries[absolute] = summary
                return summary
            })
        // Only functions that can touch a key are analysed: those calling `jax.random` or passing
        // `key=`, those calling a function already known to consume or return keys (another
        // file's, by the name its import gives it; this file's, by the name the call spells),
        // and those taking a key-named parameter (which may hand it to a library that consumes
        // it). On real code most functions are none of these, and skipping them is most of the
        // analysis' speed.
        let summarisedElsewhere = { (name: String) in lookup.external(name) != nil }
        let takingKeys = Set(functions.filter(Self.takesKeyNamedParameter).map(ObjectIdentifier.init))
        var summarised = Set<String>()
        var scopeFlows: [ScopeKeyFlow] = []
        for _ in 0..<Self.maximumRounds {
            var changed = false
            scopeFlows = []
            for function in functions
            where takingKeys.contains(ObjectIdentifier(function))
                || profile(of: function).mayTouchKeys(calling: summarised, orElsewhere: summarisedElsewhere)
            {
                let flow = memo.keyFlow(of: function, model: model, summaries: lookup)
                scopeFlows.append(flow)
                let key = function.node.startByte
                if summaries[key] ?? FunctionKeySummary() != flow.summary {
                    summaries[key] = flow.summary
                    if let name = function.name { summarised.insert(name) }
                    // A class is called by its own name.
                    if function.name == "__init__", let className = function.parent?.name { summarised.insert(className) }
                    changed = true
                }
            }
            if !changed { break }
        }
        if profile(of: model.moduleScope).mayTouchKeys(calling: summarised, orElsewhere: summarisedElsewhere) {
            scopeFlows.append(memo.keyFlow(of: model.moduleScope, model: model, summaries: lookup))
        }
        var seen = Set<Int>()
        reuses = scopeFlows.flatMap(\.reuses)
            .filter { seen.insert($0.use.startByte).inserted }
            .sorted { $0.use.startByte < $1.use.startByte }
    }

    /// What a later key flow of the same text may reuse (see ``KeyFlowHistory``).
    public var history: KeyFlowHistory { memo.history(of: model.source) }

    /// What a function's calls look like, enough to tell whether key flow can matter in it.
    private struct CallProfile {
        var touchesJaxRandom = false
        /// The names its calls spell (`sample` for `self.sample(…)`) that name one of this file's
        /// functions or classes.
        var calleeNames: Set<String> = []
        /// The dotted names its calls resolve to through imports, for other files' functions;
        /// sorted, so the names asked about before one that has a summary are the same each run.
        var qualifiedCallees: [String] = []

        /// The profile of each function of `model` (its calls and those of the scopes nested in
        /// it) and of the module (its own calls), by scope index, from one pass over the calls:
        /// each call is read once, however many functions it is inside.
        static func profiles(in model: SemanticModel) -> [CallProfile] {
            var profiles = [CallProfile](repeating: CallProfile(), count: model.scopes.count)
            var qualifiedNames = [Set<String>](repeating: [], count: model.scopes.count)
            // Only names of this file's functions and classes can ever be among those summarised;
            // their bits (``Scope/NameBit``) rule out most other names before their strings are made.
            var definedNames = Set<String>()
            var definedBits = Scope.NameBits()
            for scope in model.scopes where scope.kind == .function || scope.kind == .classBody {
                guard let name = scope.name else { continue }
                definedNames.insert(name)
                definedBits.bind(name)
            }
            for (call, callScope) in model.calls {
                guard let callee = call.child(.function) else { continue }
                let nameNode = callee.nodeKind == .attribute ? callee.child(.attribute) : callee
                let name = nameNode.flatMap { definedBits.mayHold($0) ? $0.text : nil }.flatMap { definedNames.contains($0) ? $0 : nil }
                let qualified = model.qualifiedName(of: callee, in: callScope)
                var touches = qualified.map { JaxRandomAPI.role(of: $0) != nil } ?? false
                if !touches, let arguments = call.child(.arguments), arguments.nodeKind == .argumentList {
                    arguments.forEachNamedChild { argument in
                        if argument.nodeKind == .keywordArgument, let name = argument.child(.name)?.text,
                            KeyNames.isKeyParameter(name)
                        {
                            touches = true
                        }
                    }
                }
                // The module's profile takes its own calls; a function's, those of every scope in it.
                var enclosing: Scope? = callScope
                while let scope = enclosing {
                    if scope.kind == .function || scope === callScope && scope.kind == .module {
                        if touches { profiles[scope.index].touchesJaxRandom = true }
                        if let name { profiles[scope.index].calleeNames.insert(name) }
                        if let qualified { qualifiedNames[scope.index].insert(qualified) }
                    }
                    enclosing = scope.parent
                }
            }
            for (index, names) in qualifiedNames.enumerated() where !names.isEmpty { profiles[index].qualifiedCallees = names.sorted() }
            return profiles
        }

        /// `summarised`: names of this file's functions whose summaries say something;
        /// `summarisedElsewhere`: whether another file's function of that dotted name has one.
        func mayTouchKeys(calling summarised: Set<String>, orElsewhere summarisedElsewhere: (String) -> Bool) -> Bool {
            touchesJaxRandom || !calleeNames.isDisjoint(with: summarised) || qualifiedCallees.contains(where: summarisedElsewhere)
        }
    }

    /// What this file's module-level functions and classes do to keys, by qualified name, for
    /// the files that import them. A class is summarised by its `__init__`, as a call sees it
    /// (without `self`). Functions that neither consume nor return keys are left out, unless they
    /// take a key-named parameter: then the empty summary says "not a consumer" (a validator such
    /// as `is_prng_key(key)`), where leaving it out would make the callee unknown, and an unknown
    /// callee consumes the known keys it is given.
    public var exports: [String: FunctionKeySummary] {
        var result: [String: FunctionKeySummary] = [:]
        let prefix = moduleName.isEmpty ? "" : moduleName + "."
        let none = FunctionKeySummary()
        for scope in model.moduleScope.children {
            switch scope.kind {
            case .function:
                let summary = summaries[scope.node.startByte] ?? none
                if summary != none || Self.takesKeyNamedParameter(scope) {
                    result[prefix + (scope.name ?? "")] = summary
                }
            case .classBody:
                guard let initializer = scope.initializer
                else { continue }
                var summary = summaries[initializer.node.startByte] ?? none
                guard summary != none || Self.takesKeyNamedParameter(initializer) else { continue }
                summary.consumedPositions = Set(summary.consumedPositions.filter { $0 > 0 }.map { $0 - 1 })
                summary.passedOnPositions = Set(summary.passedOnPositions.filter { $0 > 0 }.map { $0 - 1 })
                result[prefix + (scope.name ?? "")] = summary
            default:
                break
            }
        }
        return result
    }

    private static func takesKeyNamedParameter(_ function: Scope) -> Bool {
        // Most names a function binds are locals: asking whether one is a parameter is cheaper.
        function.bindings.contains { name, bindings in
            bindings.contains { $0.kind == .parameter } && KeyNames.isKeyLike(name)
        }
    }
}

/// What a file's key flow read of the facts of other files: the summary of each name it looked
/// up, to choose the functions it walks and in them. Given the same answers, the same text's
/// key flow walks the same functions and finds the same, so new facts that answer alike need
/// no second analysis.
public struct FactsRead: Sendable, Equatable, Codable {
    /// Each dotted name looked up, with the summary it had; nil: none.
    public var summaries: [String: FunctionKeySummary?] = [:]

    public init() {}

    /// Whether `external` gives every answer read.
    public func hold(for external: ExternalSummaries) -> Bool {
        summaries.allSatisfy { external.byName[$0.key] == $0.value }
    }
}

/// What the functions of other files do to keys, by qualified name.
public struct ExternalSummaries: Sendable, Equatable {
    public let byName: [String: FunctionKeySummary]

    public init(_ byName: [String: FunctionKeySummary] = [:]) {
        self.byName = byName
    }
}
