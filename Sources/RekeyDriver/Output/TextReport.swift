import RekeyEdits
import RekeyRules

/// The human-readable report: `path:line:col: CODE message`, then a summary per rule.
public enum TextReport {
    public static func findings(_ findings: [Finding], unsafeFixesEnabled: Bool) -> String {
        var out = ""
        for finding in findings {
            out += "\(finding.path):\(finding.start.line):\(finding.start.column): \(finding.code) \(finding.message)"
            switch finding.remedy {
            case .fix(let fix):
                out += fix.applicability == .unsafe && !unsafeFixesEnabled
                    ? " [unsafe fix: --unsafe-fixes]\n" : " [\(fix.applicability) fix]\n"
            case .manual(let reason):
                out += "\n    manual migration: \(reason)\n"
            }
        }
        if !findings.isEmpty { out += summary(findings) }
        return out
    }

    static func summary(_ findings: [Finding]) -> String {
        var byRule: [RuleCode: Int] = [:]
        for finding in findings { byRule[finding.code, default: 0] += 1 }
        let fixable = findings.filter { $0.fix?.applicability == .safe }.count
        let unsafe = findings.filter { $0.fix?.applicability == .unsafe }.count
        var out = "Found \(plural(findings.count, "finding")) (\(fixable) with a safe fix, \(unsafe) with an unsafe fix, "
            + "\(findings.count - fixable - unsafe) to migrate by hand).\n"
        for (code, count) in byRule.sorted(by: { $0.key < $1.key }) {
            let name = RuleCatalog.name(of: code)
            out += "  \(code)  \(count)  \(name)\n"
        }
        return out
    }

    /// What `diff`/`fix` did, for standard error.
    public static func fixSummary(_ report: Engine.FixReport, wrote: Bool) -> String {
        let applied = report.applied.values.reduce(0, +)
        let perRule = report.applied.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        let manual = report.remaining.filter { $0.fix == nil }.count
        let unsafe = report.remaining.filter { $0.fix?.applicability == .unsafe }.count
        var out = "rekey: \(wrote ? "fixed" : "would fix") \(plural(applied, "site")) in \(plural(report.changes.count, "file"))"
        if !perRule.isEmpty { out += " (\(perRule))" }
        out += "; \(plural(manual, "site")) left for hand migration"
        if unsafe > 0 { out += "; \(plural(unsafe, "unsafe fix", "unsafe fixes")) available with --unsafe-fixes" }
        return out + ".\n"
    }

    static func plural(_ count: Int, _ singular: String, _ pluralForm: String? = nil) -> String {
        "\(count) \(count == 1 ? singular : pluralForm ?? singular + "s")"
    }
}
