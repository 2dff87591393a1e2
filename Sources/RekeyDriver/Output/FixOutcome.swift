import RekeyEdits
import RekeyRules

/// What a `diff` or `fix` run did and what it left, classified once so the summary on standard
/// error and the `--report` file (``FixReportWriter``) cannot disagree.
public struct FixOutcome: Sendable {
    /// A finding the run left in place, and why.
    public struct Site: Sendable {
        public enum Kind: String, Sendable, CaseIterable {
            /// No automatic fix (a manual remedy, or a display-only suggestion).
            case handMigration = "hand-migration"
            /// An unsafe fix, not applied because `--unsafe-fixes` was not given.
            case unsafeFix = "unsafe-fix"
            /// An enabled fix the fix loop did not apply: refused (overlap, syntax error), or the
            /// loop stopped at its round limit before reaching a fixed point.
            case fixNotApplied = "fix-not-applied"
            /// An enabled fix `fix --interactive` did not apply: declined at its question, or left
            /// when the review was stopped (`q`, or the end of the terminal's input).
            case declined = "declined"
        }

        public let finding: Finding
        public let kind: Kind
        /// Why the site was not converted, in one sentence a person can act on.
        public let reason: String
        /// No finding as read is this site: the rewrite exposed it (see ``FindingLedger``).
        public internal(set) var isNew = false

        /// The tier of the fix that was not applied; nil for a manual remedy.
        public var fixAvailable: Applicability? { finding.fix?.applicability }
    }

    /// Every finding as read accounted for exactly once, fixed or left, and the sites no finding
    /// as read accounts for.
    public struct Accounting: Sendable, Equatable {
        /// The findings of the files given as read: what `check` reports on them.
        public var findings = 0
        /// Findings gone after the run: by their own safe or unsafe fix, or by another fix (a
        /// finding with no enabled fix of its own that a fix elsewhere resolved).
        public var fixedSafe = 0
        public var fixedUnsafe = 0
        public var fixedByOtherFixes = 0
        /// Findings as read that are still there, by the kind of site they are.
        public var left: [Site.Kind: Int] = [:]
        /// Sites of the rewritten text that are not findings as read, by kind.
        public var new: [Site.Kind: Int] = [:]

        public var fixed: Int { fixedSafe + fixedUnsafe + fixedByOtherFixes }
        public var leftTotal: Int { left.values.reduce(0, +) }
        public var newTotal: Int { new.values.reduce(0, +) }
    }

    /// `fix` wrote files; `diff` only printed the patch.
    public let wrote: Bool
    public let unsafeFixesEnabled: Bool
    /// Files rewritten (`fix`) or that the patch changes (`diff`), in the engine's order.
    public let changedFiles: [String]
    /// Files `fix` changed but could not write (named in ``diagnostics``).
    public let unwrittenFiles: [String]
    /// Fixes applied, by rule, in code order.
    public let appliedByCode: [(code: RuleCode, count: Int)]
    /// Every fix applied (and written, for `fix`), in the order the rounds applied them.
    public let fixes: [Engine.AppliedFix]
    /// Public names whose signature the applied fixes changed, or that they removed: callers
    /// outside the tree must be updated too.
    public let publicAPIChanges: [String]
    /// Every finding left after fixing, by path and position. With `diff` nothing is written, so
    /// positions are in the text as the patch leaves it.
    public let sites: [Site]
    public let accounting: Accounting
    public let diagnostics: [Diagnostic]
    public let rounds: Int
    /// How long each stage of the run took (see ``Engine/FixReport/stages``).
    public let stages: [Engine.StageTime]
    /// The engine's round limit; reaching it with fixes left means no fixed point was reached.
    public let maximumRounds: Int

    /// `diagnostics` replaces the report's own when the caller added some (files `fix` could not
    /// write); `unwrittenFiles` are the changed files whose write failed. Nothing of an unwritten
    /// file counts as done: the fixes applied to it are not counted, its public names not listed,
    /// and its sites are the findings it had as read.
    public init(
        report: Engine.FixReport, options: Engine.Options, wrote: Bool,
        diagnostics: [Diagnostic]? = nil, unwrittenFiles: [String] = []
    ) {
        self.wrote = wrote
        self.unsafeFixesEnabled = options.unsafeFixes
        let unwritten = Set(unwrittenFiles)
        self.changedFiles = report.changes.map(\.path).filter { !unwritten.contains($0) }
        self.unwrittenFiles = report.changes.map(\.path).filter { unwritten.contains($0) }
        var applied = report.applied
        var publicAPI = Set(report.publicAPIChanges)
        if !unwritten.isEmpty {
            let lost = report.appliedFixes.filter { $0.paths.contains(where: unwritten.contains) }
            for fix in lost { applied[fix.code, default: 0] -= 1 }
            publicAPI = Set(report.appliedFixes.filter { !$0.paths.contains(where: unwritten.contains) }.flatMap(\.publicAPI))
        }
        self.fixes = report.appliedFixes.filter { !$0.paths.contains(where: unwritten.contains) }
        self.appliedByCode = applied.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        self.publicAPIChanges = publicAPI.sorted()
        self.diagnostics = (diagnostics ?? report.diagnostics).sorted()
        self.rounds = report.rounds
        self.stages = report.stages
        self.maximumRounds = options.maximumRounds
        let reachedLimit = report.rounds >= options.maximumRounds
        let refusals = Self.refusalReasons(report.refusals)
        let declined = Set(report.declined.map { RefusalKey(path: $0.path, code: $0.code) })
        func reviewAnswer(_ finding: Finding) -> ReviewAnswer? {
            if declined.contains(RefusalKey(path: finding.path, code: finding.code)) { return .declined }
            return report.reviewStopped ? .stopped : nil
        }
        let changes = Dictionary(report.changes.map { ($0.path, $0) }) { first, _ in first }
        let remaining = Dictionary(grouping: report.remaining, by: \.path)
        var sites: [Site] = []
        var accounting = Accounting()
        for path in Set(report.findingsAsRead.keys).union(remaining.keys).sorted() {
            let asRead = report.findingsAsRead[path] ?? []
            let written = !unwritten.contains(path)
            // Nothing of an unwritten file changed: its sites are its findings as read.
            let after = written ? remaining[path] ?? [] : asRead.sorted { $0.range < $1.range }
            var fileSites = after.map { finding in
                Self.classify(
                    finding, unsafeFixesEnabled: options.unsafeFixes, reachedLimit: written && reachedLimit,
                    maximumRounds: options.maximumRounds,
                    refusals: written ? refusals[RefusalKey(path: path, code: finding.code)] ?? [] : [Messages.notWritten],
                    review: written ? reviewAnswer(finding) : nil)
            }
            let matches = FindingLedger.match(
                asRead: asRead, after: after,
                correspondence: written ? changes[path].map { LineCorrespondence(old: $0.analysedOriginal, new: $0.analysedUpdated) } : nil)
            accounting.findings += asRead.count
            for (index, finding) in asRead.enumerated() {
                if let siteIndex = matches[index] {
                    accounting.left[fileSites[siteIndex].kind, default: 0] += 1
                } else if finding.fix?.applicability == .safe {
                    accounting.fixedSafe += 1
                } else if finding.fix?.applicability == .unsafe && options.unsafeFixes {
                    accounting.fixedUnsafe += 1
                } else {
                    accounting.fixedByOtherFixes += 1
                }
            }
            let matched = Set(matches.values)
            for index in fileSites.indices where !matched.contains(index) {
                fileSites[index].isNew = true
                accounting.new[fileSites[index].kind, default: 0] += 1
            }
            sites += fileSites
        }
        self.sites = sites
        self.accounting = accounting
    }

    public var fixesApplied: Int { appliedByCode.reduce(0) { $0 + $1.count } }

    public func count(_ kind: Site.Kind) -> Int { sites.count(where: { $0.kind == kind }) }

    /// Sites left, by rule, in code order.
    public var sitesLeftByCode: [(code: RuleCode, count: Int)] {
        var byCode: [RuleCode: Int] = [:]
        for site in sites { byCode[site.finding.code, default: 0] += 1 }
        return byCode.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Whether the loop stopped at its round limit (so leftover enabled fixes may be new ones
    /// the last round's rewrite exposed, never attempted).
    public var reachedRoundLimit: Bool { rounds >= maximumRounds }

    // MARK: Classification

    /// What `fix --interactive` said about a finding's rule in its file.
    enum ReviewAnswer {
        case declined
        /// The review was stopped (at this fix's question, or before it).
        case stopped
    }

    static func classify(
        _ finding: Finding, unsafeFixesEnabled: Bool, reachedLimit: Bool,
        maximumRounds: Int, refusals: [String], review: ReviewAnswer? = nil
    ) -> Site {
        switch finding.remedy {
        case .manual(let reason):
            return Site(finding: finding, kind: .handMigration, reason: reason)
        case .fix(let fix):
            switch fix.applicability {
            case .displayOnly:
                return Site(
                    finding: finding, kind: .handMigration,
                    reason: "\(Messages.displayOnly): \(fix.title)")
            case .unsafe where !unsafeFixesEnabled:
                return Site(finding: finding, kind: .unsafeFix, reason: "\(Messages.unsafeNotEnabled): \(fix.title)")
            case .unsafe, .safe:
                let why: String
                if refusals.isEmpty, let review {
                    let answer = review == .declined ? Messages.declined : Messages.reviewStopped
                    return Site(finding: finding, kind: .declined, reason: "\(fix.applicability) fix not applied (\(answer)): \(fix.title)")
                }
                if !refusals.isEmpty {
                    why = "refused: " + refusals.joined(separator: "; ")
                } else if reachedLimit {
                    why = Messages.noFixedPoint(maximumRounds)
                } else {
                    why = Messages.loopStopped
                }
                return Site(finding: finding, kind: .fixNotApplied, reason: "\(fix.applicability) fix not applied (\(why)): \(fix.title)")
            }
        }
    }

    struct RefusalKey: Hashable {
        let path: String
        let code: RuleCode
    }

    /// Refusal reasons by the file and rule of the refused fix's finding (the remaining finding
    /// is a new one after re-analysis, so it is matched by those; two refused fixes of one rule in
    /// one file both show).
    static func refusalReasons(_ refusals: [Engine.FixRefusal]) -> [RefusalKey: [String]] {
        var reasons: [RefusalKey: [String]] = [:]
        for refusal in refusals {
            let key = RefusalKey(path: refusal.path, code: refusal.code)
            if !(reasons[key]?.contains(refusal.reason) ?? false) { reasons[key, default: []].append(refusal.reason) }
        }
        return reasons
    }

    enum Messages {
        static let displayOnly = "display-only suggestion, never applied automatically; apply it by hand"
        static let unsafeNotEnabled = "unsafe fix, not applied without --unsafe-fixes (it changes the random stream or rests on a guess)"
        static let loopStopped = "the fix loop stopped before applying it"
        static let notWritten = "the file was not written; see the errors"
        static let declined = "declined at the prompt"
        static let reviewStopped = "the review was stopped (q) before it was accepted"
        static func noFixedPoint(_ rounds: Int) -> String { "no fixed point within \(rounds) rounds" }
    }
}
