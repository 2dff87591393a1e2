import Foundation
import RekeyEdits
import RekeyRules
import RekeyTestSupport
import Testing

@testable import RekeyDriver

/// The check cache gives back exactly the report it was given, and only for the same inputs
/// (the CLI tests cover what counts as an input: Tests/cli/test_check_cache.py).
@Suite("check cache")
struct CheckCacheTests {
    static let files = [
        "pkg/seeds.py": "import jax\n\nKEY = jax.random.PRNGKey(0)\n",
        "pkg/model.py":
            "import jax\n\nfrom .seeds import KEY\n\n\ndef weights():\n    a = jax.random.normal(KEY, (2,))\n    return a + jax.random.normal(KEY, (2,))\n",
        "pkg/broken.py": "import jax.random\ndef f(:\n",
    ]

    /// Everything a report says about a finding, comparable.
    static func summary(_ finding: Finding) -> String {
        var parts = [
            finding.code.rawValue, finding.path, "\(finding.range)", "\(finding.start)-\(finding.end)", finding.message,
            finding.fingerprint, finding.touchedSymbols.sorted().joined(separator: ","),
        ]
        switch finding.remedy {
        case .manual(let reason): parts.append("manual: \(reason)")
        case .fix(let fix):
            parts.append("\(fix.title) \(fix.applicability) \(fix.publicAPI)")
            for (path, edits) in fix.edits.sorted(by: { $0.key < $1.key }) {
                parts += edits.map { "\(path) \($0.range) \($0.replacement)" }
            }
        }
        return parts.joined(separator: "|")
    }

    @Test func keptReportIsTheReportForTheSameInputsOnly() throws {
        try TemporaryTree.with(Self.files) { tree in
            var options = Engine.Options(unsafeFixes: true, jobs: 1)
            options.cache = CheckCache(directory: tree.path(".rekey_cache"))
            let paths = [tree.path("pkg")]
            let cold = Engine(options: options).check(paths: paths)
            #expect(!cold.fromCache && cold.findings.contains { $0.fix != nil } && !cold.diagnostics.isEmpty)
            let warm = Engine(options: options).check(paths: paths)
            #expect(warm.fromCache && warm.filesParsed == 0)
            #expect(warm.findings.map(Self.summary) == cold.findings.map(Self.summary))
            #expect(warm.diagnostics == cold.diagnostics)
            #expect((warm.filesSeen, warm.bytesSeen) == (cold.filesSeen, cold.bytesSeen))

            var safeOnly = options
            safeOnly.unsafeFixes = false
            #expect(!Engine(options: safeOnly).check(paths: paths).fromCache, "other options, another entry")

            try tree.write(Self.files["pkg/seeds.py"]! + "\n", to: "pkg/seeds.py")
            let edited = Engine(options: options).check(paths: paths)
            #expect(!edited.fromCache)
            #expect(Engine(options: options).check(paths: paths).fromCache)
        }
    }
}
