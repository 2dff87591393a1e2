/// RK100 — a suppression comment that silences nothing.
///
/// Its findings judge the other rules' findings against the file's suppression comments, so they
/// exist only once every other rule has run: the driver's `Suppressions` reports them, with
/// `--report-unused-suppressions`, under this rule's code and documentation. `check` alone finds
/// nothing.
public struct UnusedSuppression: Rule {
    public static let description = RuleDescription(
        code: "RK100",
        name: "unused-suppression",
        summary: "suppression comment that suppresses nothing",
        whatItDoes: """
            With `rekey check --report-unused-suppressions`, reports a `# rekey: ignore` or \
            `# noqa: RK…` directive that silenced no finding on its line: a blanket \
            `# rekey: ignore` that covered nothing, codes in a list that had no finding there \
            (`unused: RK005`), or codes rekey does not know (listed after `unknown:`). Not reported: a \
            bare `# noqa` and `# noqa` codes of other tools (they may be meant for flake8 or \
            ruff), codes of rules turned off with `--select`/`--ignore`, a blanket directive \
            while any rule is off, files rekey does not analyse, and a comment whose directive \
            names RK100 itself. The flag selects RK100 even under `--select`; `--ignore RK100` \
            still turns it off.
            """,
        whyBad: """
            A stale suppression hides the next real finding on its line, and tells readers a \
            problem exists that does not (ruff's RUF100, unused-noqa).
            """,
        fixSafety: """
            No automatic fix: delete the directive, or the codes it no longer needs.
            """,
        examples: [
            RuleExample(
                bad: """
                    import jax


                    def noise(key, x):
                        return x + jax.random.normal(key, x.shape)  # noqa: RK004

                    """,
                good: """
                    import jax


                    def noise(key, x):
                        return x + jax.random.normal(key, x.shape)

                    """,
                fixedByRekey: false)
        ])

    public init() {}

    public func check(_ file: FileContext) -> [Finding] { [] }
}
