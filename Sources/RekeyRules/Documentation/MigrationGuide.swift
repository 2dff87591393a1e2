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

        ## The passes

        Each rule's fix is made by one of these passes; the before/after pairs under the rules \
        show them.

        \(passList)
        A fix is **safe** when every entry point computes the same values as before, **unsafe** \
        when the random stream changes (a split, a key that used to be shared; applied with \
        `--unsafe-fixes`); a site rekey cannot rewrite is reported with the reason, and \
        `rekey fix --report FILE` lists every such site.

        Whatever its tier, a fix is kept only if every call in the project of a function whose \
        signature it changes still binds, each argument to the parameter it went to before, and \
        no test, fixture or other launcher-run function gains a required parameter; otherwise it \
        is refused with the call it would break. A fix that changes a library's public names (a \
        function, method or class outside tests and examples whose name does not start with \
        `_`, or a name in `__all__`) is never safe, since callers outside the tree cannot be \
        seen: the summary and the report name each public name changed.

        """

    /// The numbered list of passes, from each pass's description.
    static var passList: String {
        PassCatalogue.all.enumerated().map { index, pass in
            "\(index + 1). **\(pass.title)** (\(pass.rules.map(\.rawValue).joined(separator: ", "))): \(pass.summary)\n"
        }.joined()
    }

    /// The rule's section title, as `section` writes it after `## `.
    static func heading(_ rule: RuleDescription) -> String {
        "\(rule.code) \(rule.name): \(rule.summary)"
    }

    /// The fragment that links to the rule's section, as GitHub and GitLab derive it from the
    /// heading: lower case, punctuation other than `-` and `_` dropped, spaces as `-`.
    public static func anchor(_ rule: RuleDescription) -> String {
        String(
            heading(rule).lowercased().unicodeScalars.compactMap { scalar -> Character? in
                if scalar == " " { return "-" }
                let kept = scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar == "-" || scalar == "_"
                return kept ? Character(scalar) : nil
            })
    }

    public static func section(_ rule: RuleDescription) -> String {
        var out = """
            ## \(heading(rule))

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
