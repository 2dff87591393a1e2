import Foundation
import RekeyDriver
import RekeyEdits
import RekeyRules
import RekeySyntax
import Testing

/// The structure GitHub code scanning and other viewers read. Schema validity is checked by the
/// CLI tests with the official schema and a real validator (Tests/cli/test_output_formats.py).
@Suite("SARIF report")
struct SARIFReportTests {
    static let source = "import jax\ns = \"🎲\"; key = jax.random.PRNGKey(0)\n"

    func run(_ findings: [Finding], _ diagnostics: [Diagnostic] = [], cwd: String = "/work/project") throws -> [String: Any] {
        let log = try #require(
            try parseJSON(SARIFReport.render(findings: findings, diagnostics: diagnostics, workingDirectory: cwd)) as? [String: Any])
        #expect(try log.string("version") == "2.1.0")
        #expect(try log.string("$schema") == SARIFReport.schemaURI)
        let runs = try objects(log.array("runs"))
        #expect(runs.count == 1)
        return try #require(runs.first)
    }

    @Test func driverListsEveryCodeWithDocumentation() throws {
        let run = try run([])
        let driver = try run.object("tool").object("driver")
        #expect(try driver.string("name") == "rekey")
        #expect(try driver.string("version") == RekeyTool.version)
        #expect((driver["informationUri"] as? String) == RekeyTool.informationURI)
        let rules = try objects(driver.array("rules"))
        let expectedCodes = Set(RuleRegistry.all.map(\.code.rawValue)).union(["RK100"])
        #expect(try Set(rules.map { try $0.string("id") }) == expectedCodes)
        #expect(rules.count == expectedCodes.count)
        for rule in rules {
            let id = try rule.string("id")
            #expect(try rule.string("name") == RuleCatalog.name(of: RuleCode(id)))
            #expect(try !rule.object("shortDescription").string("text").isEmpty)
            #expect(try !rule.object("fullDescription").string("text").isEmpty)
            #expect(try rule.object("help").string("markdown").hasPrefix("## \(id) "))
            #expect(try !rule.object("help").string("text").isEmpty)
            #expect(try rule.object("defaultConfiguration").string("level") == "warning")
        }
        if let rk001 = RuleRegistry.rule("RK001") {
            let entry = try #require(try rules.first { try $0.string("id") == "RK001" })
            #expect(try entry.object("help").string("markdown") == MigrationGuide.section(type(of: rk001).description))
        }
        #expect(try run.string("columnKind") == "unicodeCodePoints")
        #expect(try run.object("originalUriBaseIds").object("%SRCROOT%").string("uri") == "file:///work/project/")
        #expect(try run.array("results").isEmpty)
        let invocation = try objects(run.array("invocations"))[0]
        #expect(invocation["executionSuccessful"] as? Bool == true)
        #expect(try invocation.array("toolExecutionNotifications").isEmpty)
    }

    /// With a home, each rule links to its section of MIGRATION.md: the fragment GitHub derives
    /// from the section's heading there.
    @Test func helpUriLinksEachRuleToItsSectionOfTheGuide() throws {
        let base = "https://forge.example/rekey"
        let log = try #require(
            try parseJSON(SARIFReport.document(findings: [], diagnostics: [], workingDirectory: "/w", documentationBase: base).rendered())
                as? [String: Any])
        let driver = try objects(log.array("runs"))[0].object("tool").object("driver")
        #expect(try driver.string("informationUri") == base)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let guide = try String(contentsOf: root.appendingPathComponent("MIGRATION.md"), encoding: .utf8)
        let headings = guide.split(separator: "\n").filter { $0.hasPrefix("## RK") }.map { $0.dropFirst(3) }
        var fragments: Set<String> = []
        for rule in try objects(driver.array("rules")) {
            let id = try rule.string("id")
            let uri = try rule.string("helpUri")
            let prefix = base + "/blob/main/MIGRATION.md#"
            #expect(uri.hasPrefix(prefix))
            let fragment = String(uri.dropFirst(prefix.count))
            let heading = try #require(headings.first { $0.hasPrefix(id + " ") })
            let words = heading.lowercased().split(separator: " ").map {
                $0.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
            }
            #expect(fragment == words.joined(separator: "-"))
            fragments.insert(fragment)
        }
        #expect(fragments.contains("rk001-import-time-key-prng-key-created-at-import-time"))
        #expect(fragments.count == (try driver.array("rules")).count)

        let homeless = try #require(
            try parseJSON(SARIFReport.document(findings: [], diagnostics: [], workingDirectory: "/w", documentationBase: nil).rendered())
                as? [String: Any])
        let rules = try objects(objects(homeless.array("runs"))[0].object("tool").object("driver").array("rules"))
        #expect(rules.allSatisfy { $0["helpUri"] == nil })
    }

    @Test func resultWithRegionRuleIndexAndFix() throws {
        let sample = try Sample(Self.source)
        let keyNode = try sample.node("key = jax.random.PRNGKey(0)")
        let fix = Fix(
            title: "pass `key` explicitly", applicability: .safe,
            edits: [
                "src/model.py": [.deletion(keyNode.byteRange), .insertion("key=🔑", at: 0), .replacement(ByteRange(0, 3), with: "x")]
            ])
        let finding = try sample.finding("RK001", at: "key", message: "`key` at import time", remedy: .fix(fix))
        let run = try run([finding])
        let rules = try objects(run.object("tool").object("driver").array("rules"))
        let result = try objects(run.array("results"))[0]
        #expect(try result.string("ruleId") == "RK001")
        #expect(try rules[result.int("ruleIndex")].string("id") == "RK001")
        #expect(try result.string("level") == "warning")
        #expect(try result.object("message").string("text") == "`key` at import time\nSafe fix (`rekey fix`): pass `key` explicitly")
        let location = try objects(result.array("locations"))[0].object("physicalLocation")
        #expect(try location.object("artifactLocation").string("uri") == "src/model.py")
        #expect(try location.object("artifactLocation").string("uriBaseId") == "%SRCROOT%")
        let region = try location.object("region")
        // `s = "🎲"; ` is 9 characters (12 bytes): the key starts at column 10; the end is exclusive.
        #expect(
            try [region.int("startLine"), region.int("startColumn"), region.int("endLine"), region.int("endColumn")] == [2, 10, 2, 13])

        let sarifFix = try objects(result.array("fixes"))[0]
        #expect(try sarifFix.object("description").string("text") == "pass `key` explicitly")
        #expect(try sarifFix.object("properties").string("applicability") == "safe")
        let change = try objects(sarifFix.array("artifactChanges"))[0]
        #expect(try change.object("artifactLocation").string("uri") == "src/model.py")
        let replacements = try objects(change.array("replacements"))
        #expect(replacements.count == 3)
        #expect(try replacements[0].object("deletedRegion").int("byteOffset") == keyNode.startByte)
        #expect(try replacements[0].object("deletedRegion").int("byteLength") == keyNode.byteRange.length)
        #expect(replacements[0]["insertedContent"] == nil, "a deletion inserts nothing")
        #expect(try replacements[1].object("deletedRegion").int("byteLength") == 0)
        #expect(try replacements[1].object("insertedContent").string("text") == "key=🔑")
        #expect(try replacements[2].object("deletedRegion").int("byteOffset") == 0)
        #expect(try replacements[2].object("deletedRegion").int("byteLength") == 3)
    }

    @Test func manualFindingHasNoFixAndSaysWhy() throws {
        let sample = try Sample(Self.source)
        let finding = try sample.finding("RK004", at: "key", message: "reused", remedy: .manual(reason: "split it"))
        let result = try objects(try run([finding]).array("results"))[0]
        #expect(result["fixes"] == nil)
        #expect(try result.object("message").string("text") == "reused\nManual migration: split it")
    }

    /// A fix without any edit would be an empty `artifactChanges`, which SARIF forbids.
    @Test func fixWithoutEditsIsLeftOut() throws {
        let sample = try Sample(Self.source)
        let fix = Fix(title: "nothing", applicability: .safe, edits: ["src/model.py": []])
        let result = try objects(try run([try sample.finding("RK001", at: "key", remedy: .fix(fix))]).array("results"))[0]
        #expect(result["fixes"] == nil)
    }

    @Test func diagnosticsBecomeNotifications() throws {
        let run = try run(
            [],
            [
                Diagnostic(path: "b.py", message: "skipped: not valid UTF-8"),
                Diagnostic(path: "a.py", message: "fix not applied", severity: .warning),
            ])
        let invocation = try objects(run.array("invocations"))[0]
        #expect(invocation["executionSuccessful"] as? Bool == false)
        let notes = try objects(invocation.array("toolExecutionNotifications"))
        #expect(try notes.map { try $0.string("level") } == ["warning", "error"])
        #expect(try notes.map { try $0.object("message").string("text") } == ["fix not applied", "skipped: not valid UTF-8"])
        let uri = try objects(notes[1].array("locations"))[0].object("physicalLocation").object("artifactLocation").string("uri")
        #expect(uri == "b.py")
    }

    @Test func warningsAloneKeepTheRunSuccessful() throws {
        let run = try run([], [Diagnostic(path: "a.py", message: "fix not applied", severity: .warning)])
        #expect(try objects(run.array("invocations"))[0]["executionSuccessful"] as? Bool == true)
    }

    @Test(arguments: [
        ("src/model.py", "src/model.py", true),
        ("./src/model.py", "src/model.py", true),
        ("my dir/a#b%c.py", "my%20dir/a%23b%25c.py", true),
        ("模型/ü.py", "%E6%A8%A1%E5%9E%8B/%C3%BC.py", true),
        ("a:b.py", "a%3Ab.py", true),
        ("back\\slash.py", "back%5Cslash.py", true),
        ("tab\there?.py", "tab%09here%3F.py", true),
        ("../up.py", "../up.py", true),
        ("/work/project/src/m.py", "src/m.py", true),
        ("/elsewhere/m y.py", "file:///elsewhere/m%20y.py", false),
        ("/work/projectile/m.py", "file:///work/projectile/m.py", false),
    ])
    func artifactURIs(_ path: String, _ uri: String, _ relative: Bool) throws {
        let sample = try Sample(Self.source, path: path)
        let run = try run([try sample.finding("RK001", at: "key")])
        let location = try objects(objects(run.array("results"))[0].array("locations"))[0]
            .object("physicalLocation").object("artifactLocation")
        #expect(try location.string("uri") == uri)
        #expect((location["uriBaseId"] as? String) == (relative ? "%SRCROOT%" : nil))
    }

    @Test func sourceRootIsPercentEncodedWithATrailingSlash() throws {
        let run = try run([], cwd: "/home/me/my project/")
        #expect(try run.object("originalUriBaseIds").object("%SRCROOT%").string("uri") == "file:///home/me/my%20project/")
    }
}
