import Foundation
import RekeyEdits
import RekeyRules
import RekeySyntax
import RekeyTestSupport
import Testing

@testable import RekeyDriver

/// `diff`/`fix --report`: how leftover findings are classified, the JSON and Markdown reports,
/// the stderr summary built from the same classification, and the atomic write.
@Suite("Fix report")
struct FixReportWriterTests {
    static let source = """
        import jax
        key = jax.random.PRNGKey(0)
        a = jax.random.normal(key, (2,))
        b = jax.random.uniform(key, (2,))

        """

    /// One site of each kind rekey leaves: a manual remedy, an unsafe fix, a display-only
    /// suggestion, and a safe fix the applier refused. As read, the file also had two findings
    /// the run fixed: one with a safe fix, one with an unsafe fix (fixed by another fix when
    /// unsafe fixes are off).
    static func leftovers() throws -> (report: Engine.FixReport, findings: [Finding]) {
        let sample = try Sample(source)
        let edit: [String: [Edit]] = ["src/model.py": [.insertion("x", at: 0)]]
        let findings = [
            try sample.finding(
                "RK001", at: "key = jax.random.PRNGKey(0)", message: "`key` is created at import time",
                remedy: .manual(reason: "a derived key is migrated by hand")),
            try sample.finding(
                "RK004", at: "jax.random.normal(key, (2,))", message: "`key` is consumed | twice",
                remedy: .fix(Fix(title: "split `key`", applicability: .unsafe, edits: edit))),
            try sample.finding(
                "RK005", at: "jax.random.uniform(key, (2,))", message: "suggested",
                remedy: .fix(Fix(title: "rewrite the loop", applicability: .displayOnly, edits: edit))),
            try sample.finding(
                "RK007", at: "b = jax", message: "a default",
                remedy: .fix(Fix(title: "make `key` required", applicability: .safe, edits: edit))),
        ]
        let fixed = [
            try sample.finding(
                "RK002", at: "jax.random.PRNGKey(0)", message: "reads a module-level key",
                remedy: .fix(Fix(title: "pass `key`", applicability: .safe, edits: edit))),
            try sample.finding(
                "RK004", at: "jax.random.uniform(key, (2,))", message: "`key` is consumed again",
                remedy: .fix(Fix(title: "split `key`", applicability: .unsafe, edits: edit))),
        ]
        var report = Engine.FixReport()
        report.remaining = findings
        report.findingsAsRead = ["src/model.py": (findings + fixed).sorted { $0.range < $1.range }]
        report.applied = ["RK004": 2, "RK001": 1]
        report.rounds = 2
        report.changes = [Engine.FileChange(path: "src/model.py", original: [1], updated: [2])]
        report.diagnostics = [
            Diagnostic(
                path: "src/model.py", message: "RK007 fix not applied: it introduces a syntax error at src/model.py:4:1",
                severity: .warning),
            Diagnostic(path: "src/other.py", message: "RK004 fix not applied: unrelated file", severity: .warning),
        ]
        report.refusals = [
            Engine.FixRefusal(path: "src/model.py", code: "RK007", reason: "it introduces a syntax error at src/model.py:4:1"),
            Engine.FixRefusal(path: "src/other.py", code: "RK004", reason: "unrelated file"),
        ]
        return (report, findings)
    }

    // MARK: Classification

    @Test func eachLeftoverGetsItsKindAndReason() throws {
        let (report, _) = try Self.leftovers()
        let outcome = FixOutcome(report: report, options: Engine.Options(unsafeFixes: false), wrote: false)
        #expect(outcome.sites.map(\.kind) == [.handMigration, .unsafeFix, .handMigration, .fixNotApplied])
        #expect(outcome.sites[0].reason == "a derived key is migrated by hand")
        #expect(outcome.sites[0].fixAvailable == nil)
        #expect(outcome.sites[1].reason.contains("not applied without --unsafe-fixes"))
        #expect(outcome.sites[1].reason.hasSuffix(": split `key`"))
        #expect(outcome.sites[1].fixAvailable == .unsafe)
        #expect(outcome.sites[2].reason.contains("display-only"))
        #expect(outcome.sites[2].fixAvailable == .displayOnly)
        // The refusal is matched back by path and code; the other file's refusal is not.
        #expect(
            outcome.sites[3].reason
                == "safe fix not applied (refused: it introduces a syntax error at src/model.py:4:1): make `key` required")
        #expect(outcome.count(.handMigration) == 2)
        #expect(outcome.sitesLeftByCode.map(\.code) == ["RK001", "RK004", "RK005", "RK007"])
        #expect(outcome.appliedByCode.map(\.code) == ["RK001", "RK004"])
        #expect(outcome.fixesApplied == 3)
    }

    @Test func enabledUnsafeFixLeftIsNotBlamedOnTheMissingFlag() throws {
        var (report, _) = try Self.leftovers()
        report.rounds = 8
        let outcome = FixOutcome(report: report, options: Engine.Options(unsafeFixes: true), wrote: true)
        #expect(outcome.sites[1].kind == .fixNotApplied)
        #expect(outcome.sites[1].reason == "unsafe fix not applied (no fixed point within 8 rounds): split `key`")
        #expect(!outcome.sites.contains { $0.reason.contains("--unsafe-fixes") })
        #expect(outcome.reachedRoundLimit)
    }

    // MARK: Summary on standard error

    @Test func summaryWithoutUnsafeFixes() throws {
        let (report, _) = try Self.leftovers()
        let outcome = FixOutcome(report: report, options: Engine.Options(unsafeFixes: false), wrote: false)
        #expect(
            TextReport.fixSummary(outcome)
                == "rekey: 6 findings: 2 fixed by the patch (1 safe, 1 by other fixes), 4 left: 2 for hand migration, "
                + "1 unsafe fix not applied (rerun with --unsafe-fixes), 1 enabled fix not applied (refused; see the warnings). "
                + "3 fixes in 1 file (RK001: 1, RK004: 2).\n")
        #expect(outcome.accounting.findings == outcome.accounting.fixed + outcome.accounting.leftTotal)
        #expect(outcome.accounting.newTotal == 0 && !outcome.sites.contains(where: \.isNew))
    }

    @Test func summaryWithUnsafeFixesSaysWhyFixesAreLeft() throws {
        var (report, _) = try Self.leftovers()
        report.rounds = 8
        let outcome = FixOutcome(report: report, options: Engine.Options(unsafeFixes: true), wrote: true)
        let summary = TextReport.fixSummary(outcome)
        #expect(!summary.contains("--unsafe-fixes"))
        #expect(
            summary == "rekey: 6 findings: 2 fixed (1 safe, 1 unsafe), 4 left: 2 for hand migration, "
                + "2 enabled fixes not applied (no fixed point within 8 rounds). 3 fixes applied in 1 file (RK001: 1, RK004: 2).\n")
    }

    @Test func nothingOfAFileNotWrittenCountsAsDone() throws {
        // The item 15: "fixed 16 sites in 0 files". The fixes applied to a file that
        // could not be written are not counted, and its sites are the findings it has on disk.
        var (report, findings) = try Self.leftovers()
        func applied(_ code: RuleCode, _ paths: [String], publicAPI: [String] = []) -> Engine.AppliedFix {
            Engine.AppliedFix(code: code, path: paths[0], paths: paths, publicAPI: publicAPI, title: "a fix", applicability: .unsafe)
        }
        report.appliedFixes = [
            applied("RK004", ["src/model.py"]),
            applied("RK004", ["src/model.py", "src/other.py"], publicAPI: ["pkg.f"]),
            applied("RK001", ["src/model.py"]),
        ]
        report.publicAPIChanges = ["pkg.f"]
        report.findingsAsRead = ["src/model.py": findings]
        report.remaining = []
        let outcome = FixOutcome(
            report: report, options: Engine.Options(unsafeFixes: true), wrote: true,
            unwrittenFiles: ["src/model.py"])
        #expect(outcome.fixesApplied == 0 && outcome.fixes.isEmpty && outcome.changedFiles.isEmpty && outcome.publicAPIChanges.isEmpty)
        #expect(outcome.sites.map(\.finding.code) == ["RK001", "RK004", "RK007", "RK005"])  // by position
        #expect(outcome.sites[2].reason == "safe fix not applied (refused: the file was not written; see the errors): make `key` required")
        #expect(
            TextReport.fixSummary(outcome)
                == "rekey: 4 findings: 0 fixed, 4 left: 2 for hand migration, "
                + "2 enabled fixes not applied (refused, or in files not written; see the errors). "
                + "0 fixes applied in 0 files; 1 changed file not written (see the errors).\n")
        #expect(outcome.accounting.left == [.handMigration: 2, .fixNotApplied: 2])
    }

    @Test func summaryOfACleanRun() {
        let outcome = FixOutcome(report: Engine.FixReport(), options: Engine.Options(), wrote: true)
        #expect(TextReport.fixSummary(outcome) == "rekey: 0 findings, nothing to fix.\n")
    }

    // MARK: JSON

    @Test func jsonReportShape() throws {
        let (report, findings) = try Self.leftovers()
        let outcome = FixOutcome(report: report, options: Engine.Options(unsafeFixes: false), wrote: false)
        let rendered = FixReportWriter.render(outcome, as: .json)
        let object = try #require(try parseJSON(rendered) as? [String: Any])
        #expect(try object.string("version") == FixReportWriter.schemaVersion)
        #expect(try object.string("command") == "diff")
        #expect(object["unsafe_fixes"] as? Bool == false)
        let summary = try object.object("summary")
        #expect(try summary.int("findings") == 6)
        #expect(try summary.int("fixed") == 2)
        #expect(try summary.int("fixed_safe") == 1)
        #expect(try summary.int("fixed_unsafe") == 0)
        #expect(try summary.int("fixed_by_other_fixes") == 1)
        #expect(try summary.int("left") == 4)
        #expect(try summary.int("new_sites") == 0)
        #expect(try summary.int("files_changed") == 1)
        #expect(try summary.int("fixes_applied") == 3)
        #expect(try summary.object("fixes_applied_by_code") as? [String: Int] == ["RK001": 1, "RK004": 2])
        #expect(try summary.int("sites_left") == 4)
        #expect(try summary.object("sites_left_by_code") as? [String: Int] == ["RK001": 1, "RK004": 1, "RK005": 1, "RK007": 1])
        #expect(try summary.int("hand_migrations") == 2)
        #expect(try summary.int("unsafe_fixes_not_applied") == 1)
        #expect(try summary.int("fixes_not_applied") == 1)
        #expect(try summary.int("rounds") == 2)
        #expect(summary["fixed_point"] as? Bool == true)
        #expect(try object.array("changed_files") as? [String] == ["src/model.py"])

        let sites = try objects(object.array("sites"))
        #expect(sites.count == findings.count)
        for (site, finding) in zip(sites, findings) {
            #expect(try site.string("code") == finding.code.rawValue)
            #expect(try site.string("name") == RuleCatalog.name(of: finding.code))
            #expect(try site.string("message") == finding.message)
            #expect(try site.string("path") == finding.path)
            #expect(try site.object("start").int("line") == finding.start.line)
            #expect(try site.object("start").int("column") == finding.start.column)
            #expect(try site.object("end").int("column") == finding.end.column)
            #expect(site["new"] as? Bool == false)
        }
        #expect(try sites.map { try $0.string("kind") } == ["hand-migration", "unsafe-fix", "hand-migration", "fix-not-applied"])
        #expect(try sites[0].string("reason") == "a derived key is migrated by hand")
        #expect(sites[0].isNull("fix_available"))
        #expect(try sites[1].string("fix_available") == "unsafe")
        #expect(try sites[2].string("fix_available") == "display-only")
        #expect(try sites[3].string("fix_available") == "safe")
        #expect(try objects(object.array("diagnostics")).count == 2)
        // Members in the documented order.
        let order = [
            "\"version\"", "\"tool\"", "\"command\"", "\"unsafe_fixes\"", "\"summary\"", "\"changed_files\"",
            "\"unwritten_files\"", "\"sites\"", "\"diagnostics\"",
        ]
        .map { try! #require(rendered.range(of: $0)).lowerBound }
        #expect(order == order.sorted())
    }

    // MARK: Markdown

    @Test func cellEscaping() {
        #expect(FixReportWriter.escapeCell("a | b") == "a \\| b")
        #expect(FixReportWriter.escapeCell("line one\nline two\r\nthree") == "line one<br>line two<br>three")
        // Code spans stay code; only their pipes are escaped, and a line break becomes a space.
        #expect(FixReportWriter.escapeCell("by `f | g` and `h\nk`") == "by `f \\| g` and `h k`")
        #expect(FixReportWriter.escapeCell("``a ` b`` x") == "``a ` b`` x")
        // Outside code: markup characters are literal text.
        #expect(FixReportWriter.escapeCell("*a* _b_ <c> [d](e) \\ & ~f~") == "\\*a\\* \\_b\\_ \\<c\\> \\[d\\](e) \\\\ \\& \\~f\\~")
        // An unclosed backtick is literal.
        #expect(FixReportWriter.escapeCell("it`s | odd") == "it\\`s \\| odd")
    }

    @Test func codeSpanForPaths() {
        #expect(FixReportWriter.codeSpan("src/a_b.py") == "`src/a_b.py`")
        #expect(FixReportWriter.codeSpan("we`ird|name.py") == "``we`ird\\|name.py``")
        #expect(FixReportWriter.codeSpan("`x`") == "`` `x` ``")
    }

    @Test func markdownReport() throws {
        let (report, findings) = try Self.leftovers()
        var other = report
        let second = try Sample(Self.source, path: "src/z.py")
        other.remaining.append(
            try second.finding(
                "RK003", at: "key", message: "multi\nline `with | pipe`",
                remedy: .manual(reason: "reason | with pipe")))
        let outcome = FixOutcome(report: other, options: Engine.Options(unsafeFixes: false), wrote: true)
        let markdown = FixReportWriter.render(outcome, as: .markdown)
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "# rekey fix report")
        #expect(lines.contains("| RK004 | key-reused | 2 | 1 |"))
        #expect(lines.contains("| **total** | | **3** | **5** |"))
        #expect(lines.contains("- findings: 6; fixed: 2 (safe 1, unsafe 0, by other fixes 1); left: 4"))
        // The other file's finding is none of the findings as read.
        #expect(lines.contains("- new findings in the rewritten code: 1"))
        #expect(lines.contains("- sites left for hand migration: 3"))
        #expect(lines.contains("- unsafe fixes not applied (rerun with `--unsafe-fixes`): 1"))
        #expect(lines.contains("### `src/model.py`"))
        #expect(lines.contains("### `src/z.py`"))
        #expect(
            lines.contains(
                "| 3:5 | RK004 | `key` is consumed \\| twice | "
                    + "unsafe fix, not applied without --unsafe-fixes (it changes the random stream or rests on a guess): split `key` |"))
        #expect(lines.contains("| 2:1 | RK003 | multi<br>line `with \\| pipe` | reason \\| with pipe |"))
        // Every site row has exactly four cells: five pipes not escaped by a backslash.
        let rows = lines.filter(isSiteRow)
        #expect(rows.count == findings.count + 1)
        for row in rows { #expect(unescapedPipes(row) == 5, "\(row)") }
        #expect(markdown.contains("## Diagnostics"))
    }

    @Test func markdownWithNothingLeft() {
        let outcome = FixOutcome(report: Engine.FixReport(), options: Engine.Options(unsafeFixes: true), wrote: false)
        let markdown = FixReportWriter.render(outcome, as: .markdown)
        #expect(markdown.contains("None: every finding was fixed."))
        #expect(markdown.contains("with `--unsafe-fixes`"))
        #expect(!markdown.contains("unsafe fixes not applied"))
    }

    // MARK: Through the engine

    @Test func engineLeftoversMatchCheckOfTheRewrittenFile() throws {
        let project = try Project([
            "snippet.py": """
            import jax
            import jax.random as jr

            _, PERTURB_KEY = jr.split(jr.PRNGKey(3))

            perturb = lambda x, eps=0.01: x + eps * jr.normal(PERTURB_KEY, x.shape)


            def sample(key):
                a = jax.random.normal(key, (2,))
                b = jax.random.uniform(key, (2,))
                return a + b

            """
        ])
        defer { project.remove() }
        let report = project.fix()
        let outcome = FixOutcome(report: report, options: Engine.Options(), wrote: false)
        let checked = project.check().findings
        #expect(outcome.sites.map { "\($0.finding.code) \($0.finding.start)" } == checked.map { "\($0.code) \($0.start)" })
        #expect(outcome.sites.contains { $0.kind == .handMigration && $0.finding.code == "RK003" })
        #expect(outcome.sites.contains { $0.kind == .unsafeFix && $0.finding.code == "RK004" && $0.fixAvailable == .unsafe })
        #expect(!outcome.sites.contains { $0.kind == .fixNotApplied })

        let unsafe = FixOutcome(report: project.fix(unsafeFixes: true), options: Engine.Options(unsafeFixes: true), wrote: false)
        #expect(!unsafe.sites.contains { $0.finding.code == "RK004" })
        #expect(unsafe.appliedByCode.contains { $0.code == "RK004" })
        #expect(unsafe.count(.unsafeFix) == 0)
    }

    // MARK: Writing

    @Test func formatComesFromTheExtension() {
        #expect(FixReportWriter.Format(path: "out/report.json") == .json)
        #expect(FixReportWriter.Format(path: "REPORT.MD") == .markdown)
        #expect(FixReportWriter.Format(path: "report.txt") == nil)
        #expect(FixReportWriter.Format(path: "json") == nil)
        #expect(FixReportWriter.Format(path: "report.json.bak") == nil)
    }

    @Test func writesAtomicallyAndKeepsPermissions() throws {
        let project = try Project([:])
        defer { project.remove() }
        let outcome = FixOutcome(report: try Self.leftovers().report, options: Engine.Options(), wrote: false)
        let path = project.path("report.md")
        try FixReportWriter.write(outcome, to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == FixReportWriter.render(outcome, as: .markdown))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let jsonPath = project.path("report.json")
        try "old".write(toFile: jsonPath, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: jsonPath)
        try FixReportWriter.write(outcome, to: jsonPath)
        #expect(try String(contentsOfFile: jsonPath, encoding: .utf8) == FixReportWriter.render(outcome, as: .json))
        let permissions = try FileManager.default.attributesOfItem(atPath: jsonPath)[.posixPermissions] as? Int
        #expect(permissions == 0o640)
        // No temporary file is left beside the reports.
        #expect(try FileManager.default.contentsOfDirectory(atPath: project.tree.root.path).sorted() == ["report.json", "report.md"])
    }

    @Test func unwritableReportIsAnError() throws {
        let outcome = FixOutcome(report: Engine.FixReport(), options: Engine.Options(), wrote: false)
        #expect(throws: FixReportWriter.Failure.self) {
            try FixReportWriter.write(outcome, to: "/nonexistent-rekey-dir/report.json")
        }
        #expect(throws: FixReportWriter.Failure.self) {
            try FixReportWriter.write(outcome, to: FileManager.default.temporaryDirectory.appendingPathComponent("r.txt").path)
        }
    }
}

/// `| 12:5 | …`: a row of a per-file table.
private func isSiteRow(_ line: String) -> Bool {
    guard line.hasPrefix("| "), let end = line.dropFirst(2).firstIndex(of: " ") else { return false }
    let parts = line[line.index(line.startIndex, offsetBy: 2)..<end].split(separator: ":")
    return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
}

/// Pipes a GFM table reads as cell separators: those not preceded by an odd run of backslashes.
private func unescapedPipes(_ row: String) -> Int {
    var count = 0
    var backslashes = 0
    for character in row {
        if character == "|", backslashes % 2 == 0 { count += 1 }
        backslashes = character == "\\" ? backslashes + 1 : 0
    }
    return count
}
