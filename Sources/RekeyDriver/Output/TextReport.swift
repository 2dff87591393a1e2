import Foundation
import RekeyEdits
import RekeyRules

/// The human-readable report: `path:line:col: CODE message` (`path:cell N:line:col:` in a
/// notebook, see ``Notebook``), then a summary per rule.
public enum TextReport {
    public static func findings(_ findings: [Finding], unsafeFixesEnabled: Bool, summary withSummary: Bool = true) -> String {
        var out = ""
        for finding in findings {
            out +=
                "\(finding.path):\(finding.cellLabel)\(finding.shownStart.line):\(finding.shownStart.column): \(finding.code) \(finding.message)"
            switch finding.remedy {
            case .fix(let fix):
                out +=
                    fix.applicability == .unsafe && !unsafeFixesEnabled
                    ? " [unsafe fix: --unsafe-fixes]\n" : " [\(fix.applicability) fix]\n"
            case .manual(let reason):
                out += "\n    manual migration: \(reason)\n"
            }
        }
        if withSummary, !findings.isEmpty { out += summary(findings) }
        return out
    }

    static func summary(_ findings: [Finding]) -> String {
        var byRule: [RuleCode: Int] = [:]
        for finding in findings { byRule[finding.code, default: 0] += 1 }
        let fixable = findings.filter { $0.fix?.applicability == .safe }.count
        let unsafe = findings.filter { $0.fix?.applicability == .unsafe }.count
        var out =
            "Found \(plural(findings.count, "finding")) (\(fixable) with a safe fix, \(unsafe) with an unsafe fix, "
            + "\(findings.count - fixable - unsafe) to migrate by hand).\n"
        for (code, count) in byRule.sorted(by: { $0.key < $1.key }) {
            let name = RuleCatalog.name(of: code)
            out += "  \(code)  \(count)  \(name)\n"
        }
        return out
    }

    /// `--show-fixes`: the fixes made, by file, each rule's count with its fix's title.
    public static func fixesMade(_ outcome: FixOutcome) -> String {
        guard !outcome.fixes.isEmpty else { return "" }
        var out = "rekey: \(outcome.wrote ? "fixes made" : "fixes the patch makes"):\n"
        for (path, fixes) in groupedByPath(outcome.fixes) {
            out += "- \(path)\n"
            for (fix, count) in countedByRuleAndTitle(fixes) {
                out += "    \(count) × \(fix.code) \(RuleCatalog.name(of: fix.code)): \(fix.title) [\(fix.applicability)]\n"
            }
        }
        return out
    }

    /// Fixes grouped by the path of the finding each fixed, paths in order.
    static func groupedByPath(_ fixes: [Engine.AppliedFix]) -> [(path: String, fixes: [Engine.AppliedFix])] {
        Dictionary(grouping: fixes, by: \.path).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// One fix per rule, title and tier, with how many there are, in code order.
    static func countedByRuleAndTitle(_ fixes: [Engine.AppliedFix]) -> [(fix: Engine.AppliedFix, count: Int)] {
        var counted: [(fix: Engine.AppliedFix, count: Int)] = []
        for fix in fixes {
            if let index = counted.firstIndex(where: {
                $0.fix.code == fix.code && $0.fix.title == fix.title && $0.fix.applicability == fix.applicability
            }) {
                counted[index].count += 1
            } else {
                counted.append((fix, 1))
            }
        }
        return counted.sorted { ($0.fix.code, $0.fix.title) < ($1.fix.code, $1.fix.title) }
    }

    /// What `check` read, for `--verbose`: files, parsed files, bytes, and the rounds of
    /// cross-file facts.
    /// How many files the run parsed, or took from the cache.
    private static func parsing(_ report: Engine.CheckReport) -> String {
        if report.fromCache { return "unchanged: the cached report" }
        let reused = report.analysesReused > 0 ? ", \(report.analysesReused) of them analysed before (the cache)" : ""
        return "\(report.filesParsed) parsed\(reused)"
    }

    public static func readStatistics(_ report: Engine.CheckReport) -> String {
        let megabytes = String(format: "%.1f", Double(report.bytesSeen) / 1_000_000)
        var out =
            "checked \(plural(report.filesSeen, "file")) (\(parsing(report)), \(megabytes) MB), "
            + "\(plural(report.findings.count, "finding"))"
        if !report.factRounds.isEmpty {
            out += "; cross-file facts: files analysed again per round \(report.factRounds.map(String.init).joined(separator: ", "))"
        }
        return out + stageTimes(report.stages)
    }

    /// What `diff`/`fix` did beyond the summary, for `--verbose`.
    public static func fixStatistics(_ outcome: FixOutcome) -> String {
        "\(plural(outcome.rounds, "round")) of fixes, \(plural(outcome.changedFiles.count, "file")) changed"
            + stageTimes(outcome.stages)
    }

    /// `; read 0.17 s, analyse 1.39 s, …`, or nothing without stages (a cached report).
    private static func stageTimes(_ stages: [Engine.StageTime]) -> String {
        stages.isEmpty ? "" : "; " + stages.map { "\($0.name) \(String(format: "%.2f", $0.seconds)) s" }.joined(separator: ", ")
    }

    /// What `diff`/`fix` did, for standard error, in one line. First every finding as read,
    /// each counted once: fixed (by its own safe or unsafe fix, or by another fix) or left, and
    /// why (hand migration; an unsafe fix not enabled, "rerun with --unsafe-fixes" only when that
    /// flag was not given; an enabled fix refused, or not reached within the round limit). Then
    /// the fixes applied, per rule, and the files they change; then the findings the rewritten
    /// code has that none as read accounts for.
    public static func fixSummary(_ outcome: FixOutcome) -> String {
        let account = outcome.accounting
        guard account.findings > 0 || !outcome.sites.isEmpty || !outcome.changedFiles.isEmpty else {
            return "rekey: 0 findings, nothing to fix.\n"
        }
        var out = "rekey: \(plural(account.findings, "finding")): \(account.fixed) \(outcome.wrote ? "fixed" : "fixed by the patch")"
        let fixedParts = [
            (account.fixedSafe, "safe"), (account.fixedUnsafe, "unsafe"), (account.fixedByOtherFixes, "by other fixes"),
        ].filter { $0.0 > 0 }
        if !fixedParts.isEmpty { out += " (" + fixedParts.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + ")" }
        out += ", \(account.leftTotal) left" + kinds(account.left, outcome)
        let perRule = outcome.appliedByCode.map { "\($0.code): \($0.count)" }.joined(separator: ", ")
        out +=
            ". \(plural(outcome.fixesApplied, "fix", "fixes"))\(outcome.wrote ? " applied" : "")"
            + " in \(plural(outcome.changedFiles.count, "file"))"
        if !perRule.isEmpty { out += " (\(perRule))" }
        if !outcome.unwrittenFiles.isEmpty {
            out += "; \(plural(outcome.unwrittenFiles.count, "changed file")) not written (see the errors)"
        }
        if !outcome.publicAPIChanges.isEmpty {
            out += "; public API changed: " + outcome.publicAPIChanges.joined(separator: ", ")
        }
        if account.newTotal > 0 {
            out += "; the rewritten code has \(plural(account.newTotal, "new finding"))" + kinds(account.new, outcome)
        }
        return out + ".\n"
    }

    /// ": 2 for hand migration, 1 unsafe fix not applied (rerun with --unsafe-fixes)": sites by
    /// kind, each kind with the reason a reader acts on; "" for none.
    static func kinds(_ counts: [FixOutcome.Site.Kind: Int], _ outcome: FixOutcome) -> String {
        var parts: [String] = []
        if let hand = counts[.handMigration], hand > 0 { parts.append("\(hand) for hand migration") }
        if let unsafe = counts[.unsafeFix], unsafe > 0 {
            parts.append("\(plural(unsafe, "unsafe fix", "unsafe fixes")) not applied (rerun with --unsafe-fixes)")
        }
        if let notApplied = counts[.fixNotApplied], notApplied > 0 {
            parts.append(
                "\(plural(notApplied, "enabled fix", "enabled fixes")) not applied ("
                    + (!outcome.unwrittenFiles.isEmpty
                        ? "refused, or in files not written; see the errors"
                        : outcome.reachedRoundLimit ? "no fixed point within \(outcome.maximumRounds) rounds" : "refused; see the warnings")
                    + ")")
        }
        if let declined = counts[.declined], declined > 0 {
            parts.append("\(plural(declined, "fix", "fixes")) declined (--interactive)")
        }
        return parts.isEmpty ? "" : ": " + parts.joined(separator: ", ")
    }

    static func plural(_ count: Int, _ singular: String, _ pluralForm: String? = nil) -> String {
        "\(count) \(count == 1 ? singular : pluralForm ?? singular + "s")"
    }
}
