import RekeyRules

/// `rekey check --output-format gitlab`: a GitLab Code Quality report, the JSON array a job
/// names under `artifacts: reports: codequality:`, which GitLab shows in the merge request.
///
/// One object per finding, with the members GitLab reads: `description` (the message and what to
/// do), `check_name` (`rekey/RK004`), `fingerprint` (unique in the report and stable across
/// runs and line shifts, see ``FindingFingerprint``: GitLab shows one issue per fingerprint and
/// compares them between the base and the head of a merge request), `severity` (`major` for a
/// finding), and `location` (`path` relative to the working directory, as the job runs at the
/// repository's root, and `positions.begin`/`end` with 1-based lines and columns; in a notebook,
/// in the `.ipynb` file's text, the cell named in the description, see ``Notebook``). A file rekey
/// could not check is an issue too (`rekey/error`, `critical`; a warning is `minor`), so a merge
/// request that breaks a file's syntax does not pass quietly.
public enum GitLabReport {
    public static func render(findings: [Finding], diagnostics: [Diagnostic], workingDirectory: String) -> String {
        document(findings: findings, diagnostics: diagnostics, workingDirectory: workingDirectory).rendered()
    }

    public static func document(findings: [Finding], diagnostics: [Diagnostic], workingDirectory: String) -> JSONValue {
        let root = workingDirectory.hasSuffix("/") ? workingDirectory : workingDirectory + "/"
        let issues: [JSONValue] = findings.map { finding in
            [
                "description": .string("\(finding.messageWithCell)\n\(ReportText.remedyLine(finding))"),
                "check_name": .string("rekey/\(finding.code)"),
                "fingerprint": .string(finding.fingerprint),
                "severity": "major",
                "location": [
                    "path": .string(ReportText.relativePath(finding.path, root: root) ?? finding.path),
                    "positions": [
                        "begin": ["line": .number(finding.fileStart.line), "column": .number(finding.fileStart.column)],
                        "end": ["line": .number(finding.fileEnd.line), "column": .number(finding.fileEnd.column)],
                    ],
                ],
            ]
        }
        let problems: [JSONValue] = diagnostics.sorted().map { diagnostic in
            let kind = diagnostic.severity == .error ? "error" : "warning"
            return [
                "description": .string(diagnostic.message),
                "check_name": .string("rekey/\(kind)"),
                "fingerprint": .string(FindingFingerprint.hash("\(kind)\u{0}\(diagnostic.path)\u{0}\(diagnostic.message)")),
                "severity": .string(diagnostic.severity == .error ? "critical" : "minor"),
                "location": [
                    "path": .string(ReportText.relativePath(diagnostic.path, root: root) ?? diagnostic.path),
                    "lines": ["begin": 1],
                ],
            ]
        }
        return .array(issues + problems)
    }
}
