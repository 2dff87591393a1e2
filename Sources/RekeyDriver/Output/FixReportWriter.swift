import Foundation
import RekeyRules

/// `rekey diff|fix --report FILE`: every site the run left unconverted, with its reason, and the
/// run's summary, as JSON (`FILE` ends in `.json`) or Markdown (`.md`). The file is written
/// atomically, as every file rekey writes (``FileTransaction``): through a symbolic link to its
/// target, keeping an existing report's mode and owner.
///
/// JSON, schema version "1" (the finding members as in ``JSONReport``; new members may be added
/// without changing `version`, none is removed or renamed without bumping it):
///
/// ```text
/// {
///   "version": "1",
///   "tool": { "name": "rekey", "version": "0.1.0" },
///   "command": "diff" | "fix",            // diff writes nothing: positions are in the patched text
///   "unsafe_fixes": false,                // whether --unsafe-fixes was given
///   "summary": {
///     "findings": 5,                      // the findings as read (what `check` reports), each one:
///     "fixed": 3,                         //   gone after the run = fixed_safe + fixed_unsafe + fixed_by_other_fixes
///     "fixed_safe": 3, "fixed_unsafe": 0, //   by its own fix of that tier
///     "fixed_by_other_fixes": 0,          //   no enabled fix of its own; a fix elsewhere resolved it
///     "left": 2,                          //   still there: findings = fixed + left
///     "new_sites": 0,                     // sites the rewrite exposed: sites_left = left + new_sites
///     "files_changed": 1,                 // rewritten by fix, or changed by diff's patch
///     "fixes_applied": 2,
///     "fixes_applied_by_code": { "RK001": 2 },        // code order
///     "sites_left": 2,                    // = the length of "sites"
///     "sites_left_by_code": { "RK003": 1, "RK004": 1 },
///     "hand_migrations": 1,               // sites of kind "hand-migration"
///     "unsafe_fixes_not_applied": 1,      // kind "unsafe-fix" (always 0 with --unsafe-fixes)
///     "fixes_not_applied": 0,             // kind "fix-not-applied"
///     "fixes_declined": 0,                // kind "declined" (fix --interactive)
///     "rounds": 1,                        // fix rounds run
///     "fixed_point": true                 // false: the round limit was reached with fixes left
///   },
///   "changed_files": [ "src/m.py" ],
///   "public_api_changed": [ "pkg.ssm.SSM.fit" ],  // public names whose signature was changed, or removed
///   "unwritten_files": [],                // fix: changed but could not be written (see diagnostics)
///   "fixes": [                            // every fix applied (and written), in the order applied
///     { "code": "RK001", "name": "import-time-key", "path": "src/m.py",   // the finding's file
///       "title": "...", "applicability": "safe", "files": [ "src/m.py" ] }  // every file it edited
///   ],
///   "sites": [                            // every finding left, sorted by path, then position
///     {
///       "code": "RK004",
///       "name": "key-reused",
///       "message": "...",
///       "path": "src/m.py",
///       "cell": 3,                        // only in a notebook: the cell (1-based, every cell counted)
///       "start": { "line": 6, "column": 9 },  // 1-based (in a notebook, within the cell); columns in Unicode code points
///       "end":   { "line": 6, "column": 38 }, // exclusive
///       "kind": "hand-migration" | "unsafe-fix" | "fix-not-applied" | "declined",
///       "reason": "...",                  // the manual reason, or why the fix was not applied
///       "fix_available": null | "unsafe" | "safe" | "display-only",  // null: no fix at all
///       "new": false                      // true: not a finding as read, the rewrite exposed it
///     }
///   ],
///   "diagnostics": [ { "path": "broken.py", "severity": "error" | "warning", "message": "..." } ]
/// }
/// ```
///
/// Without `--unsafe-fixes`, `fix_available` is `"unsafe"` (kind `unsafe-fix`), `"display-only"`
/// (a suggestion, kind `hand-migration`) or null; `"safe"`, and `"unsafe"` with `--unsafe-fixes`,
/// mean an enabled fix the loop refused or never reached (kind `fix-not-applied`), or one
/// `fix --interactive` was told not to apply (kind `declined`).
///
/// Markdown: a title, one line saying how the run was made, a summary table per rule (fixes
/// applied, sites left) with a total row, the findings as read (fixed and left) and the sites by kind, then per file a table of
/// `line:col`, code, message and reason, then the diagnostics. Table cells escape `|` as `\|`,
/// line breaks as `<br>`, and Markdown punctuation outside the messages' code spans, so a cell
/// never splits and the text reads as written.
public enum FixReportWriter {
    public static let schemaVersion = "1"

    public enum Format: String, Sendable, CaseIterable {
        case json, markdown

        /// By the file name's extension (`.json` or `.md`, in any case); nil for anything else.
        public init?(path: String) {
            switch (path as NSString).pathExtension.lowercased() {
            case "json": self = .json
            case "md": self = .markdown
            default: return nil
            }
        }
    }

    public enum Failure: Error, CustomStringConvertible {
        case unsupportedExtension(String)
        case writeFailed(path: String, reason: String)

        public var description: String {
            switch self {
            case .unsupportedExtension(let path):
                return "report not written: \(path) must end in .json or .md"
            case .writeFailed(_, let reason):
                return "report not written: \(reason)"
            }
        }
    }

    /// With `root` (an absolute folder), the files inside it are named relative to it, as
    /// `rekey batch` names a repository's files relative to its clone.
    public static func render(_ outcome: FixOutcome, as format: Format, root: String? = nil) -> String {
        switch format {
        case .json: return json(outcome, root: root).rendered()
        case .markdown: return markdown(outcome, root: root)
        }
    }

    /// Renders in the format `path` names and replaces `path` atomically.
    public static func write(_ outcome: FixOutcome, to path: String, root: String? = nil) throws(Failure) {
        guard let format = Format(path: path) else { throw .unsupportedExtension(path) }
        try writeAtomically(Array(render(outcome, as: format, root: root).utf8), to: path)
    }

    /// A file's name in the report.
    struct ShownPath {
        let root: String?

        func callAsFunction(_ path: String) -> String {
            guard let root else { return path }
            return ReportText.relativePath(path, root: root.hasSuffix("/") ? root : root + "/") ?? path
        }
    }

    // MARK: JSON

    public static func json(_ outcome: FixOutcome, root: String? = nil) -> JSONValue {
        let shown = ShownPath(root: root)
        return [
            "version": .string(schemaVersion),
            "tool": ["name": .string(RekeyTool.name), "version": .string(RekeyTool.version)],
            "command": .string(outcome.wrote ? "fix" : "diff"),
            "unsafe_fixes": .bool(outcome.unsafeFixesEnabled),
            "summary": [
                "findings": .number(outcome.accounting.findings),
                "fixed": .number(outcome.accounting.fixed),
                "fixed_safe": .number(outcome.accounting.fixedSafe),
                "fixed_unsafe": .number(outcome.accounting.fixedUnsafe),
                "fixed_by_other_fixes": .number(outcome.accounting.fixedByOtherFixes),
                "left": .number(outcome.accounting.leftTotal),
                "new_sites": .number(outcome.accounting.newTotal),
                "files_changed": .number(outcome.changedFiles.count),
                "fixes_applied": .number(outcome.fixesApplied),
                "fixes_applied_by_code": byCode(outcome.appliedByCode),
                "sites_left": .number(outcome.sites.count),
                "sites_left_by_code": byCode(outcome.sitesLeftByCode),
                "hand_migrations": .number(outcome.count(.handMigration)),
                "unsafe_fixes_not_applied": .number(outcome.count(.unsafeFix)),
                "fixes_not_applied": .number(outcome.count(.fixNotApplied)),
                "fixes_declined": .number(outcome.count(.declined)),
                "rounds": .number(outcome.rounds),
                "fixed_point": .bool(!(outcome.reachedRoundLimit && outcome.count(.fixNotApplied) > 0)),
            ],
            "changed_files": .array(outcome.changedFiles.map { .string(shown($0)) }),
            "public_api_changed": .array(outcome.publicAPIChanges.map { .string($0) }),
            "unwritten_files": .array(outcome.unwrittenFiles.map { .string(shown($0)) }),
            "fixes": .array(
                outcome.fixes.map { fix in
                    [
                        "code": .string(fix.code.rawValue),
                        "name": .string(RuleCatalog.name(of: fix.code)),
                        "path": .string(shown(fix.path)),
                        "title": .string(fix.title),
                        "applicability": .string(fix.applicability.description),
                        "files": .array(fix.paths.map { .string(shown($0)) }),
                    ]
                }),
            "sites": .array(outcome.sites.map { site($0, shown) }),
            "diagnostics": .array(
                outcome.diagnostics.map { diagnostic in
                    [
                        "path": .string(shown(diagnostic.path)),
                        "severity": .string(diagnostic.severity == .error ? "error" : "warning"),
                        "message": .string(diagnostic.message),
                    ]
                }),
        ]
    }

    static func site(_ site: FixOutcome.Site, _ shown: ShownPath) -> JSONValue {
        .object(
            JSONReport.identity(of: site.finding, path: shown(site.finding.path)) + [
                .init("kind", .string(site.kind.rawValue)),
                .init("reason", .string(site.reason)),
                .init("fix_available", .string(site.fixAvailable?.description)),
                .init("new", .bool(site.isNew)),
            ])
    }

    static func byCode(_ counts: [(code: RuleCode, count: Int)]) -> JSONValue {
        .object(counts.map { .init($0.code.rawValue, .number($0.count)) })
    }

    // MARK: Markdown

    public static func markdown(_ outcome: FixOutcome, root: String? = nil) -> String {
        let shown = ShownPath(root: root)
        var out = "# rekey \(outcome.wrote ? "fix" : "diff") report\n\n"
        out += "`rekey \(outcome.wrote ? "fix" : "diff")`"
        out += outcome.unsafeFixesEnabled ? " with `--unsafe-fixes`" : " (safe fixes only)"
        out += ", \(TextReport.plural(outcome.rounds, "round")) of fixes"
        out += outcome.wrote ? "; files were rewritten.\n\n" : "; nothing was written, positions are in the patched text.\n\n"

        let applied = Dictionary(uniqueKeysWithValues: outcome.appliedByCode.map { ($0.code, $0.count) })
        let left = Dictionary(uniqueKeysWithValues: outcome.sitesLeftByCode.map { ($0.code, $0.count) })
        out += "| rule | name | fixes applied | sites left |\n|---|---|---:|---:|\n"
        for code in Set(applied.keys).union(left.keys).sorted() {
            out += "| \(code) | \(escapeText(RuleCatalog.name(of: code))) | \(applied[code] ?? 0) | \(left[code] ?? 0) |\n"
        }
        out += "| **total** | | **\(outcome.fixesApplied)** | **\(outcome.sites.count)** |\n\n"

        let account = outcome.accounting
        out +=
            "- findings: \(account.findings); fixed: \(account.fixed) (safe \(account.fixedSafe), unsafe \(account.fixedUnsafe), "
            + "by other fixes \(account.fixedByOtherFixes)); left: \(account.leftTotal)\n"
        if account.newTotal > 0 { out += "- new findings in the rewritten code: \(account.newTotal)\n" }
        out += "- files changed: \(outcome.changedFiles.count)\n"
        if !outcome.unwrittenFiles.isEmpty { out += "- files not written: \(outcome.unwrittenFiles.count) (see the diagnostics)\n" }
        if !outcome.publicAPIChanges.isEmpty {
            out +=
                "- public API changed (update callers outside this tree): "
                + outcome.publicAPIChanges.map(codeSpan).joined(separator: ", ") + "\n"
        }
        out += "- sites left for hand migration: \(outcome.count(.handMigration))\n"
        if !outcome.unsafeFixesEnabled {
            out += "- unsafe fixes not applied (rerun with `--unsafe-fixes`): \(outcome.count(.unsafeFix))\n"
        }
        if outcome.count(.fixNotApplied) > 0 {
            out += "- enabled fixes not applied: \(outcome.count(.fixNotApplied))"
            out += outcome.reachedRoundLimit ? " (no fixed point within \(outcome.maximumRounds) rounds)\n" : "\n"
        }
        if outcome.count(.declined) > 0 { out += "- fixes declined (`--interactive`): \(outcome.count(.declined))\n" }

        var byPath: [(path: String, sites: [FixOutcome.Site])] = []
        for site in outcome.sites {
            if byPath.last?.path == site.finding.path {
                byPath[byPath.count - 1].sites.append(site)
            } else {
                byPath.append((site.finding.path, [site]))
            }
        }
        if !outcome.fixes.isEmpty {
            out += "\n## Fixes made\n\n| file | rule | fix | tier | count |\n|---|---|---|---|---:|\n"
            for (path, fixes) in TextReport.groupedByPath(outcome.fixes) {
                for (fix, count) in TextReport.countedByRuleAndTitle(fixes) {
                    out +=
                        "| \(codeSpan(shown(path))) | \(fix.code) \(escapeText(RuleCatalog.name(of: fix.code))) "
                        + "| \(escapeCell(fix.title)) | \(fix.applicability) | \(count) |\n"
                }
            }
        }
        out += "\n## Sites left\n\n"
        if byPath.isEmpty { out += "None: every finding was fixed.\n" }
        for (path, sites) in byPath {
            out += "### \(codeSpan(shown(path)))\n\n| line:col | code | message | reason |\n|---|---|---|---|\n"
            for site in sites {
                let finding = site.finding
                out +=
                    "| \(finding.cellLabel)\(finding.shownStart.line):\(finding.shownStart.column) | \(finding.code) | "
                    + "\(escapeCell(finding.message)) | \(escapeCell(site.reason)) |\n"
            }
            out += "\n"
        }
        if !outcome.diagnostics.isEmpty {
            out += "## Diagnostics\n\n"
            for diagnostic in outcome.diagnostics {
                out +=
                    "- \(codeSpan(shown(diagnostic.path))): \(diagnostic.severity == .error ? "error" : "warning"): "
                    + "\(escapeCell(diagnostic.message))\n"
            }
        }
        return out
    }

    /// A table cell from rekey's message text, which marks code with backticks: code spans are
    /// kept as code (a pipe in one still needs `\|`, which GFM removes before reading the span,
    /// and a line break becomes a space, as a code span would render it); everything else is
    /// plain text. A backtick run with no closing run of the same length is literal text.
    public static func escapeCell(_ text: String) -> String {
        let scalars = Array(text.replacingOccurrences(of: "\r\n", with: "\n").unicodeScalars)
        var out = ""
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "`" else {
                var end = index
                while end < scalars.count, scalars[end] != "`" { end += 1 }
                out += escapeText(String(String.UnicodeScalarView(scalars[index..<end])))
                index = end
                continue
            }
            var runEnd = index
            while runEnd < scalars.count, scalars[runEnd] == "`" { runEnd += 1 }
            let length = runEnd - index
            if let close = closingRun(of: length, in: scalars, from: runEnd) {
                for scalar in scalars[index..<(close + length)] {
                    switch scalar {
                    case "|": out += "\\|"
                    case "\n", "\r": out += " "
                    default: out.unicodeScalars.append(scalar)
                    }
                }
                index = close + length
            } else {
                out += String(repeating: "\\`", count: length)
                index = runEnd
            }
        }
        return out
    }

    /// Plain text for a cell, a heading or a list item: ASCII punctuation that Markdown could
    /// read as markup is backslash-escaped (CommonMark allows it before any ASCII punctuation),
    /// and line breaks become `<br>` (a raw one would end the table row).
    public static func escapeText(_ text: String) -> String {
        var out = ""
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            switch scalar {
            case "\n": if !previousWasCR { out += "<br>" }
            case "\r": out += "<br>"
            case "\\", "`", "*", "_", "[", "]", "<", ">", "&", "|", "~", "#", "!", "$":
                out += "\\"
                out.unicodeScalars.append(scalar)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `text` as one code span: a fence longer than any backtick run inside, padded with spaces
    /// when the text starts or ends with a backtick; `|` is still escaped for tables.
    public static func codeSpan(_ text: String) -> String {
        var longest = 0
        var run = 0
        for scalar in text.unicodeScalars {
            run = scalar == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: longest + 1)
        var body = text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "|", with: "\\|")
        if body.hasPrefix("`") || body.hasSuffix("`") { body = " \(body) " }
        return fence + body + fence
    }

    private static func closingRun(of length: Int, in scalars: [Unicode.Scalar], from start: Int) -> Int? {
        var index = start
        while index < scalars.count {
            guard scalars[index] == "`" else {
                index += 1
                continue
            }
            var end = index
            while end < scalars.count, scalars[end] == "`" { end += 1 }
            if end - index == length { return index }
            index = end
        }
        return nil
    }

    // MARK: Writing

    /// Through ``FileTransaction``, without the "unchanged since read" check (the report may not
    /// exist yet): a link is written through to its target, an existing report keeps its mode
    /// and owner, a new one gets 0666 less the umask.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(Failure) {
        do {
            try FileTransaction.commit([FileTransaction.Change(path: path, expected: nil, contents: bytes)])
        } catch {
            throw .writeFailed(path: path, reason: error.description)
        }
    }
}
