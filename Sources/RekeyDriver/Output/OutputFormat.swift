import RekeyRules

/// The formats of `rekey check --output-format`. Whatever the format, diagnostics also go to
/// standard error for people, and the exit status is the same (0 clean, 1 findings, 2 usage or
/// I/O error).
public enum OutputFormat: String, CaseIterable, Sendable {
    /// `path:line:col: CODE message`, then a summary per rule (``TextReport``).
    case text
    /// A documented, versioned JSON document (``JSONReport``).
    case json
    /// SARIF 2.1.0 (``SARIFReport``).
    case sarif
    /// GitHub Actions annotations (``GitHubReport``).
    case github
    /// A GitLab Code Quality report (``GitLabReport``).
    case gitlab
    /// reviewdog's diagnostic format, fixes as suggested changes (``RDJSONReport``).
    case rdjson

    /// What goes to standard output; `summary`: the text format's counts per rule (`--quiet`
    /// leaves them out).
    public func render(
        findings: [Finding], diagnostics: [Diagnostic], unsafeFixesEnabled: Bool,
        workingDirectory: String, summary: Bool = true
    ) -> String {
        switch self {
        case .text: return TextReport.findings(findings, unsafeFixesEnabled: unsafeFixesEnabled, summary: summary)
        case .json: return JSONReport.render(findings: findings, diagnostics: diagnostics)
        case .sarif: return SARIFReport.render(findings: findings, diagnostics: diagnostics, workingDirectory: workingDirectory)
        case .github: return GitHubReport.render(findings: findings, diagnostics: diagnostics)
        case .gitlab: return GitLabReport.render(findings: findings, diagnostics: diagnostics, workingDirectory: workingDirectory)
        case .rdjson:
            // The files as they are now: `check` wrote nothing since reading them.
            return RDJSONReport.render(
                findings: findings, diagnostics: diagnostics, unsafeFixesEnabled: unsafeFixesEnabled,
                workingDirectory: workingDirectory, source: { try? SourceLoader.load($0) })
        }
    }
}
