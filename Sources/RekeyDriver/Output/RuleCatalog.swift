import RekeyRules

/// What a report says about one rule code. Writers look codes up here so they work for whatever
/// rules the registry holds.
public struct RuleInfo: Sendable {
    public let code: RuleCode
    /// Kebab-case name (`import-time-key`).
    public let name: String
    /// One line.
    public let summary: String
    /// A paragraph: what the rule finds.
    public let fullDescription: String
    /// The rule's documentation in markdown (what `rekey rule CODE --format markdown` prints).
    public let helpMarkdown: String
    /// The fragment of the rule's section in MIGRATION.md.
    public let anchor: String
}

public enum RuleCatalog {
    /// Every code, in code order, each once.
    public static var all: [RuleInfo] {
        var seen = Set<RuleCode>()
        var infos: [RuleInfo] = []
        for rule in RuleRegistry.all {
            let description = type(of: rule).description
            guard seen.insert(description.code).inserted else { continue }
            infos.append(
                RuleInfo(
                    code: description.code, name: description.name, summary: description.summary,
                    fullDescription: description.whatItDoes, helpMarkdown: MigrationGuide.section(description),
                    anchor: MigrationGuide.anchor(description)))
        }
        return infos.sorted { $0.code < $1.code }
    }

    /// Every rule and every pass as JSON (`rekey rule --all --format json`): for tools, and for
    /// the fixture tests, which learn from it which rules a pass's fixture group exercises.
    public static var json: String {
        JSONValue.object([
            .init(
                "rules",
                .array(
                    all.map { rule in
                        .object([
                            .init("code", .string(rule.code.rawValue)), .init("name", .string(rule.name)),
                            .init("summary", .string(rule.summary)),
                        ])
                    })),
            .init(
                "passes",
                .array(
                    PassCatalogue.all.map { pass in
                        .object([
                            .init("title", .string(pass.title)),
                            .init("rules", .array(pass.rules.map { .string($0.rawValue) })),
                            .init("fixture_group", .string(pass.fixtureGroup)),
                            .init("summary", .string(pass.summary)),
                        ])
                    })),
        ]).rendered()
    }

    /// MIGRATION.md: the guide's preamble, then every code's section.
    public static var migrationGuide: String {
        MigrationGuide.preamble + all.map { "\n" + $0.helpMarkdown }.joined()
    }

    /// One line per code: `RK001  import-time-key  PRNG key created at import time`.
    public static var index: String {
        all.map { "\($0.code)  \($0.name)  \($0.summary)" }.joined(separator: "\n") + "\n"
    }

    /// The kebab-case name of `code`, or "" for a code no rule declares.
    public static func name(of code: RuleCode) -> String {
        return RuleRegistry.rule(code).map { type(of: $0).description.name } ?? ""
    }
}
