import RekeyDriver
import RekeyEdits
import RekeyRules
import RekeySyntax
import Testing

/// What reviewdog reads; the CLI tests match it with the JSON report and apply its suggestions
/// (Tests/cli/test_output_formats.py).
@Suite("rdjson report")
struct RDJSONReportTests {
    static let source = "import jax\ns = \"🎲\"; key = jax.random.PRNGKey(0)\n"

    func diagnostics(
        _ findings: [Finding], base: String? = nil, unsafeFixesEnabled: Bool = false, source: SourceText?
    ) throws -> [[String: Any]] {
        let document = RDJSONReport.document(
            findings: findings, diagnostics: [], unsafeFixesEnabled: unsafeFixesEnabled, workingDirectory: "/w",
            documentationBase: base, source: { _ in source })
        let parsed = try #require(try parseJSON(document.rendered()) as? [String: Any])
        return try objects(parsed.array("diagnostics"))
    }

    @Test func columnsCountBytesAndTheFixIsOneSuggestion() throws {
        let sample = try Sample(Self.source)
        let keyNode = try sample.node("key = jax.random.PRNGKey(0)")
        let fix = Fix(
            title: "move it", applicability: .safe,
            edits: ["src/model.py": [.insertion("# top\n", at: 0), .replacement(keyNode.byteRange, with: "pass")]])
        let finding = try sample.finding("RK001", at: "key", remedy: .fix(fix))
        let diagnostic = try #require(try diagnostics([finding], base: "https://forge.example/rekey", source: sample.tree.source).first)
        // `s = "🎲"; ` is 12 bytes: the key starts at byte column 13 of line 2.
        let range = try diagnostic.object("location").object("range")
        #expect(try [range.object("start").int("line"), range.object("start").int("column")] == [2, 13])
        #expect(try [range.object("end").int("line"), range.object("end").int("column")] == [2, 16])
        #expect(
            try diagnostic.object("code").string("url").hasSuffix("/MIGRATION.md#rk001-import-time-key-prng-key-created-at-import-time"))
        let suggestion = try #require(try objects(diagnostic.array("suggestions")).first)
        #expect(try suggestion.object("range").object("start").int("line") == 1)
        #expect(try suggestion.object("range").object("start").int("column") == 1)
        #expect(try suggestion.string("text") == "# top\nimport jax\ns = \"🎲\"; pass")
    }

    @Test func noSuggestionWhereAcceptingItAloneWouldBreakCode() throws {
        let sample = try Sample(Self.source)
        let keyNode = try sample.node("key = jax.random.PRNGKey(0)")
        let spread = Fix(
            title: "thread it", applicability: .safe,
            edits: ["src/model.py": [.deletion(keyNode.byteRange)], "src/caller.py": [.insertion("key, ", at: 0)]])
        let unsafe = Fix(title: "split", applicability: .unsafe, edits: ["src/model.py": [.deletion(keyNode.byteRange)]])
        let findings = [
            try sample.finding("RK001", at: "key", remedy: .fix(spread)), try sample.finding("RK004", at: "key", remedy: .fix(unsafe)),
        ]
        let withoutUnsafe = try diagnostics(findings, source: sample.tree.source)
        #expect(withoutUnsafe.allSatisfy { $0["suggestions"] == nil })
        #expect(
            try withoutUnsafe[0].string("message")
                == "a message\nSafe fix (`rekey fix`): thread it (the fix also edits src/caller.py, so `rekey fix` makes it)")
        #expect(try withoutUnsafe.allSatisfy { try $0.object("code")["url"] == nil })
        let withUnsafe = try diagnostics(findings, unsafeFixesEnabled: true, source: sample.tree.source)
        #expect(withUnsafe[0]["suggestions"] == nil)
        #expect(try objects(withUnsafe[1].array("suggestions")).count == 1)
    }

    /// A file that cannot be read again gets a range of lines only (its columns would be a guess).
    @Test func unreadableFileGetsLinesOnly() throws {
        let sample = try Sample(Self.source)
        let fix = Fix(title: "t", applicability: .safe, edits: ["src/model.py": [.insertion("x", at: 0)]])
        let diagnostic = try #require(try diagnostics([try sample.finding("RK001", at: "key", remedy: .fix(fix))], source: nil).first)
        let range = try diagnostic.object("location").object("range")
        #expect(try range.object("start").int("line") == 2)
        #expect(try range.object("start")["column"] == nil)
        #expect(diagnostic["suggestions"] == nil)
    }
}
