import Foundation
import RekeyDriver
import RekeyEdits
import RekeyRules
import RekeySyntax
import Testing

@Suite("JSON report")
struct JSONReportTests {
    static let source = """
        import jax
        s = "🎲🔑"; k = jax.random.PRNGKey(0)
        key = jax.random.PRNGKey(1)

        """

    @Test func topLevelShapeAndMemberOrder() throws {
        let rendered = JSONReport.render(findings: [], diagnostics: [])
        let object = try #require(try parseJSON(rendered) as? [String: Any])
        #expect(Set(object.keys) == ["version", "tool", "findings", "diagnostics", "summary"])
        #expect(try object.string("version") == "1")
        #expect(try object.object("tool").string("name") == "rekey")
        #expect(try object.object("tool").string("version") == RekeyTool.version)
        #expect(try object.array("findings").isEmpty)
        #expect(try object.object("summary").int("findings") == 0)
        #expect(try object.object("summary").object("by_code").isEmpty)
        // The documented order, which JSONSerialization would not keep.
        let order = ["\"version\"", "\"tool\"", "\"findings\"", "\"diagnostics\"", "\"summary\""]
            .map { try! #require(rendered.range(of: $0)).lowerBound }
        #expect(order == order.sorted())
        #expect(rendered.hasSuffix("}\n"))
    }

    @Test func findingWithFix() throws {
        let sample = try Sample(Self.source)
        let keyNode = try sample.node("key = jax.random.PRNGKey(1)")
        let fix = Fix(
            title: "pass `key` explicitly", applicability: .unsafe,
            edits: [
                "src/other.py": [.insertion("key=key", at: 3)],
                "src/model.py": [.deletion(keyNode.byteRange), .replacement(ByteRange(0, 6), with: "import jax.random as jr")],
            ])
        let finding = try sample.finding("RK001", at: "key", message: "`key` is created at import time", remedy: .fix(fix))
        let object = try #require(try parseJSON(JSONReport.render(findings: [finding], diagnostics: [])) as? [String: Any])
        let reported = try #require(try objects(object.array("findings")).first)
        #expect(try reported.string("code") == "RK001")
        #expect(try reported.string("name") == "import-time-key")
        #expect(try reported.string("message") == "`key` is created at import time")
        #expect(try reported.string("path") == "src/model.py")
        #expect(try reported.object("start").int("line") == 3)
        #expect(try reported.object("start").int("column") == 1)
        #expect(try reported.object("end").int("line") == 3)
        #expect(try reported.object("end").int("column") == 4)
        #expect(reported.isNull("manual_reason"))
        let jsonFix = try reported.object("fix")
        #expect(try jsonFix.string("applicability") == "unsafe")
        #expect(try jsonFix.string("title") == "pass `key` explicitly")
        let edits = try objects(jsonFix.array("edits"))
        // By path, then in the order given within a file.
        #expect(try edits.map { try $0.string("path") } == ["src/model.py", "src/model.py", "src/other.py"])
        #expect(try edits.map { try $0.int("start_byte") } == [keyNode.startByte, 0, 3])
        #expect(try edits.map { try $0.int("end_byte") } == [keyNode.endByte, 6, 3])
        #expect(try edits.map { try $0.string("replacement") } == ["", "import jax.random as jr", "key=key"])
    }

    @Test(arguments: [(Applicability.safe, "safe"), (.unsafe, "unsafe"), (.displayOnly, "display-only")])
    func applicabilityNames(_ applicability: Applicability, _ name: String) throws {
        let sample = try Sample(Self.source)
        let fix = Fix(title: "t", applicability: applicability, edits: ["src/model.py": [.insertion("x", at: 0)]])
        let finding = try sample.finding("RK001", at: "key", remedy: .fix(fix))
        let object = try #require(try parseJSON(JSONReport.render(findings: [finding], diagnostics: [])) as? [String: Any])
        #expect(try objects(object.array("findings"))[0].object("fix").string("applicability") == name)
    }

    @Test func manualFindingHasNullFixAndAReason() throws {
        let sample = try Sample(Self.source)
        let finding = try sample.finding("RK004", at: "key", remedy: .manual(reason: "the key is shared"))
        let object = try #require(try parseJSON(JSONReport.render(findings: [finding], diagnostics: [])) as? [String: Any])
        let reported = try objects(object.array("findings"))[0]
        #expect(reported.isNull("fix"))
        #expect(try reported.string("manual_reason") == "the key is shared")
        #expect(try reported.string("name") == RuleCatalog.name(of: "RK004"))
    }

    /// Columns count Unicode scalars: `s = "🎲🔑"; ` is 10 characters but 16 bytes.
    @Test func columnsAreCodePointsNotBytes() throws {
        let sample = try Sample(Self.source)
        let finding = try sample.finding("RK001", at: "k = jax.random.PRNGKey(0)", message: "multi-byte 🎲 message")
        let rendered = JSONReport.render(findings: [finding], diagnostics: [])
        let reported = try objects(try #require(try parseJSON(rendered) as? [String: Any]).array("findings"))[0]
        #expect(try reported.object("start").int("column") == 11)
        #expect(try reported.object("end").int("column") == 36)
        #expect(try reported.string("message") == "multi-byte 🎲 message")
        // Written as UTF-8, not as \u escapes.
        #expect(rendered.contains("multi-byte 🎲 message"))
    }

    @Test func escapesQuotesBackslashesAndControlCharacters() throws {
        let sample = try Sample(Self.source)
        let message = "quote \" backslash \\ newline \n cr \r tab \t bell \u{07} nul \u{00} esc \u{1B} slash /"
        let finding = try sample.finding("RK001", at: "key", message: message)
        let rendered = JSONReport.render(findings: [finding], diagnostics: [])
        #expect(rendered.contains(#""quote \" backslash \\ newline \n cr \r tab \t bell \u0007 nul \u0000 esc \u001b slash /""#))
        let reported = try objects(try #require(try parseJSON(rendered) as? [String: Any]).array("findings"))[0]
        #expect(try reported.string("message") == message)
        // Every raw line of the document is free of control characters.
        #expect(!rendered.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
    }

    @Test func diagnosticsAndSummary() throws {
        let sample = try Sample(Self.source)
        let findings = [
            try sample.finding("RK004", at: "key"),
            try sample.finding("RK001", at: "k = jax"),
            try sample.finding("RK004", at: "s = "),
        ]
        let diagnostics = [
            Diagnostic(path: "z.py", message: "skipped: not valid UTF-8"),
            Diagnostic(path: "a.py", message: "RK001 fix not applied", severity: .warning),
        ]
        let object = try #require(try parseJSON(JSONReport.render(findings: findings, diagnostics: diagnostics)) as? [String: Any])
        let reported = try objects(object.array("diagnostics"))
        #expect(try reported.map { try $0.string("path") } == ["a.py", "z.py"])
        #expect(try reported.map { try $0.string("severity") } == ["warning", "error"])
        #expect(try reported.map { try $0.string("message") } == ["RK001 fix not applied", "skipped: not valid UTF-8"])
        let summary = try object.object("summary")
        #expect(try summary.int("findings") == 3)
        #expect(try summary.object("by_code") as NSDictionary == ["RK001": 1, "RK004": 2] as NSDictionary)
        #expect(try objects(object.array("findings")).count == 3)
    }

    @Test func valueRendering() {
        let value: JSONValue = ["b": [1, true, nil, "x"], "a": [:], "c": []]
        #expect(
            value.rendered() == """
                {
                  "b": [
                    1,
                    true,
                    null,
                    "x"
                  ],
                  "a": {},
                  "c": []
                }

                """)
    }
}
