import RekeyDriver
import RekeyEdits
import RekeyRules
import RekeySyntax
import Testing

@Suite("GitHub annotations")
struct GitHubReportTests {
    @Test(arguments: [
        ("plain text", "plain text"),
        ("100%", "100%25"),
        ("%0A is not a newline", "%250A is not a newline"),
        ("two\nlines", "two%0Alines"),
        ("crlf\r\nend", "crlf%0D%0Aend"),
        ("a: b, c", "a: b, c"),
        ("🎲 ünï", "🎲 ünï"),
    ])
    func messageEscaping(_ raw: String, _ escaped: String) {
        #expect(GitHubReport.escapeData(raw) == escaped)
    }

    @Test(arguments: [
        ("src/model.py", "src/model.py"),
        ("dir:with,odd%chars.py", "dir%3Awith%2Codd%25chars.py"),
        ("rekey (RK004)", "rekey (RK004)"),
        ("line\nbreak\r", "line%0Abreak%0D"),
    ])
    func propertyEscaping(_ raw: String, _ escaped: String) {
        #expect(GitHubReport.escapeProperty(raw) == escaped)
    }

    @Test func oneWarningPerFinding() throws {
        let sample = try Sample("import jax\nkey = jax.random.PRNGKey(0)\n", path: "src/a,b:c.py")
        let manual = try sample.finding(
            "RK004", at: "jax.random.PRNGKey(0)",
            message: "`key` is used 100% twice,\nreally", remedy: .manual(reason: "split it"))
        let fix = Fix(title: "move `key`", applicability: .safe, edits: ["src/a,b:c.py": [.deletion(ByteRange(11, 39))]])
        let fixed = try sample.finding("RK001", at: "key", message: "import-time key", remedy: .fix(fix))
        let lines = GitHubReport.render(findings: [fixed, manual], diagnostics: []).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(
            lines == [
                "::warning file=src/a%2Cb%3Ac.py,line=2,col=1,endLine=2,endColumn=4,title=rekey (RK001)::import-time key%0ASafe fix (`rekey fix`): move `key`",
                "::warning file=src/a%2Cb%3Ac.py,line=2,col=7,endLine=2,endColumn=28,title=rekey (RK004)::`key` is used 100%25 twice,%0Areally%0AManual migration: split it",
                "",
            ])
    }

    @Test func unsafeAndDisplayOnlyFixesSayHowTheyApply() throws {
        let sample = try Sample("import jax\nkey = jax.random.PRNGKey(0)\n")
        let edits: [String: [Edit]] = ["src/model.py": [.insertion("x", at: 0)]]
        let unsafe = try sample.finding(
            "RK001", at: "key", message: "m", remedy: .fix(Fix(title: "split", applicability: .unsafe, edits: edits)))
        let shown = try sample.finding(
            "RK001", at: "key", message: "m", remedy: .fix(Fix(title: "rename", applicability: .displayOnly, edits: edits)))
        let out = GitHubReport.render(findings: [unsafe, shown], diagnostics: [])
        #expect(out.contains("::m%0AUnsafe fix (`rekey fix --unsafe-fixes`): split\n"))
        #expect(out.contains("::m%0ASuggested change (never applied automatically): rename\n"))
    }

    @Test func diagnosticsAreErrorsOrWarnings() {
        let out = GitHubReport.render(
            findings: [],
            diagnostics: [
                Diagnostic(path: "b.py", message: "skipped: does not parse (syntax error at line 3, column 1)"),
                Diagnostic(path: "a:1.py", message: "fix not applied\nsecond line", severity: .warning),
            ])
        #expect(
            out == """
                ::warning file=a%3A1.py::fix not applied%0Asecond line
                ::error file=b.py::skipped: does not parse (syntax error at line 3, column 1)

                """)
    }

    @Test func noFindingsNoOutput() {
        #expect(GitHubReport.render(findings: [], diagnostics: []) == "")
    }
}
