/// Renders rule documentation: `rekey rule` prints it, and MIGRATION.md is this text, checked by
/// a test, so the guide, the CLI and the tests share one source: each rule's description.
public enum MigrationGuide {
    /// The guide's opening; each rule's section follows (see `RuleCatalog.migrationGuide`).
    public static let preamble = """
        # Migrating legacy JAX randomness with rekey

        JAX keys are single-use capabilities: every sampler and `jax.random.split` consumes the \
        key it is given, and reusing one draws correlated (often identical) numbers. Older code \
        breaks that rule in a few recurring ways; each is a rule below, with what it finds, why \
        it matters, a before/after pair, and how safe its automatic fix is. The examples are run \
        by rekey's test suite, so they are exactly what `rekey fix` does.

        This file is generated from the rules' own descriptions: `rekey rule --all --format markdown`.

        """

    public static func section(_ rule: RuleDescription) -> String {
        var out = """
            ## \(rule.code) \(rule.name): \(rule.summary)

            **What it does.** \(rule.whatItDoes)

            **Why is this bad?** \(rule.whyBad)

            **Fix safety.** \(rule.fixSafety)

            """
        for (index, example) in rule.examples.enumerated() {
            let label = rule.examples.count > 1 ? " \(index + 1)" : ""
            out += "\n### Example\(label)\n\nBefore:\n\n```python\n\(example.bad)```\n"
            guard let good = example.good else { continue }
            if example.fixedByRekey {
                let note = example.unsafeFixes ? " (an unsafe fix: `rekey fix --unsafe-fixes`)" : ""
                out += "\nAfter\(note):\n\n```python\n\(good)```\n"
            } else {
                out += "\nUse instead (migrated by hand):\n\n```python\n\(good)```\n"
            }
        }
        return out
    }

}
