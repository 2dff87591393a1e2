import RekeyEdits
import RekeyRules
import RekeySyntax

/// A `check` report as the cache stores it: findings (with their fixes and fingerprints) and
/// diagnostics, in plain Codable fields. Reading one back validates every range, so a damaged
/// entry is a miss, never a crash or a wrong report.
struct CachedCheckReport: Codable {
    struct Position: Codable {
        let line: Int
        let column: Int
    }

    struct CachedEdit: Codable {
        let start: Int
        let end: Int
        let replacement: String
    }

    struct CachedFix: Codable {
        let title: String
        let applicability: Int
        let edits: [String: [CachedEdit]]
        let publicAPI: [String]
    }

    struct CachedFinding: Codable {
        let code: String
        let path: String
        let start: Int
        let end: Int
        let startPosition: Position
        let endPosition: Position
        let message: String
        let fix: CachedFix?
        let manualReason: String?
        let fingerprint: String
        let touchedSymbols: [String]

        init(_ finding: Finding) {
            switch finding.remedy {
            case .fix(let found):
                fix = CachedFix(
                    title: found.title, applicability: found.applicability.rawValue,
                    edits: found.edits.mapValues {
                        $0.map { CachedEdit(start: $0.range.start, end: $0.range.end, replacement: $0.replacement) }
                    },
                    publicAPI: found.publicAPI)
                manualReason = nil
            case .manual(let reason):
                fix = nil
                manualReason = reason
            }
            code = finding.code.rawValue
            path = finding.path
            start = finding.range.start
            end = finding.range.end
            startPosition = Position(line: finding.start.line, column: finding.start.column)
            endPosition = Position(line: finding.end.line, column: finding.end.column)
            message = finding.message
            fingerprint = finding.fingerprint
            touchedSymbols = finding.touchedSymbols.sorted()
        }

        /// The finding, or nil if a range or the fix's tier does not make sense.
        var finding: Finding? {
            guard let range = CachedCheckReport.range(start, end) else { return nil }
            let remedy: Finding.Remedy
            if let fix {
                guard let applicability = Applicability(rawValue: fix.applicability) else { return nil }
                var edits: [String: [Edit]] = [:]
                for (path, fileEdits) in fix.edits {
                    var converted: [Edit] = []
                    for edit in fileEdits {
                        guard let editRange = CachedCheckReport.range(edit.start, edit.end) else { return nil }
                        converted.append(.replacement(editRange, with: edit.replacement))
                    }
                    edits[path] = converted
                }
                remedy = .fix(Fix(title: fix.title, applicability: applicability, edits: edits, publicAPI: fix.publicAPI))
            } else if let manualReason {
                remedy = .manual(reason: manualReason)
            } else {
                return nil
            }
            var finding = Finding(
                code: RuleCode(code), range: range,
                start: SourcePosition(line: startPosition.line, column: startPosition.column),
                end: SourcePosition(line: endPosition.line, column: endPosition.column), path: path,
                message: message, remedy: remedy, touchedSymbols: Set(touchedSymbols))
            finding.fingerprint = fingerprint
            return finding
        }
    }

    struct CachedDiagnostic: Codable {
        let path: String
        let message: String
        let isError: Bool
    }

    let findings: [CachedFinding]
    let diagnostics: [CachedDiagnostic]
    let filesSeen: Int
    let bytesSeen: Int

    init(_ report: Engine.CheckReport) {
        findings = report.findings.map(CachedFinding.init)
        diagnostics = report.diagnostics.map { CachedDiagnostic(path: $0.path, message: $0.message, isError: $0.severity == .error) }
        filesSeen = report.filesSeen
        bytesSeen = report.bytesSeen
    }

    /// The report, or nil if any part of the entry does not make sense.
    var report: Engine.CheckReport? {
        var report = Engine.CheckReport()
        for cached in findings {
            guard let finding = cached.finding else { return nil }
            report.findings.append(finding)
        }
        report.diagnostics = diagnostics.map { Diagnostic(path: $0.path, message: $0.message, severity: $0.isError ? .error : .warning) }
        report.filesSeen = filesSeen
        report.bytesSeen = bytesSeen
        return report
    }

    static func range(_ start: Int, _ end: Int) -> ByteRange? {
        0 <= start && start <= end ? ByteRange(start, end) : nil
    }
}
