import RekeyEdits
import RekeyRules
import RekeySyntax

/// `rekey check --output-format rdjson`: reviewdog's Diagnostic Format (rdjson), for
/// `reviewdog -f=rdjson`, which posts findings as pull-request review comments and a fix as a
/// suggested change the author applies with one click.
///
/// One `DiagnosticResult` with `source` (rekey, and its home when it has one) and `diagnostics[]`:
/// `message` (the finding's message, then what to do), `location.path` (relative to the working
/// directory, where reviewdog runs), `location.range` (1-based lines; columns count UTF-8 bytes
/// and `end` is exclusive, as the format defines), `severity` "WARNING", `code.value` (`RK004`;
/// `code.url` the rule's documentation when rekey has a public home), and `suggestions`.
///
/// A suggestion is only offered where accepting it alone leaves working code: a fix whose edits all
/// lie in the finding's own file, safe (or unsafe with `--unsafe-fixes`), given as one
/// suggestion that covers all its edits (from the first edit to the last, the text between them
/// carried over), since a reviewer may accept some suggestions of a comment and not others. A fix
/// that edits other files too (a new parameter and its callers) is left to `rekey fix`: the
/// message says so. Files rekey could not check are diagnostics too (severity "ERROR", no range).
///
/// Positions need the files' text: `source(path)` gives it (the CLI reads the files again; a file
/// that cannot be read, or no longer holds the finding's range, gets a range of lines only and no
/// suggestion).
public enum RDJSONReport {
    public static func render(
        findings: [Finding], diagnostics: [Diagnostic], unsafeFixesEnabled: Bool, workingDirectory: String,
        source: (String) -> SourceText?
    ) -> String {
        document(
            findings: findings, diagnostics: diagnostics, unsafeFixesEnabled: unsafeFixesEnabled,
            workingDirectory: workingDirectory, source: source
        ).rendered()
    }

    public static func document(
        findings: [Finding], diagnostics: [Diagnostic], unsafeFixesEnabled: Bool, workingDirectory: String,
        documentationBase: String? = RekeyTool.informationURI, source: (String) -> SourceText?
    ) -> JSONValue {
        let root = workingDirectory.hasSuffix("/") ? workingDirectory : workingDirectory + "/"
        let rules = Dictionary(RuleCatalog.all.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        var sources: [String: SourceText?] = [:]
        func text(of path: String) -> SourceText? {
            if let known = sources[path] { return known }
            let loaded = source(path)
            sources[path] = loaded
            return loaded
        }

        let results: [JSONValue] = findings.map { finding in
            let file = text(of: finding.path).flatMap { $0.bytes.count >= finding.range.end ? $0 : nil }
            var code: [JSONValue.Member] = [.init("value", .string(finding.code.rawValue))]
            if let rule = rules[finding.code], let url = RekeyTool.documentationURI(of: rule, base: documentationBase) {
                code.append(.init("url", .string(url)))
            }
            var members: [JSONValue.Member] = [
                .init("message", .string(finding.message + "\n" + ReportText.remedyLine(finding) + otherFilesNote(finding, root: root))),
                .init("location", location(finding, in: file, root: root)),
                .init("severity", "WARNING"),
                .init("code", .object(code)),
            ]
            if let file, let suggestion = suggestion(for: finding, in: file, unsafeFixesEnabled: unsafeFixesEnabled) {
                members.append(.init("suggestions", [suggestion]))
            }
            return .object(members)
        }
        let problems: [JSONValue] = diagnostics.sorted().map { diagnostic in
            [
                "message": .string(diagnostic.message),
                "location": ["path": .string(ReportText.relativePath(diagnostic.path, root: root) ?? diagnostic.path)],
                "severity": .string(diagnostic.severity == .error ? "ERROR" : "WARNING"),
            ]
        }
        var tool: [JSONValue.Member] = [.init("name", .string(RekeyTool.name))]
        if let home = documentationBase { tool.append(.init("url", .string(home))) }
        return [
            "source": .object(tool),
            "severity": "WARNING",
            "diagnostics": .array(results + problems),
        ]
    }

    private static func location(_ finding: Finding, in file: SourceText?, root: String) -> JSONValue {
        let path = JSONValue.string(ReportText.relativePath(finding.path, root: root) ?? finding.path)
        guard let file else {
            return ["path": path, "range": ["start": ["line": .number(finding.start.line)], "end": ["line": .number(finding.end.line)]]]
        }
        return ["path": path, "range": range(finding.range, in: file)]
    }

    /// `range` as rdjson positions: 1-based lines, 1-based columns in UTF-8 bytes, end exclusive.
    static func range(_ range: ByteRange, in file: SourceText) -> JSONValue {
        func position(_ offset: Int) -> JSONValue {
            let line = file.lineIndex(at: offset)
            return ["line": .number(line + 1), "column": .number(offset - file.lineRange(line).start + 1)]
        }
        return ["start": position(range.start), "end": position(range.end)]
    }

    /// The finding's fix as one suggestion, when accepting it alone is the whole fix (see the type's
    /// documentation).
    static func suggestion(for finding: Finding, in file: SourceText, unsafeFixesEnabled: Bool) -> JSONValue? {
        guard let fix = finding.fix, fix.edits.keys.allSatisfy({ $0 == finding.path }),
            let edits = fix.edits[finding.path], !edits.isEmpty
        else { return nil }
        switch fix.applicability {
        case .safe: break
        case .unsafe: guard unsafeFixesEnabled else { return nil }
        case .displayOnly: return nil
        }
        let ordered = edits.sorted { ($0.range.start, $0.range.end) < ($1.range.start, $1.range.end) }
        guard let first = ordered.first, let last = ordered.last, last.range.end <= file.bytes.count,
            zip(ordered, ordered.dropFirst()).allSatisfy({ $0.range.end <= $1.range.start })
        else { return nil }
        let span = ByteRange(first.range.start, ordered.map(\.range.end).max() ?? last.range.end)
        let updated = FixApplier.applying(edits, to: file)
        let growth = updated.count - file.bytes.count
        let text = String(decoding: updated[span.start..<span.end + growth], as: UTF8.self)
        return ["range": range(span, in: file), "text": .string(text)]
    }

    /// Said when the fix exists but edits other files too, so no suggestion carries it.
    private static func otherFilesNote(_ finding: Finding, root: String) -> String {
        let others = (finding.fix?.edits.keys.filter { $0 != finding.path } ?? []).map { ReportText.relativePath($0, root: root) ?? $0 }
        return others.isEmpty ? "" : " (the fix also edits \(others.sorted().joined(separator: ", ")), so `rekey fix` makes it)"
    }
}
