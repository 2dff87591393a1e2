import RekeyEdits
import RekeyRules
import RekeySyntax

/// `rekey check --output-format json`: one JSON document on standard output.
///
/// Schema version "1". Members appear in this order; new members may be added in a later minor
/// release without changing `version`, but none is removed or renamed without bumping it.
///
/// ```text
/// {
///   "version": "1",
///   "tool": { "name": "rekey", "version": "0.1.0" },
///   "findings": [                         // sorted by path, then position
///     {
///       "code": "RK004",                  // stable rule code
///       "name": "key-reused",             // the rule's kebab-case name ("" if none)
///       "message": "...",
///       "path": "src/model.py",           // as given on the command line (or found under it)
///       "cell": 3,                        // only in a notebook: the cell (1-based, every cell counted)
///       "start": { "line": 12, "column": 5 },   // 1-based (in a notebook, within the cell); columns in Unicode code points
///       "end":   { "line": 12, "column": 31 },  // exclusive: the position just after the code
///       "fix": null | {
///         "applicability": "safe" | "unsafe" | "display-only",
///         "title": "...",
///         "edits": [                      // by path, then in the order they apply; [] when it edits a notebook
///           { "path": "src/model.py",
///             "start_byte": 120, "end_byte": 146,   // half-open UTF-8 byte range of the original file
///             "replacement": "..." }
///         ]
///       },
///       "manual_reason": null | "..."     // set exactly when "fix" is null: what to migrate by hand
///     }
///   ],
///   "diagnostics": [                      // inputs rekey skipped or could not read, sorted
///     { "path": "broken.py", "severity": "error" | "warning", "message": "..." }
///   ],
///   "summary": { "findings": 3, "by_code": { "RK001": 1, "RK004": 2 } }   // by_code in code order
/// }
/// ```
///
/// An unsafe fix is listed even when `--unsafe-fixes` is not given: `applicability` says what it
/// needs. Strings are UTF-8 with JSON's escapes for quotes, backslashes and control characters.
public enum JSONReport {
    public static let schemaVersion = "1"

    public static func render(findings: [Finding], diagnostics: [Diagnostic]) -> String {
        document(findings: findings, diagnostics: diagnostics).rendered()
    }

    public static func document(findings: [Finding], diagnostics: [Diagnostic]) -> JSONValue {
        var byCode: [RuleCode: Int] = [:]
        for finding in findings { byCode[finding.code, default: 0] += 1 }
        return [
            "version": .string(schemaVersion),
            "tool": ["name": .string(RekeyTool.name), "version": .string(RekeyTool.version)],
            "findings": .array(findings.map(finding)),
            "diagnostics": .array(
                diagnostics.sorted().map { diagnostic in
                    [
                        "path": .string(diagnostic.path),
                        "severity": .string(diagnostic.severity == .error ? "error" : "warning"),
                        "message": .string(diagnostic.message),
                    ]
                }),
            "summary": [
                "findings": .number(findings.count),
                "by_code": .object(byCode.sorted { $0.key < $1.key }.map { .init($0.key.rawValue, .number($0.value)) }),
            ],
        ]
    }

    static func finding(_ finding: Finding) -> JSONValue {
        var fix: JSONValue = nil
        var manualReason: JSONValue = nil
        switch finding.remedy {
        case .fix(let value):
            fix = [
                "applicability": .string(value.applicability.description),
                "title": .string(value.title),
                "edits": .array(
                    orderedEdits(value).map { path, edit in
                        [
                            "path": .string(path),
                            "start_byte": .number(edit.range.start),
                            "end_byte": .number(edit.range.end),
                            "replacement": .string(edit.replacement),
                        ]
                    }),
            ]
        case .manual(let reason):
            manualReason = .string(reason)
        }
        return .object(identity(of: finding, path: finding.path) + [.init("fix", fix), .init("manual_reason", manualReason)])
    }

    /// What names a finding in both JSON documents: code, name, message, its path as shown, the
    /// cell in a notebook, start and end.
    static func identity(of finding: Finding, path: String) -> [JSONValue.Member] {
        var members: [JSONValue.Member] = [
            .init("code", .string(finding.code.rawValue)),
            .init("name", .string(RuleCatalog.name(of: finding.code))),
            .init("message", .string(finding.message)),
            .init("path", .string(path)),
        ]
        if let place = finding.notebookPlace { members.append(.init("cell", .number(place.cell))) }
        return members + [.init("start", position(finding.shownStart)), .init("end", position(finding.shownEnd))]
    }

    static func position(_ position: SourcePosition) -> JSONValue {
        ["line": .number(position.line), "column": .number(position.column)]
    }

    /// A fix's edits by path (sorted), each file's in the order given: insertions at one offset
    /// apply in that order, so it is kept.
    /// None for a fix that edits a notebook: its offsets there are in the program of the code
    /// cells, not in the file (see ``Notebook``), and the other files' edits alone would break
    /// the calls the notebook's edits update.
    static func orderedEdits(_ fix: Fix) -> [(path: String, edit: Edit)] {
        guard !fix.editsNotebook else { return [] }
        return fix.edits.sorted { $0.key < $1.key }.flatMap { path, edits in edits.map { (path, $0) } }
    }
}
