import Foundation
import RekeyDriver
import Testing

/// MIGRATION.md is generated from the rules' own descriptions (the same examples the rule tests
/// run); this keeps the committed file from drifting from them.
@Suite struct MigrationGuideTests {
    @Test func migrationGuideIsTheGeneratedOne() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let committed = try String(contentsOf: root.appendingPathComponent("MIGRATION.md"), encoding: .utf8)
        #expect(committed == RuleCatalog.migrationGuide,
                "MIGRATION.md is stale: regenerate it with `rekey rule --all --format markdown > MIGRATION.md`")
    }

    @Test func everyCodeHasASection() {
        for info in RuleCatalog.all {
            #expect(RuleCatalog.migrationGuide.contains("## \(info.code) \(info.name)"))
        }
    }
}
