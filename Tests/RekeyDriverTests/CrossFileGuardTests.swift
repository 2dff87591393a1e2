import Foundation
import RekeyTestSupport
import Testing

@testable import RekeyDriver

/// The cross-file guard shares the files whose fixes change names other files use among the
/// workers: each worker replans with its own view of the project, so the findings must not depend
/// on how many there are.
@Suite struct CrossFileGuardTests {
    /// Four modules, each with a key made at import time that another module reads and a third
    /// calls through a function; a fourth imports it for its name only (no analysis reads it, so
    /// the guard reads its imports itself).
    static let project: [String: String] = ["pkg/__init__.py": ""].merging(
        ["a", "b", "c", "d"].flatMap { module in
            [
                (
                    "pkg/\(module).py",
                    "import jax\n\nKEY = jax.random.PRNGKey(0)\n\n\ndef draw():\n    return jax.random.normal(KEY, (2,))\n"
                ),
                ("pkg/use_\(module).py", "from pkg.\(module) import KEY, draw\n\n\ndef run():\n    return draw(), KEY\n"),
                ("pkg/call_\(module).py", "from pkg.\(module) import draw\n\n\ndef main():\n    return draw()\n"),
                ("pkg/name_\(module).py", "import pkg.\(module)\n\nNAME = pkg.\(module).__name__\n"),
            ]
        }
    ) { first, _ in first }

    @Test func replanningOnTwoWorkersGivesWhatOneGives() throws {
        try TemporaryTree.with(Self.project, prefix: "rekey-guard") { tree in
            let reports = [1, 2].map { jobs in Engine(options: .init(unsafeFixes: true, jobs: jobs)).check(paths: [tree.root.path]) }
            let rendered = reports.map { JSONReport.render(findings: $0.findings, diagnostics: $0.diagnostics) }
            #expect(rendered[0] == rendered[1])
            // The guard did replan: each module's fix now also updates the callers in the other files.
            let moduleKeyFixes = reports[1].findings.filter { $0.code == "RK001" }.compactMap(\.fix)
            #expect(moduleKeyFixes.count == 4)
            for fix in moduleKeyFixes {
                let edited = Set(fix.edits.keys.map { ($0 as NSString).lastPathComponent })
                #expect(edited.contains { $0.hasPrefix("call_") } && edited.contains { $0.hasPrefix("use_") }, "\(edited)")
            }
        }
    }
}
