import Foundation
import RekeyAnalysis
import RekeyEdits
import RekeyRules
import RekeySyntax

/// Runs the rules over a set of files and, for `diff`/`fix`, applies their fixes to a fixed
/// point. Files are read, filtered, parsed and analysed on every core; applying edits is cheap
/// and done in one place, so conflicts between fixes are decided once.
public struct Engine {
    public struct Options: Sendable {
        public var unsafeFixes = false
        /// Fix rounds: each applies every fix that does not overlap another, and the next takes
        /// the fixes the last one exposed or deferred (an overlap, a split that reveals another
        /// reuse); chains longer than a few rounds are rare, and a run that stops here says so.
        public var maximumRounds = 8
        /// Worker threads; nil uses every core.
        public var jobs: Int?
        /// Skip parsing files with no JAX cue in their bytes. Off only to measure what it saves.
        public var prefilter = true
        /// `--select`/`--ignore`: findings of other codes are dropped before fixes are chosen.
        public var selection = RuleSelection.all
        /// Report RK100 for suppression comments that silence nothing (see ``Suppressions``).
        public var reportUnusedSuppressions = false
        /// `--max-file-size`: a file larger than this is skipped with a diagnostic rather than
        /// analysed. Analysing a file takes 30 to 120 bytes of memory per byte of it at the peak,
        /// most of it tree-sitter's tree (see README, Speed), so the default keeps one file within
        /// a few gigabytes.
        public var maximumFileBytes = Options.defaultMaximumFileBytes
        /// What file discovery leaves out: `exclude`, `extend-exclude`, gitignored files.
        public var discovery = FileDiscovery.Options()
        /// `per-file-ignores`: codes dropped, like `--ignore`, in the files a pattern matches.
        public var perFileIgnores: [PerFileIgnore] = []
        /// `[tool.rekey] line-length` and `target-version`, over what the project declares for
        /// ruff, black and pip (see ``ProjectConfiguration``).
        public var lineLength: Int?
        public var targetVersion: PythonVersion?
        /// Where `check` keeps its report for an unchanged re-run (``CheckCache``); nil: no
        /// cache. `diff` and `fix` never use it.
        public var cache: CheckCache?
        /// Hears how far the run is, from whichever thread did the work (see ``RunProgress``).
        public var progress: (@Sendable (RunProgress) -> Void)?
        /// `fix --interactive`: asked about each fix where the loop would take it (see
        /// ``FixReview``); nil applies every enabled fix.
        public var review: (@Sendable (FixProposal) -> FixDecision)?
        /// What the trees kept for later stages may take in all (see ``KeptTrees``): it changes
        /// how often a file is parsed, never what is found.
        var keptTreeBytes = Engine.keptTreeBytes
        /// How many fixes of a file screening parses from one tree of it (see
        /// ``screenSignatureChanges``): it changes how a fix's output is parsed, never what is found.
        var fixesPerEditableTree = Engine.fixesPerEditableTree

        public static let defaultMaximumFileBytes = 100_000_000

        public init(
            unsafeFixes: Bool = false, jobs: Int? = nil, prefilter: Bool = true,
            selection: RuleSelection = .all, reportUnusedSuppressions: Bool = false,
            maximumFileBytes: Int = Options.defaultMaximumFileBytes
        ) {
            self.unsafeFixes = unsafeFixes
            self.jobs = jobs
            self.prefilter = prefilter
            self.selection = selection
            self.reportUnusedSuppressions = reportUnusedSuppressions
            self.maximumFileBytes = maximumFileBytes
        }
    }

    public struct CheckReport: EngineReport {
        public var findings: [Finding] = []
        public var diagnostics: [Diagnostic] = []
        public var filesSeen = 0
        public var filesParsed = 0
        public var bytesSeen = 0
        /// How many files each round of cross-file facts analysed again (see ``propagateFacts``).
        public var factRounds: [Int] = []
        /// How long each stage of the run took, in order (for `--verbose`).
        public var stages: [StageTime] = []
        /// The findings and diagnostics are those the cache kept for these very inputs.
        public var fromCache = false
        /// Files whose first analysis the cache gave (their text and facts unchanged), not parsed for it.
        public var analysesReused = 0
        /// Journals of interrupted commits this run's walk met (see ``FileDiscovery/Result/journals``).
        public var journalsWalked: [String] = []
    }

    /// One stage of a run and its wall-clock time.
    public struct StageTime: Sendable, Equatable {
        public let name: String
        public let seconds: Double
    }

    /// The files of a run as read from disk, before anything is decoded: what the check cache
    /// keys on, so an unchanged re-run decodes nothing.
    private struct ReadProject {
        let discovery: FileDiscovery.Result
        let files: [String]
        let bytes: [Result<[UInt8], SourceLoader.Failure>]
        /// Folders of given files too large to read as their project (see ``ProjectRoot``).
        let unreadFolders: [String]
        /// The documentation files of the given files' projects, which the signature checks read.
        let documents: ProjectDocuments
        /// How long discovery and reading took.
        let seconds: Double

        func isContext(_ index: Int) -> Bool { index >= discovery.files.count }
    }

    /// What ``load(_:grammar:reuse:)`` read and worked out, before any fix.
    private struct Loaded {
        var states: [FileState]
        let diagnostics: [Diagnostic]
        let facts: RunFacts
        /// Which file defining a module each file reaches, where several define it.
        let definitions: ModuleDefinitions
        let documents: ProjectDocuments
        let factRounds: [Int]
        let stages: [StageTime]
        /// With the check cache: every file's first analysis, by path, for the next run.
        var analyses: [String: CachedAnalysis] = [:]
    }

    /// What the check cache offers a run whose inputs changed: the last run's analyses, and this
    /// run's content hash of every file read (in the order read).
    private struct AnalysisReuse {
        let kept: [String: CachedAnalysis]
        let contentHashes: [UInt64]
    }

    /// A fix the engine did not apply, by the file and rule of its finding.
    public struct FixRefusal: Sendable {
        public let path: String
        public let code: RuleCode
        public let reason: String

        public init(path: String, code: RuleCode, reason: String) {
            self.path = path
            self.code = code
            self.reason = reason
        }
    }

    public struct FileChange: Sendable {
        public let path: String
        public let original: [UInt8]
        public let updated: [UInt8]
        /// The texts the findings' positions are in: `original` and `updated`, except for a
        /// notebook, whose findings are in the program of its code cells (see ``Notebook``).
        public let analysedOriginal: [UInt8]
        public let analysedUpdated: [UInt8]

        /// `analysed`: the notebook's program before and after, for a notebook.
        init(path: String, original: [UInt8], updated: [UInt8], analysed: (original: [UInt8], updated: [UInt8])? = nil) {
            self.path = path
            self.original = original
            self.updated = updated
            (analysedOriginal, analysedUpdated) = analysed ?? (original, updated)
        }
    }

    public struct FixReport: EngineReport {
        public var changes: [FileChange] = []
        /// Fixes applied, by rule.
        public var applied: [RuleCode: Int] = [:]
        /// Findings left in the rewritten files: hand migrations and fixes not enabled.
        public var remaining: [Finding] = []
        public var diagnostics: [Diagnostic] = []
        public var rounds = 0
        /// Fixes refused for a reason another round would not change (a syntax error, …).
        public var refusals: [FixRefusal] = []
        /// Public names the applied fixes changed (see ``Fix/publicAPI``), sorted.
        public var publicAPIChanges: [String] = []
        /// Every fix applied, in order: its rule, the files it edits, the public names it changes.
        public var appliedFixes: [AppliedFix] = []
        /// The findings of each file given as read, before any fix: what `check` reports, what
        /// the summary accounts for, and what is left in a file `fix` cannot write.
        public var findingsAsRead: [String: [Finding]] = [:]
        /// Findings whose fix ``Options/review`` declined, as the round that asked found them.
        public var declined: [Finding] = []
        /// The review said stop: no fix it had not accepted by then was applied.
        public var reviewStopped = false
        /// Journals of interrupted commits this run's walk met (see ``FileDiscovery/Result/journals``).
        public var journalsWalked: [String] = []
        /// How long each stage of the run took, in order (for `--verbose`): the load's, then the
        /// fix rounds and the tidying of the changed files.
        public var stages: [StageTime] = []

        /// The changed files in groups that must be written together: two files are in one group
        /// when a fix applied edits both (directly, or through other files of the group).
        public var writeUnits: [[FileChange]] {
            var group = Dictionary(uniqueKeysWithValues: changes.map { ($0.path, $0.path) })
            func root(_ path: String) -> String {
                var current = path
                while let parent = group[current], parent != current { current = parent }
                return current
            }
            for fix in appliedFixes {
                let paths = fix.paths.filter { group[$0] != nil }
                for path in paths.dropFirst() { group[root(path)] = root(paths[0]) }
            }
            var units: [String: [FileChange]] = [:]
            var order: [String] = []
            for change in changes {
                let key = root(change.path)
                if units[key] == nil { order.append(key) }
                units[key, default: []].append(change)
            }
            return order.map { units[$0]! }
        }
    }

    /// A fix the loop applied.
    public struct AppliedFix: Sendable {
        public let code: RuleCode
        /// The file of the finding it fixed, and every file it edited.
        public let path: String
        public let paths: [String]
        public let publicAPI: [String]
        public let title: String
        public let applicability: Applicability
    }

    public let options: Options
    let rules: [any Rule]
    private let settingsCache: ProjectSettingsCache
    /// The other names files may be imported by (through folders without `__init__.py`).
    private let aliases: NamespaceAliases
    private let ruleCodes: Set<RuleCode>
    /// Whether this tree-sitter runtime loads the Python grammar, asked once: when it does not,
    /// `check` and `fix` report that and read no file.
    private let grammar: Result<LoadableGrammar, PythonParser.Failure>

    public init(options: Options = Options(), rules: [any Rule] = RuleRegistry.all) {
        self.options = options
        self.rules = rules
        self.settingsCache = ProjectSettingsCache(lineLength: options.lineLength, minimumPython: options.targetVersion)
        aliases = NamespaceAliases(roots: settingsCache)
        self.ruleCodes = Set(rules.map(\.code))
        grammar = Result { () throws(PythonParser.Failure) in try LoadableGrammar.check() }
    }

    /// One file's state: what was read, what it is now, and what the rules say about it.
    struct FileState: Sendable {
        let path: String
        let original: [UInt8]
        var current: SourceText?
        var findings: [Finding] = []
        var diagnostics: [Diagnostic] = []
        var parsed = false
        /// The text whose parse last passed ``PythonParser/parseCompilable(_:)``: analysed again
        /// (for new facts, or as a script), it is parsed without checking it again.
        var compiledText: SourceText?
        /// Not parsed: its bytes have no JAX cue (it may still call a project function that
        /// consumes keys; ``propagateSummaries`` brings such files in).
        var skippedByPrefilter = false
        /// What this file's functions do to keys, by qualified name, for other files.
        var exports: [String: FunctionKeySummary] = [:]
        /// Its module-level keys, by qualified name.
        var exportedKeys: Set<String> = []
        /// The file's dotted module name.
        var moduleName = ""
        /// What its key flow read of the cross-file facts it was given: it needs another analysis
        /// only when new facts answer otherwise.
        var factsRead = FactsRead()
        /// Not among the files given, but in their project (see ``ProjectRoot``): read for
        /// callers and facts, never reported on or written.
        var isContext = false
        /// Given, in this folder without a project marker, too large to read (see ``ProjectRoot``):
        /// files rekey did not read may use its names.
        var unreadProjectFolder: String?
        /// A Jupyter notebook as read: `original` and `current` are then the program of its code
        /// cells, and what is written is this put back into the cells (see ``Notebook``).
        var notebook: Notebook?
        /// The absolute names of the modules it imports.
        var importedModules: Set<String> = []
        /// For a file the prefilter skipped: the modules its text imports, when the scan made
        /// before parsing vouches it found them all (``ImportScan/allImportedModules(_:package:)``).
        var scannedImports: Set<String>?
        /// It looks like a script (see ``ScriptFiles``); it is one if nothing imports it.
        var looksLikeScript = false
        var isScript = false
        /// Where the signatures of its current text are, taken from the tree its findings came
        /// from when they include fixes: screening those fixes then needs no second parse.
        var signatureHeaders: TouchableRanges?
        /// Its key flow's last analysis of its current text, for the next (see ``KeyFlowHistory``).
        var keyFlowHistory = KeyFlowHistory()
        /// The tree of its current text, kept for a later stage (see ``KeptTrees``).
        var tree: SyntaxTree?
        /// The cross-file facts its last analysis was given: it needs another only when the facts
        /// of a name it calls or imports differ from these.
        var factsSeen = ProjectFacts()
        /// With the check cache: its first analysis came from the cache, and what that analysis
        /// tells importers, hashed (part of their cache keys).
        var analysisFromCache = false
        var exportsDigest: UInt64 = 0
    }

    // Both commands run on a thread with room for the recursive walks of the deepest tree
    // admitted (see `LargeStackThreads`); so do the workers they start.
    public func check(paths: [String]) -> CheckReport {
        withGrammar { grammar in checkOnThisThread(paths: paths, grammar: grammar) }
    }

    public func fix(paths: [String]) -> FixReport {
        withGrammar { grammar in fixOnThisThread(paths: paths, grammar: grammar) }
    }

    /// `body` on a large-stack thread once the grammar is known to load; else a report that
    /// says it does not.
    private func withGrammar<Report: EngineReport>(_ body: (LoadableGrammar) -> Report) -> Report {
        switch grammar {
        case .success(let grammar):
            return LargeStackThreads.run { body(grammar) }
        case .failure(let failure):
            var report = Report()
            report.diagnostics = [Self.unloadableGrammar(failure)]
            return report
        }
    }

    /// Said as the tool's own error (`rekey: error: …`): it concerns the installation, not a file.
    private static func unloadableGrammar(_ failure: PythonParser.Failure) -> Diagnostic {
        Diagnostic(path: "rekey", message: failure.description + "; rebuild rekey against the tree-sitter runtime it runs with")
    }

    private func checkOnThisThread(paths: [String], grammar: LoadableGrammar) -> CheckReport {
        let project = readProject(paths)
        var cacheKey: CheckCache.Key?
        var reuse: AnalysisReuse?
        if let cache = options.cache {
            let (key, contentHashes) = checkCacheKey(paths: paths, project: project)
            if var kept = cache.lookup(key) {
                kept.fromCache = true
                kept.stages = [StageTime(name: "read", seconds: project.seconds)]
                kept.journalsWalked = project.discovery.journals
                return kept
            }
            cacheKey = key
            reuse = AnalysisReuse(kept: cache.analyses(for: key), contentHashes: contentHashes)
        }
        let loaded = load(project, grammar: grammar, reuse: reuse)
        var report = CheckReport()
        report.journalsWalked = project.discovery.journals
        report.analysesReused = loaded.states.count(where: \.analysisFromCache)
        report.diagnostics = loaded.diagnostics
        report.factRounds = loaded.factRounds
        report.stages = loaded.stages
        let states = loaded.states
        let notebookLines = NotebookLines(notebooks: Self.notebooks(states))
        let contextPaths = Set(states.filter(\.isContext).map(\.path))
        for state in states where !state.isContext {
            // As `fix` would refuse it: a fix reaching a file that was not given is no fix here.
            let findings = state.findings.map { finding in
                Self.editsFileNotGiven(finding, contextPaths: contextPaths).map(finding.withoutFix(because:)) ?? finding
            }
            report.findings += FindingFingerprint.assign(
                to: notebookLines.placed(findings, path: state.path), in: state.current?.bytes ?? state.original)
            report.diagnostics += notebookLines.placed(state.diagnostics, path: state.path)
            report.filesParsed += state.parsed ? 1 : 0
            report.bytesSeen += state.original.count
        }
        report.filesSeen = states.count { !$0.isContext }
        report.findings.sort { ($0.path, $0.range) < ($1.path, $1.range) }
        if let cache = options.cache, let cacheKey { cache.store(report, analyses: loaded.analyses, for: cacheKey) }
        return report
    }

    /// What a `check` over `paths` reports depends on: the build and options, the working
    /// directory and the paths as given, then every file read (its bytes, or why they could not
    /// be read; whether it was given or context; its project's settings), what discovery said,
    /// and the projects' documents. All that decoding a file finds (its diagnostics, a
    /// notebook's cells) follows from its path and bytes.
    private func checkCacheKey(paths: [String], project: ReadProject) -> (key: CheckCache.Key, contentHashes: [UInt64]) {
        var invocation = StableHash()
        for field in [CheckCache.buildIdentity, options.checkCacheIdentity, FileManager.default.currentDirectoryPath] + paths {
            invocation.add(field: field)
        }
        invocation.add(field: rules.map(\.code.rawValue).joined(separator: ","))
        let hashes = parallelMap(project.bytes, workers: options.jobs, makeState: {}) { _, read in
            (try? read.get()).map(StableHash.ofContent) ?? 0
        }
        var inputs = StableHash()
        for (index, (path, read)) in zip(project.files, project.bytes).enumerated() {
            let settings = settingsCache.settings(forFile: path)
            switch read {
            case .success(let bytes): inputs.add(field: "\(path) \(project.isContext(index)) \(bytes.count) \(hashes[index])")
            case .failure(let failure): inputs.add(field: "\(path) \(project.isContext(index)) unread: \(failure)")
            }
            inputs.add(field: "\(settings.lineLength) \(settings.minimumPython.map(\.description) ?? "-")")
        }
        for diagnostic in project.discovery.diagnostics { inputs.add(field: diagnostic.description) }
        for folder in project.unreadFolders { inputs.add(field: "unread \(folder)") }
        // An example in a document may refuse a fix (see ``ProjectDocuments``).
        let documents = project.documents.files
        let documentHashes = parallelMap(documents, workers: options.jobs, makeState: {}) { _, path in
            (try? SourceLoader.readBytes(path)).map(StableHash.ofContent) ?? 0
        }
        for (path, hash) in zip(documents, documentHashes) { inputs.add(field: "document \(path) \(hash)") }
        return (CheckCache.Key(invocation: invocation.hex, inputs: inputs.hex), hashes)
    }

    /// What an analysis of a file depends on besides the invocation: its path and text, its
    /// project's settings, and `given`: for a first analysis, whether any file imports its module
    /// (a script's test) and the digest of what each file it imports tells it, in order; in a
    /// round of cross-file facts, whether it is a script and the digest of the round's facts.
    private func analysisCacheKey(_ state: FileState, contentHash: UInt64, given: [String]) -> String {
        var hash = StableHash()
        let settings = settingsCache.settings(forFile: state.path)
        hash.add(field: "\(state.path) \(contentHash)")
        hash.add(field: "\(settings.lineLength) \(settings.minimumPython.map(\.description) ?? "-")")
        for part in given { hash.add(field: part) }
        return hash.hex
    }

    /// A first analysis's key (see ``analysisCacheKey(_:contentHash:given:)``).
    private func firstAnalysisCacheKey(
        _ state: FileState, contentHash: UInt64, isImported: Bool, dependencies: [FileState]
    ) -> String {
        analysisCacheKey(
            state, contentHash: contentHash,
            given: ["first, imported: \(isImported)"] + dependencies.map { "\($0.path) \($0.exportsDigest)" })
    }

    /// `state` with the analysis the cache kept under `key`, or nil.
    private func reusedAnalysis(_ state: FileState, key: String, reuse: AnalysisReuse?, facts: ProjectFacts) -> FileState? {
        guard var restored = reuse?.kept[key]?.restored(into: state) else { return nil }
        restored.factsSeen = facts
        restored.analysisFromCache = true
        return restored
    }

    private func fixOnThisThread(paths: [String], grammar: LoadableGrammar) -> FixReport {
        let project = readProject(paths)
        let loaded = load(project, grammar: grammar)
        var states = loaded.states
        let (discovery, facts) = (loaded.diagnostics, loaded.facts)
        let findingsAsRead = Dictionary(states.map { ($0.path, $0.findings) }) { first, _ in first }
        var report = FixReport()
        report.diagnostics = discovery
        report.journalsWalked = project.discovery.journals
        report.stages = loaded.stages
        var stageStart = Date()
        func finished(_ stage: String) {
            let now = Date()
            report.stages.append(StageTime(name: stage, seconds: now.timeIntervalSince(stageStart)))
            stageStart = now
        }
        let parser = PythonParser(grammar)
        var changed = Set<Int>()
        var indexByPath: [String: Int] = [:]
        for (index, state) in states.enumerated() { indexByPath[state.path] = index }

        let signatureGuard = SignatureGuard(parser: parser, definitions: loaded.definitions, aliases: aliases, documents: loaded.documents)
        let contextPaths = Set(states.filter(\.isContext).map(\.path))
        let notebooks = Self.notebooks(states)
        // Findings whose fix was refused for good: not offered again while their file is unchanged.
        var refused = Set<RefusedFinding>()
        var review = options.review.map { FixReview($0, notebooks: notebooks) }
        while report.rounds < options.maximumRounds, !(review?.stopped ?? false) {
            // Under review, fingerprinted, so a finding whose fix was declined is known in later rounds.
            var candidates = states.filter { !$0.isContext }.flatMap { state in
                review == nil ? state.findings : FindingFingerprint.assign(to: state.findings, in: state.current?.bytes ?? state.original)
            }.filter {
                ($0.fix.map(isEnabled) ?? false) && !refused.contains(RefusedFinding($0)) && !(review?.wasDeclined($0) ?? false)
            }
            // A fix reaching a file that was not given would change it behind the user's back.
            candidates.removeAll { finding in
                guard let reason = Self.editsFileNotGiven(finding, contextPaths: contextPaths) else { return false }
                report.refusals.append(FixRefusal(path: finding.path, code: finding.code, reason: reason))
                report.diagnostics.append(
                    Diagnostic(
                        path: finding.path, message: "\(finding.code) fix not applied: \(reason)", severity: .warning))
                refused.insert(RefusedFinding(finding))
                return true
            }
            guard !candidates.isEmpty else { break }
            report.rounds += 1
            reporting(.applyingFixes(round: report.rounds), of: candidates.count)?(0)
            var sources: [String: SourceText] = [:]
            for state in states { if let current = state.current { sources[state.path] = current } }
            // A fix may reach files the prefilter never parsed (a caller in a file without JAX).
            for path in Set(candidates.flatMap { $0.fix!.edits.keys }) where sources[path] == nil {
                if let index = indexByPath[path], let text = try? SourceText(path: path, bytes: states[index].original) {
                    sources[path] = text
                }
            }
            let fixes = candidates.map { $0.fix! }
            review?.startRound()
            let admits = { (index: Int) in review?.admits(candidates[index], index: index, sources: sources) ?? true }
            // The analysis parsed these texts as they stand and found nothing CPython would
            // refuse; the outputs' trees are the guard's.
            let compiled = Set(states.filter { $0.parsed && $0.current != nil }.map(\.path))
            func applying(excluding excluded: Set<Int> = []) -> FixApplication {
                FixApplier.apply(
                    fixes, to: sources, parser: parser, excluding: excluded, admits: admits, cleanInputs: compiled, keepingTrees: true)
            }
            var application = applying()
            // Fixes that would leave a call unbound or binding differently are refused, and the
            // rest applied again without them, until every call binds.
            var broken: [Int: String] = [:]
            // Fixes whose edits cannot be put back into a notebook's cells (see ``notebookConflicts``).
            var unwritable: [Int: String] = [:]
            var deferred = Set<Int>()
            while true {
                let violations = signatureGuard.violations(
                    fixes: fixes, applied: application.applied, before: sources, after: application.changed,
                    project: ProjectTexts(projectTexts(states, sources: sources, changed: application.changed)),
                    afterTrees: application.trees)
                if !violations.isEmpty {
                    broken.merge(violations) { first, _ in first }
                } else {
                    let conflicts = notebookConflicts(fixes, application, sources: sources, notebooks: notebooks, parser: parser)
                    guard !conflicts.refused.isEmpty || !conflicts.deferred.isEmpty else { break }
                    unwritable.merge(conflicts.refused) { first, _ in first }
                    deferred.formUnion(conflicts.deferred)
                }
                application = applying(excluding: Set(broken.keys).union(unwritable.keys).union(deferred))
            }
            // The guard matches a call's arguments before and after the round by their text, so a
            // fix can be blamed for a call another fix of the round rewrote (a split's new key
            // passed where `key` was). One that passes alone waits for the next round, which sees
            // the other fix applied, rather than being refused for good: refusing it would leave
            // work that a second `rekey fix` then does.
            if !application.applied.isEmpty {
                for index in broken.keys.sorted()
                where passesGuardAlone(
                    fixes[index], sources: sources, states: states,
                    parser: parser, signatureGuard: signatureGuard)
                {
                    broken.removeValue(forKey: index)
                }
            }
            var refusals = application.refused.filter { !isRetryable($0.reason) }.map { ($0.fixIndex, $0.reason.description) }
            refusals += broken.sorted { $0.key < $1.key }.map { ($0.key, "it would break a call: \($0.value)") }
            refusals += unwritable.sorted { $0.key < $1.key }.map { ($0.key, "it cannot be written into the notebook: \($0.value)") }
            for (fixIndex, reason) in refusals {
                let finding = candidates[fixIndex]
                report.refusals.append(FixRefusal(path: finding.path, code: finding.code, reason: reason))
                report.diagnostics.append(
                    Diagnostic(
                        path: finding.path, message: "\(finding.code) fix not applied: \(reason)", severity: .warning))
                refused.insert(RefusedFinding(finding))
            }
            guard !application.applied.isEmpty else { break }
            for index in application.applied {
                report.applied[candidates[index].code, default: 0] += 1
                report.publicAPIChanges = Array(Set(report.publicAPIChanges).union(fixes[index].publicAPI)).sorted()
                report.appliedFixes.append(
                    AppliedFix(
                        code: candidates[index].code, path: candidates[index].path, paths: fixes[index].edits.keys.sorted(),
                        publicAPI: fixes[index].publicAPI, title: fixes[index].title, applicability: fixes[index].applicability))
            }
            var touched: [Int] = []
            for (path, text) in application.changed {
                guard let index = indexByPath[path] else { continue }
                states[index].current = text
                touched.append(index)
                changed.insert(index)
            }
            // With the facts of the files as read, as the load found them: propagating them again
            // would cost the load's rounds once per round. So a fix that changes what a function
            // does to keys (a global key made a parameter) leaves the function's callers in other
            // files judged by it as read until the next run of rekey.
            let reanalysed = parallelMap(touched, workers: options.jobs, makeState: { PythonParser(grammar) }) { parser, index in
                let (state, context) = analyse(states[index], parser: &parser, facts: facts.facts(for: states[index]))
                return (state, context.map { KeptContext(context: $0) })
            }
            var models: [Int: SemanticModel] = [:]
            for (index, (state, context)) in zip(touched, reanalysed) {
                states[index] = state
                models[index] = context?.context.model
            }
            guardAcrossFiles(&states, grammar: grammar, definitions: loaded.definitions, models: models)
            if report.rounds == options.maximumRounds,
                states.contains(where: { $0.findings.contains { $0.fix != nil && isEnabled($0.fix!) } })
            {
                report.diagnostics.append(
                    Diagnostic(
                        path: "rekey", message: "fixes did not converge in \(options.maximumRounds) rounds", severity: .warning))
            }
        }
        finished("fix rounds")
        // Imports the fixes made unused go, lines they made too long are wrapped; the findings
        // left in those files are found again, so their positions are those of the final text.
        // Each file on its own, on every core.
        let changedFiles = changed.sorted()
        let tidied = parallelMap(changedFiles, workers: options.jobs, makeState: { PythonParser(grammar) }) { parser, index in
            var state = states[index]
            guard let current = state.current, current.bytes != state.original,
                let original = try? SourceText(path: state.path, bytes: state.original)
            else { return nil as FileState? }
            let result = FixTidying.tidy(
                original: original, updated: current, parser: parser,
                lineLength: settingsCache.settings(forFile: current.path).lineLength)
            // A notebook keeps its fixed program untidied when the tidied one cannot go back into its cells.
            guard result.bytes != current.bytes else { return nil }
            if let notebook = state.notebook, (try? notebook.writingBack(result.bytes)) == nil { return nil }
            state.current = result
            return analyse(state, parser: &parser, facts: facts.facts(for: state)).state
        }
        for (index, state) in zip(changedFiles, tidied) { if let state { states[index] = state } }
        finished("tidy")
        var rewrittenNotebooks: [String: Notebook] = [:]
        for index in changed.sorted() {
            let state = states[index]
            guard let current = state.current, current.bytes != state.original else { continue }
            guard let notebook = state.notebook else {
                report.changes.append(FileChange(path: state.path, original: state.original, updated: current.bytes))
                continue
            }
            // Every round's program was checked to go back into the cells, so this is a safety net.
            let rewritten: Notebook
            do {
                rewritten = try notebook.writingBack(current.bytes)
            } catch {
                report.diagnostics.append(Diagnostic(path: state.path, message: "not written: \(error)"))
                continue
            }
            rewrittenNotebooks[state.path] = rewritten
            report.changes.append(
                FileChange(
                    path: state.path, original: notebook.bytes, updated: rewritten.bytes, analysed: (state.original, current.bytes)))
        }
        report.declined = review?.declined ?? []
        report.reviewStopped = review?.stopped ?? false
        // Findings as read are placed in the notebooks as read; those left, in the notebooks as rewritten.
        let linesAsRead = NotebookLines(notebooks: notebooks)
        let linesLeft = NotebookLines(notebooks: notebooks.merging(rewrittenNotebooks) { _, rewritten in rewritten })
        for state in states where !state.isContext {
            report.findingsAsRead[state.path] = linesAsRead.placed(findingsAsRead[state.path] ?? [], path: state.path)
            report.remaining += linesLeft.placed(state.findings, path: state.path)
            report.diagnostics += linesLeft.placed(state.diagnostics, path: state.path)
        }
        report.remaining.sort { ($0.path, $0.range) < ($1.path, $1.range) }
        return report
    }

    /// A finding as the fix loop recognises it between rounds.
    private struct RefusedFinding: Hashable {
        let path: String
        let code: RuleCode
        let range: ByteRange

        init(_ finding: Finding) {
            path = finding.path
            code = finding.code
            range = finding.range
        }
    }

    /// Every file of the project as it stands once `changed` is written: what the signature
    /// guard searches for calls. Files that could not be read or decoded are left out.
    private func projectTexts(
        _ states: [FileState], sources: [String: SourceText],
        changed: [String: SourceText]
    ) -> [SourceText] {
        states.compactMap { state in
            changed[state.path] ?? sources[state.path] ?? state.current
                ?? (state.skippedByPrefilter ? try? SourceText(path: state.path, bytes: state.original) : nil)
        }
    }

    /// The fixes of a round whose edits cannot be put back into a notebook's cells (see
    /// ``Notebook/writingBack(_:)``). For each notebook whose new program cannot be, each applied
    /// fix that edits it is tried alone: one that fails alone (it changes an IPython line) is
    /// refused with the reason; when every one passes alone (only together do they fail), all but
    /// the first wait for the next round.
    private func notebookConflicts(
        _ fixes: [Fix], _ application: FixApplication, sources: [String: SourceText], notebooks: [String: Notebook],
        parser: PythonParser
    ) -> (refused: [Int: String], deferred: Set<Int>) {
        var refused: [Int: String] = [:]
        var deferred = Set<Int>()
        for (path, text) in application.changed.sorted(by: { $0.key < $1.key }) {
            guard let notebook = notebooks[path], (try? notebook.writingBack(text.bytes)) == nil else { continue }
            let editing = application.applied.filter { fixes[$0].edits[path] != nil }
            for index in editing {
                let alone = FixApplier.apply([fixes[index]], to: sources, parser: parser)
                guard let program = alone.changed[path] else { continue }
                do {
                    _ = try notebook.writingBack(program.bytes)
                } catch {
                    refused[index] = error.description
                }
            }
            if !editing.contains(where: { refused[$0] != nil }) { deferred.formUnion(editing.dropFirst()) }
        }
        return (refused, deferred)
    }

    /// `fix` applied by itself to this round's `sources` breaks no call.
    private func passesGuardAlone(
        _ fix: Fix, sources: [String: SourceText], states: [FileState], parser: PythonParser,
        signatureGuard: SignatureGuard
    ) -> Bool {
        let alone = FixApplier.apply([fix], to: sources, parser: parser)
        guard alone.applied == [0] else { return false }
        return signatureGuard.violations(
            fixes: [fix], applied: [0], before: sources, after: alone.changed,
            project: ProjectTexts(projectTexts(states, sources: sources, changed: alone.changed))
        ).isEmpty
    }

    private func isEnabled(_ fix: Fix) -> Bool {
        fix.applicability == .safe || (fix.applicability == .unsafe && options.unsafeFixes)
    }

    /// Why `finding`'s fix may not be applied when it edits one of `contextPaths`, files read
    /// as context but not given: it would change them behind the user's back.
    private static func editsFileNotGiven(_ finding: Finding, contextPaths: Set<String>) -> String? {
        guard !contextPaths.isEmpty, let fix = finding.fix,
            let outside = fix.edits.keys.sorted().first(where: { contextPaths.contains($0) })
        else { return nil }
        return "it would also edit \(outside), which is not among the files given; run rekey on the whole project"
    }

    /// Overlaps are settled by the next round, which re-analyses the rewritten file.
    private func isRetryable(_ reason: RefusedFix.Reason) -> Bool {
        switch reason {
        case .overlaps, .fileRefusedByAnotherFix: return true
        default: return false
        }
    }

    // MARK: Per file

    /// Discovery (the given files, then their projects' other files as context) and every file's bytes.
    private func readProject(_ paths: [String]) -> ReadProject {
        let start = Date()
        let discovery = FileDiscovery.pythonFiles(in: paths, options: options.discovery)
        let context = ProjectRoot.context(for: paths, givenRealPaths: discovery.realPaths, options: options.discovery)
        let files = discovery.files + context.files
        let bytes = parallelMap(files, workers: options.jobs, makeState: {}) { _, path in
            Result { () throws(SourceLoader.Failure) in try SourceLoader.readBytes(path) }
        }
        return ReadProject(
            discovery: discovery, files: files, bytes: bytes, unreadFolders: context.unreadFolders,
            documents: ProjectDocuments(discovery.documents + context.documents, roots: settingsCache),
            seconds: Date().timeIntervalSince(start))
    }

    private func load(_ project: ReadProject, grammar: LoadableGrammar, reuse: AnalysisReuse? = nil) -> Loaded {
        var stageStart = Date()
        let (discovery, files) = (project.discovery, project.files)
        let moduleNames = ModuleNames()
        let read = parallelMap(Array(zip(files, project.bytes)), workers: options.jobs, makeState: {}) { _, file in
            decoded(file.0, file.1, moduleNames: moduleNames)
        }
        var stages = [StageTime(name: "read", seconds: project.seconds + Date().timeIntervalSince(stageStart))]
        stageStart = Date()
        func finished(_ stage: String) {
            let now = Date()
            stages.append(StageTime(name: stage, seconds: now.timeIntervalSince(stageStart)))
            stageStart = now
        }
        let kept = KeptTrees(bytes: options.keptTreeBytes)
        // Each file after the files it imports, with their facts: most files then need no
        // second analysis when the rounds of cross-file facts begin.
        let definitions = ModuleDefinitions(read.map(\.state))
        // A file the prefilter skipped is analysed later or never: no file waits for it (an edge
        // to it could only join files into a cycle, whose files are not ordered).
        let graph = ImportGraph(
            modules: read.map { ($0.state.path, $0.state.skippedByPrefilter ? "" : $0.state.moduleName) }, imports: read.map(\.imports),
            definitions: definitions)
        // Whether a file that looks like a script is one depends on whether any file imports it:
        // guessed here from the imports read without parsing, settled by ``markScripts``.
        let importedAnywhere = ImportedModules(read.flatMap(\.imports))
        let isImported = { (module: String) in importedAnywhere.contains(moduleOrParent: module) }
        var states = parallelInDependencyOrder(
            count: read.count, dependencies: graph.dependencies, priority: { read[$0].state.original.count },
            workers: options.jobs, makeState: { PythonParser(grammar) },
            finished: reporting(.analysing, of: files.count)
        ) { (parser: inout PythonParser, index: Int, analysed: (Int) -> FileState) -> FileState in
            // A file that could not be read or decoded keeps its diagnostic.
            guard read[index].state.current != nil else { return read[index].state }
            let file = read[index].state
            let dependencies = graph.dependencies[index].map(analysed)
            let facts = RunFacts(dependencies, definitions: definitions).shared
            guard let reuse else {
                return analyse(file, parser: &parser, facts: facts, isImported: isImported, keeping: kept).state
            }
            let key = firstAnalysisCacheKey(
                file, contentHash: reuse.contentHashes[index], isImported: isImported(file.moduleName), dependencies: dependencies)
            var state =
                reusedAnalysis(file, key: key, reuse: reuse, facts: facts)
                ?? analyse(file, parser: &parser, facts: facts, isImported: isImported, keeping: kept).state
            state.exportsDigest = CachedAnalysis.digest(summaries: state.exports, keys: state.exportedKeys)
            return state
        }
        finished("analyse")
        var analyses: [String: CachedAnalysis] = [:]
        if let reuse {
            for index in states.indices where Self.isWholeAnalysis(states[index]) {
                let key = firstAnalysisCacheKey(
                    read[index].state, contentHash: reuse.contentHashes[index], isImported: isImported(read[index].state.moduleName),
                    dependencies: graph.dependencies[index].map { states[$0] })
                analyses[key] = CachedAnalysis(states[index])
            }
        }
        for index in discovery.files.count..<states.count { states[index].isContext = true }
        if !project.unreadFolders.isEmpty {
            for index in discovery.files.indices {
                states[index].unreadProjectFolder = ProjectRoot.folder(holding: states[index].path, among: project.unreadFolders)
            }
        }
        // What the files the prefilter skipped spell and import, read once for both stages.
        let skipped = states.indices.filter { states[$0].skippedByPrefilter }
        let skippedWords = parallelMap(skipped, workers: options.jobs, makeState: {}) { _, index in SpelledWords(states[index].original) }
        var skippedFiles: [Int: SkippedFile] = [:]
        for (index, words) in zip(skipped, skippedWords) { skippedFiles[index] = SkippedFile(words: words, imports: read[index].imports) }
        markScripts(&states, grammar: grammar, skippedFiles: skippedFiles, keeping: kept)
        finished("scripts")
        let (facts, reanalysed) = propagateFacts(
            &states, grammar: grammar, definitions: definitions, skippedFiles: skippedFiles, reuse: reuse, analyses: &analyses,
            keeping: kept)
        finished("cross-file facts")
        // The guard and screening read the same texts, each stage keeping its own parses; the
        // trees the analysis kept serve both, and are dropped after them.
        let unchanged = UnchangedProject(states, words: skippedFiles.mapValues(\.words))
        guardAcrossFiles(&states, grammar: grammar, definitions: definitions, unchanged: unchanged)
        finished("cross-file guard")
        screenSignatureChanges(&states, grammar: grammar, definitions: definitions, documents: project.documents, unchanged: unchanged)
        for index in states.indices { states[index].tree = nil }
        finished("screening")
        return Loaded(
            states: states, diagnostics: discovery.diagnostics, facts: facts, definitions: definitions, documents: project.documents,
            factRounds: reanalysed, stages: stages, analyses: analyses)
    }

    /// The project's texts as the analysis left them, by file (also those it skipped, decoded),
    /// for the cross-file guard and screening; made on first use, since most runs change no
    /// signature. Reading `texts` first on one thread makes it safe to share.
    final class UnchangedProject: @unchecked Sendable {
        private let states: [FileState]
        private(set) lazy var texts: [SourceText?] = states.map { state in
            state.current ?? (try? SourceText(path: state.path, bytes: state.original))
        }
        /// What some of `texts` spell, by index (the files the prefilter skipped, read at load),
        /// so the stages asking which texts spell a word look it up instead of searching them all.
        let words: [Int: SpelledWords]

        /// A cache of parses of `texts` (or of those listed in `some`) for one stage, holding
        /// models of up to `budget` bytes of source, which starts from the trees the analysis kept.
        func parses(budget: Int, of some: [SourceText]? = nil) -> ParsedTexts {
            let spelled = Dictionary(
                uniqueKeysWithValues: words.compactMap { index, words in texts[index].map { (ObjectIdentifier($0), words) } })
            return ParsedTexts(
                some ?? texts.compactMap { $0 }, trees: states.compactMap(\.tree), budget: budget, words: spelled,
                stageTrees: stageTrees)
        }

        /// Trees the stages parse, shared by their caches (see ``StageTrees``).
        private let stageTrees = StageTrees(bytes: Engine.stageTreeBytes)

        /// `words`: what the files at some indices spell, read from their bytes as loaded; kept
        /// only for the texts those bytes still are.
        init(_ states: [FileState], words: [Int: SpelledWords] = [:]) {
            self.states = states
            self.words = words.filter { index, _ in states[index].current.map { $0.bytes == states[index].original } ?? true }
        }
    }

    /// Each fix that changes a signature (an edit inside a `def`'s parameters or a class's
    /// fields), tried alone before anything is applied: one the signature guard refuses is offered
    /// as a hand migration naming the call it would break, so `check` and `fix` agree on what is
    /// fixable. The fix loop guards the combination of fixes of each round again. Each fix is
    /// screened alone, so the fixes are shared among the workers.
    private func screenSignatureChanges(
        _ states: inout [FileState], grammar: LoadableGrammar, definitions: ModuleDefinitions, documents: ProjectDocuments,
        unchanged: UnchangedProject
    ) {
        let screened = states.indices.filter { !states[$0].isContext }
        var fixes: [(index: Int, position: Int, fix: Fix)] = []
        for index in screened {
            guard let source = states[index].current, let headers = states[index].signatureHeaders else { continue }
            for (position, finding) in states[index].findings.enumerated() {
                guard let fix = finding.fix,
                    fix.edits.contains(where: { path, edits in
                        path != source.path || edits.contains { headers.contains(touching: $0.range) }
                    })
                else { continue }
                fixes.append((index, position, fix))
            }
        }
        guard !fixes.isEmpty else { return }
        // Made here, before the workers share them. The texts are those of ``projectTexts``.
        let project = zip(states, unchanged.texts).compactMap { state, text in
            state.current != nil || state.skippedByPrefilter ? text : nil
        }
        // Call indices only: most fixes are checked against the same callers' files, and an index
        // is a small part of a model.
        let parsed = unchanged.parses(budget: 0, of: project)
        let projectText = Dictionary(project.map { ($0.path, $0) }) { first, _ in first }
        // The analysis parsed these texts as they stand and found nothing CPython would refuse.
        let compiled = Set(states.filter { $0.parsed && $0.current != nil }.map(\.path))
        let moduleNames = ModuleNames()
        let progress = options.progress.map { ProgressTally(stage: .screeningFixes, total: fixes.count, report: $0) }
        // Each fix is applied alone and its output parsed. The fixes of one file are taken a few
        // at a time, each run parsing their outputs from one tree of the file (see
        // ``EditableTree``): most of a fix's output is its input, which tree-sitter then reuses.
        // The runs of one file ask for the same callers' files in the same order: taken one after
        // the other, one worker waits on each caller the other is parsing. Taken in turn from
        // each file, the workers mostly ask for different files.
        let runs = inTurn(Self.runs(of: fixes, byGroup: \.index, length: options.fixesPerEditableTree), byGroup: { $0[0].index })
        let reasons = parallelMap(
            runs, workers: options.jobs,
            makeState: {
                SignatureGuard(
                    parser: PythonParser(grammar), unchanged: parsed, moduleNames: moduleNames, definitions: definitions, aliases: aliases,
                    documents: documents)
            }
        ) { signatureGuard, run -> [String?] in
            // Trees of the files two or more of the run's fixes edit.
            let edited = Dictionary(run.flatMap { $0.fix.edits.keys }.map { ($0, 1) }, uniquingKeysWith: +)
            let bases = Dictionary(
                uniqueKeysWithValues: edited.compactMap { path, count in
                    count < 2 ? nil : projectText[path].flatMap(signatureGuard.parser.editableTree).map { (path, $0) }
                })
            let reasons = run.map { item -> String? in
                let sources = Dictionary(
                    uniqueKeysWithValues: item.fix.edits.keys.compactMap { path in projectText[path].map { (path, $0) } })
                let application = FixApplier.apply(
                    [item.fix], to: sources, parser: signatureGuard.parser, cleanInputs: compiled, keepingTrees: true, editing: bases)
                guard !application.applied.isEmpty else { return nil }
                return signatureGuard.violations(
                    fixes: [item.fix], applied: [0], before: sources, after: application.changed,
                    project: ProjectTexts(shared: parsed, byPath: projectText, changed: application.changed),
                    afterTrees: application.trees)[0]
            }
            progress?.finished(run.count)
            return reasons
        }
        for (item, reason) in zip(runs.joined(), reasons.joined()) {
            guard let reason else { continue }
            states[item.index].findings[item.position] = states[item.index].findings[item.position]
                .withoutFix(because: "its fix would break a call: \(reason)")
        }
    }

    /// How many fixes of a file are screened from one tree of it: a run of fixes is one worker's,
    /// and longer runs balance the workers less well.
    static let fixesPerEditableTree = 8

    /// `items` in runs of at most `length` of one group each, in order.
    static func runs<Item>(of items: [Item], byGroup group: (Item) -> Int, length: Int) -> [[Item]] {
        var runs: [[Item]] = []
        var open: [Int: Int] = [:]  // group: index of its run still short of `length`
        for item in items {
            let key = group(item)
            if let index = open[key], runs[index].count < length {
                runs[index].append(item)
            } else {
                open[key] = runs.count
                runs.append([item])
            }
        }
        return runs
    }

    /// Cross-file key facts: each file exports what its functions do to keys and which of its
    /// module-level names are keys; the files that call one of those functions, or import one of
    /// those keys, with facts other than those they were analysed with (the first analysis had
    /// the facts of the files each imports) are analysed again with the merged facts, and so are
    /// the files the prefilter skipped that spell such a name (a file can misuse a key without
    /// mentioning JAX, by calling a project helper twice). Repeats for changed facts only, so a
    /// chain of helpers across files is followed.
    ///
    /// Analysing a file again reads the tree its last analysis kept (see ``KeptTrees``) or parses
    /// it again, and its key flow walks again only the functions whose facts changed (see
    /// ``KeyFlowHistory``). Returns the merged facts (see ``RunFacts``) and how many files each
    /// round analysed again.
    /// With the check cache (`reuse`), an analysis whose key the last run kept is taken from
    /// it, and every analysis made is added to `analyses` for the next run.
    private func propagateFacts(
        _ states: inout [FileState], grammar: LoadableGrammar, definitions: ModuleDefinitions, skippedFiles: [Int: SkippedFile],
        reuse: AnalysisReuse? = nil, analyses: inout [String: CachedAnalysis], keeping kept: KeptTrees
    ) -> (facts: RunFacts, reanalysed: [Int]) {
        var merged = RunFacts(states, definitions: definitions)
        var changed = merged.all
        var reanalysedPerRound: [Int] = []
        // Files the prefilter skipped are matched against each round's names by the modules they
        // import and the words they spell. The key flow looks a name up as the file's imports
        // resolve it, without following re-exports, so a call of `pkg.ops.noise` spells each
        // part its import leaves out: `pkg.ops.noise(…)` after `import pkg`, `ops.noise(…)` after
        // `from pkg import ops`, `noise(…)` after `from pkg.ops import noise`.
        var skippedFiles = skippedFiles
        // At most four rounds, so a chain of helpers is followed four files deep. Facts need not
        // settle sooner: they are not monotone (a callee that becomes known may consume less than
        // the unknown callee it was taken for, and its callers' summaries shrink in turn), and on
        // large projects (JAX itself) summaries still change in the fourth round. The findings are
        // those of these four rounds.
        for _ in 0..<4 where !changed.summaries.isEmpty || !changed.keys.isEmpty {
            // Under every dotted prefix of each changed name, the parts after it (at least the
            // last). A summary that says nothing (a function taking a key it does not consume)
            // cannot give a file that has no JAX cue a finding, nor can one that only hands its
            // parameters on: that consumes only known keys, and a file without a cue knows none
            // but those of names whose facts say more, which bring it in themselves.
            var namesUnder: [String: Set<[[UInt8]]>] = [:]
            let saying = changed.summaries.filter(\.value.affectsCallersWithoutKnownKeys).keys
            for name in Set(saying).union(changed.keys) {
                let parts = name.split(separator: ".")
                guard let last = parts.last else { continue }
                for length in 1...parts.count {
                    let rest = length < parts.count ? Array(parts[length...]) : [last]
                    namesUnder[parts.prefix(length).joined(separator: "."), default: []].insert(rest.map { Array($0.utf8) })
                }
            }
            // A file analysed before is analysed again when the facts would answer its key flow
            // otherwise (a summary it read, or which of the names it calls are summarised; see
            // ``FactsRead``) or a key it imports changed; a file not parsed yet, when it may call
            // or import a name whose facts changed. Largest first, so the round does not end
            // waiting on one worker's last large file.
            let candidates = states.indices.filter { index in
                let state = states[index]
                if let file = skippedFiles[index] {
                    return file.imports.contains { namesUnder[$0]?.contains { $0.allSatisfy(file.words.contains) } ?? false }
                }
                guard state.current != nil else { return false }
                let (seen, facts) = (state.factsSeen, merged.facts(for: state))
                return !state.factsRead.hold(for: facts.external)
                    || state.importedModules.contains { facts.keys.contains($0) != seen.keys.contains($0) }
            }.sorted { states[$0].original.count > states[$1].original.count }
            guard !candidates.isEmpty else { break }
            reanalysedPerRound.append(candidates.count)
            let shared = merged.shared
            let sharedDigest = reuse.map { _ in Self.digest(shared) }
            let reanalysed = parallelMap(
                candidates, workers: options.jobs, makeState: { PythonParser(grammar) },
                finished: reporting(.crossFileFacts(round: reanalysedPerRound.count), of: candidates.count)
            ) { parser, index -> (state: FileState, cacheKey: String?) in
                var state = states[index]
                if state.skippedByPrefilter {
                    guard let source = try? SourceText(path: state.path, bytes: state.original) else { return (state, nil) }
                    state.current = source
                    state.skippedByPrefilter = false
                }
                let own = merged.ownFacts(for: state)
                let facts = own ?? shared
                guard let reuse, let factsDigest = own.map(Self.digest) ?? sharedDigest else {
                    return (analyse(state, parser: &parser, facts: facts, keeping: kept).state, nil)
                }
                let key = analysisCacheKey(
                    state, contentHash: reuse.contentHashes[index], given: ["round, script: \(state.isScript)", factsDigest])
                return (
                    reusedAnalysis(state, key: key, reuse: reuse, facts: facts)
                        ?? analyse(state, parser: &parser, facts: facts, keeping: kept).state, key
                )
            }
            for (index, (state, cacheKey)) in zip(candidates, reanalysed) {
                states[index] = state
                if !state.skippedByPrefilter { skippedFiles[index] = nil }
                if let cacheKey, Self.isWholeAnalysis(state) { analyses[cacheKey] = CachedAnalysis(state) }
            }
            let next = RunFacts(states, definitions: definitions)
            changed = ProjectFacts(
                summaries: next.all.summaries.filter { merged.all.summaries[$0.key] != $0.value },
                keys: next.all.keys.subtracting(merged.all.keys))
            merged = next
        }
        return (merged, reanalysedPerRound)
    }

    /// Facts as a round's cache keys name them.
    private static func digest(_ facts: ProjectFacts) -> String {
        String(CachedAnalysis.digest(summaries: facts.summaries, keys: facts.keys))
    }

    /// An analysis the check cache keeps: a file skipped with a diagnostic is judged again.
    private static func isWholeAnalysis(_ state: FileState) -> Bool {
        state.current != nil && state.parsed && state.diagnostics.isEmpty
    }

    /// A file the prefilter skipped, as the cross-file stages match it: the identifiers it spells
    /// and the modules it imports (read without parsing, see ``ImportScan``).
    struct SkippedFile {
        let words: SpelledWords
        let imports: [String]
    }

    /// What tells ``Options/progress`` of each item done of `total` in `stage`.
    private func reporting(_ stage: RunProgress.Stage, of total: Int) -> ((Int) -> Void)? {
        options.progress.map { progress in { done in progress(RunProgress(stage: stage, done: done, total: total)) } }
    }

    /// Not Sendable by itself (a context fills in its analyses lazily), but each file is analysed
    /// by one worker at a time, so no two threads use one context at once.
    private struct KeptContext: @unchecked Sendable {
        let context: FileContext
    }

    /// Files that look like scripts and that no file of the project imports are scripts, as their
    /// imports parsed say; the first analysis guessed from imports read without parsing, and a
    /// file guessed wrong is analysed again. A file rekey did not parse (no JAX cue) may still
    /// import one: its `import`/`from` lines are read for it (see ``ScriptFiles/ImportLines/mayImport(_:)``).
    private func markScripts(
        _ states: inout [FileState], grammar: LoadableGrammar, skippedFiles: [Int: SkippedFile], keeping kept: KeptTrees
    ) {
        let imported = ImportedModules(states.flatMap(\.importedModules))
        let unparsed = skippedFiles.keys.sorted()
        // Each unparsed file's import lines are read once, when first asked about.
        var importLines: [Int: ScriptFiles.ImportLines] = [:]
        func lines(_ index: Int) -> ScriptFiles.ImportLines {
            if let known = importLines[index] { return known }
            let lines = ScriptFiles.ImportLines(states[index].original)
            importLines[index] = lines
            return lines
        }
        // Each script is looked for in every unparsed file: their words, in a list, and the
        // script's name hashed once.
        let unparsedWords = unparsed.map { (index: $0, words: skippedFiles[$0]!.words) }
        func isScript(_ state: FileState) -> Bool {
            guard state.looksLikeScript, !state.moduleName.isEmpty,
                !imported.contains(moduleOrParent: state.moduleName)
            else { return false }
            let last = SpelledWords.Word(state.moduleName.split(separator: ".").last.map(String.init) ?? state.moduleName)
            return !unparsedWords.contains { index, words in
                words.contains(last) && states[index].path != state.path && lines(index).mayImport(state.moduleName)
            }
        }
        let misjudged = states.indices.filter {
            states[$0].current != nil && states[$0].notebook == nil && states[$0].isScript != isScript(states[$0])
        }
        let reanalysed = parallelMap(misjudged, workers: options.jobs, makeState: { PythonParser(grammar) }) { parser, index in
            var state = states[index]
            state.isScript.toggle()
            return analyse(state, parser: &parser, facts: state.factsSeen, keeping: kept).state
        }
        for (index, state) in zip(misjudged, reanalysed) { states[index] = state }
    }

    /// `models`: files already parsed from their current text, by index, which the guard
    /// does not parse again.
    /// `unchanged`: the texts of `states`, when the caller shares them.
    private func guardAcrossFiles(
        _ states: inout [FileState], grammar: LoadableGrammar, definitions: ModuleDefinitions, models: [Int: SemanticModel] = [:],
        unchanged: UnchangedProject? = nil
    ) {
        CrossFileGuard(
            rules: rules, settings: settingsCache.settings(forFile:), grammar: grammar, definitions: definitions, aliases: aliases
        )
        .settle(&states, models: models, unchanged: unchanged ?? UnchangedProject(states), jobs: options.jobs)
    }

    /// A file decoded from the bytes read, not parsed yet, with the modules it imports (see
    /// ``ImportScan``; also for a file the prefilter skips, which may import a script);
    /// a file that could not be read or decoded has its diagnostic, and one without a JAX cue is
    /// marked skipped by the prefilter.
    private func decoded(
        _ path: String, _ read: Result<[UInt8], SourceLoader.Failure>, moduleNames: ModuleNames
    ) -> (state: FileState, imports: [String]) {
        var bytes: [UInt8]
        switch read {
        case .success(let read):
            bytes = read
        case .failure(let failure):
            return (
                FileState(path: path, original: [], current: nil, diagnostics: [Diagnostic(path: path, message: failure.description)]),
                []
            )
        }
        // Before the prefilter, whose ASCII cues cannot match UTF-16 text.
        if let problem = SourceText.wideEncodingOrNul(in: bytes) {
            return (
                FileState(path: path, original: bytes, current: nil, diagnostics: [Diagnostic(path: path, message: "skipped: \(problem)")]),
                []
            )
        }
        // A notebook is read as the program of its code cells from here on. It is no module: no
        // file imports it, so it has no module name.
        var notebook: Notebook?
        if Notebook.isNotebookPath(path) {
            do {
                notebook = try Notebook(bytes: bytes)
            } catch .notPython {
                // Not Python, like a `.R` file beside the code: left alone without a word.
                return (FileState(path: path, original: [], current: nil, skippedByPrefilter: true), [])
            } catch {
                return (
                    FileState(path: path, original: [], current: nil, diagnostics: [Diagnostic(path: path, message: "skipped: \(error)")]),
                    []
                )
            }
            bytes = notebook!.program
        }
        let moduleName = notebook == nil ? moduleNames.of(path) : ""
        var text = CodeOnlyText.OnDemand(bytes)
        let (imports, allImports) = ImportScan.read(&text, package: ModuleImports.package(of: path, moduleName: moduleName))
        guard !options.prefilter || Prefilter.mayMatter(&text, imports: allImports) else {
            var state = FileState(path: path, original: bytes, current: nil, skippedByPrefilter: true)
            state.notebook = notebook
            // A notebook is no package's module: its relative imports resolve from its path only in a parse.
            state.scannedImports = notebook == nil ? allImports.map(Set.init) : nil
            state.moduleName = moduleName
            return (state, imports)
        }
        do {
            var state = FileState(path: path, original: bytes, current: try SourceText(path: path, bytes: bytes))
            state.moduleName = moduleName
            state.notebook = notebook
            return (state, imports)
        } catch {
            return (
                FileState(path: path, original: bytes, current: nil, diagnostics: [Diagnostic(path: path, message: "skipped: \(error)")]),
                []
            )
        }
    }

    /// The notebooks among `states`, by path.
    private static func notebooks(_ states: [FileState]) -> [String: Notebook] {
        Dictionary(states.compactMap { state in state.notebook.map { (state.path, $0) } }) { first, _ in first }
    }

    /// `123.4 MB`.
    private static func megabytes(_ bytes: Int) -> String {
        let tenths = (bytes + 50_000) / 100_000
        return "\(tenths / 10).\(tenths % 10) MB"
    }

    /// Parses the file's current text and runs every rule on it; returns the context too. The
    /// key flow reuses what its last analysis of the same text found (see ``KeyFlowHistory``).
    /// `isImported`, on a first analysis: whether any file may import a module, to take a file
    /// that looks like a script for one (see ``markScripts``); later analyses keep `isScript`.
    /// `keeping`: the run's kept trees (see ``KeptTrees``), which the file's tree joins for the
    /// later stages that read it again.
    private func analyse(
        _ state: FileState, parser: inout PythonParser,
        facts: ProjectFacts, isImported: ((String) -> Bool)? = nil, keeping kept: KeptTrees? = nil
    ) -> (state: FileState, context: FileContext?) {
        var state = state
        state.findings = []
        state.diagnostics = []
        state.signatureHeaders = nil
        state.analysisFromCache = false
        guard let source = state.current else { return (state, nil) }
        func skipped(_ reason: String) -> (state: FileState, context: FileContext?) {
            state.current = nil
            state.tree = nil
            state.parsed = true  // it was read and judged, which is what the count reports
            state.diagnostics = [Diagnostic(path: state.path, message: "skipped: \(reason)")]
            return (state, nil)
        }
        guard source.bytes.count <= options.maximumFileBytes else {
            return skipped(
                "\(Self.megabytes(source.bytes.count)), over the --max-file-size of "
                    + "\(Self.megabytes(options.maximumFileBytes)) (analysing a file takes 30 to 120 times its size in memory)")
        }
        let tree: SyntaxTree
        if let kept = state.tree, kept.source === source {
            tree = kept
        } else {
            do {
                // Checked before any recursive walk: a file CPython refuses, or one nested beyond what
                // the analysis can walk, is skipped here with the reason. A text that passed is
                // parsed again without the check (the same text gives the same tree).
                tree = try state.compiledText === source ? parser.parse(source) : parser.parseCompilable(source)
            } catch {
                return skipped("\(error)")
            }
        }
        state.parsed = true
        state.compiledText = source
        if state.moduleName.isEmpty, state.notebook == nil { state.moduleName = ModuleImports.moduleName(forFile: state.path) }
        let model = SemanticModel(tree: tree)
        state.looksLikeScript = ScriptFiles.looksLikeScript(path: state.path, moduleName: state.moduleName, model: model)
        // A notebook's top level is a run, like a script's: a key made there is the run's own.
        if state.notebook != nil {
            state.isScript = true
        } else if let isImported {
            state.isScript = state.looksLikeScript && !state.moduleName.isEmpty && !isImported(state.moduleName)
        }
        let context = FileContext(
            path: state.path, model: model, moduleName: state.moduleName, facts: facts,
            settings: settingsCache.settings(forFile: state.path), isScript: state.isScript,
            keyFlowHistory: state.keyFlowHistory.source === source ? state.keyFlowHistory : KeyFlowHistory())
        state.importedModules =
            ModuleImports(path: state.path, tree: tree, moduleName: state.notebook == nil ? state.moduleName : nil).imported
        // Selection and suppression comments act here, before the fix loop picks candidates, so
        // a silenced finding's fix is never applied; re-analysis after each round re-reads them.
        state.findings = Suppressions.apply(
            rules.flatMap { $0.check(context) }, tree: tree,
            selection: options.selection.forFile(state.path, perFileIgnores: options.perFileIgnores),
            ruleCodes: ruleCodes, reportUnused: options.reportUnusedSuppressions)
        if state.findings.contains(where: { $0.fix != nil }) { state.signatureHeaders = SignatureGuard.headerRanges(in: tree) }
        // A notebook's functions cannot be imported, so other files learn nothing from them.
        state.exports = state.notebook == nil ? context.keyFlow.exports : [:]
        state.exportedKeys = context.exportedKeys
        state.keyFlowHistory = context.keyFlow.history
        state.factsRead = context.keyFlow.factsRead
        state.factsSeen = facts
        // Kept for the stages that may read it again: another analysis when facts it read
        // change; the cross-file guard and screening, which read files with fixes and the
        // files that call them.
        if let kept {
            if !state.moduleName.isEmpty, state.findings.contains(where: CrossFileGuard.changesSharedNames) {
                kept.noteChangingNames(in: state.moduleName)
            }
            let wanted =
                state.findings.contains { $0.fix != nil } || kept.importsModuleChangingNames(state.importedModules)
            state.tree = kept.keep(tree, had: state.tree, wanted: wanted)
        }
        return (state, context)
    }
}

/// What both of the engine's reports carry: the problems that stopped files (or the whole run).
protocol EngineReport: Sendable {
    init()
    var diagnostics: [Diagnostic] { get set }
}
