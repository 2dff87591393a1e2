import Foundation
import RekeyEdits
import RekeyRules

/// The human-readable report: `path:line:col: CODE message`, then a summary per rule.
public enum TextReport {
    public static func findings(_ findings: [Finding], unsafeFixesEnabled: Bool, summary withSummary: Bool = true) -> String {
        var out = ""
        for finding in findings {
            out += "\(finding.path):\(finding.start.line):\(finding.start.column): \(finding.code) \(finding.message)"
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

    /// What `check` read, for `--verbose`: files, parsed files, bytes, and the rounds of
    /// cross-file facts.
    public static func readStatistics(_ report: Engine.CheckReport) -> String {
        let megabytes = String(format: "%.1f", Double(report.bytesSeen) / 1_000_000)
        var out =
            "checked \(plural(report.filesSeen, "file")) (\(report.filesParsed) parsed, \(megabytes) MB), "
            + "\(plural(report.findings.count, "finding"))"
        if !report.factRounds.isEmpty {
            out += "; cross-file facts: files analysed again per round \(report.factRounds.map(String.init).joined(separator: ", "))"
        }
        return out
    }

    /// What `diff`/`fix` did beyond the summary, for `--verbose`.
    public static func fixStatistics(_ outcome: FixOutcome) -> String {
        "\(plural(outcome.rounds, "round")) of fixes, \(plural(outcome.changedFiles.count, "file")) changed"
    }

    /// What `diff`/`fix` did, for standard error, in one line: files changed, fixes applied per
    /// rule, sites left for hand migration, and what happened to the other fixes. Unsafe fixes
    /// are "not applied, rerun with --unsafe-fixes" only when that flag was not given; a fix
    /// that was enabled and is still there was refused, or the loop hit its round limit first.
    public static func fixSummary(_ outcome: FixOutcome) -> String {
        let perRule = outcome.appliedByCode.map { "\($0.code): \($0.count)" }.joined(separator: ", ")
        var out =
            "rekey: \(outcome.wrote ? "fixed" : "would fix") \(plural(outcome.fixesApplied, "site"))"
            + " in \(plural(outcome.changedFiles.count, "file"))"
        if !perRule.isEmpty { out += " (\(perRule))" }
        if !outcome.unwrittenFiles.isEmpty {
            out += "; \(plural(outcome.unwrittenFiles.count, "changed file")) not written (see the errors)"
        }
        if !outcome.publicAPIChanges.isEmpty {
            out += "; public API changed: " + outcome.publicAPIChanges.joined(separator: ", ")
        }
        out += "; \(plural(outcome.count(.handMigration), "site")) left for hand migration"
        let unsafe = outcome.count(.unsafeFix)
        if unsafe > 0 {
            out += "; \(plural(unsafe, "unsafe fix", "unsafe fixes")) not applied (rerun with --unsafe-fixes)"
        }
        let notApplied = outcome.count(.fixNotApplied)
        if notApplied > 0 {
            out +=
                "; \(plural(notApplied, "enabled fix", "enabled fixes")) not applied ("
                + (!outcome.unwrittenFiles.isEmpty
                    ? "refused, or in files not written; see the errors"
                    : outcome.reachedRoundLimit ? "no fixed point within \(outcome.maximumRounds) rounds" : "refused; see the warnings")
                + ")"
        }
        return out + ".\n"
    }

    static func plural(_ count: Int, _ singular: String, _ pluralForm: String? = nil) -> String {
        "\(count) \(count == 1 ? singular : pluralForm ?? singular + "s")"
    }
}
