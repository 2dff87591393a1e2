import Foundation
import RekeyDriver
import RekeyRules
import Testing

/// MIGRATION.md is generated from the rules' own descriptions (the same examples the rule tests
/// run); this keeps the committed file from drifting from them.
@Suite struct MigrationGuideTests {
    @Test func migrationGuideIsTheGeneratedOne() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let committed = try String(contentsOf: root.appendingPathComponent("MIGRATION.md"), encoding: .utf8)
        #expect(
            committed == RuleCatalog.migrationGuide,
            "MIGRATION.md is stale: regenerate it with `rekey rule --all --format markdown > MIGRATION.md`")
    }

    @Test func everyCodeHasASection() {
        for info in RuleCatalog.all {
            #expect(RuleCatalog.migrationGuide.contains("## \(info.code) \(info.name)"))
        }
    }
}

/// The catalogue of passes is what the guide and the fixture tests read: it must name only rules
/// that exist, and every rule whose examples rekey fixes must be served by a pass.
@Suite struct PassCatalogueTests {
    @Test func passesServeExistingRulesAndEveryFixedRuleHasAPass() {
        let codes = Set(RuleRegistry.all.map(\.code))
        let served = Set(PassCatalogue.all.flatMap(\.rules))
        #expect(served.isSubset(of: codes), "\(served.subtracting(codes))")
        let fixed = RuleRegistry.all.filter { rule in
            type(of: rule).description.examples.contains { $0.good != nil && $0.fixedByRekey }
        }.map(\.code)
        #expect(Set(fixed).isSubset(of: served), "\(Set(fixed).subtracting(served))")
    }
}
