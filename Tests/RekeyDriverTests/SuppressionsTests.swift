import RekeyDriver
import RekeyRules
import RekeySyntax
import RekeyTestSupport
import Testing

@Suite("Suppression comments")
struct SuppressionsTests {
    // MARK: Reading directives

    struct Parsed: Equatable, CustomStringConvertible {
        let kind: SuppressionDirective.Kind
        let codes: [RuleCode]?
        let text: String
        var description: String { "\(kind) \(codes.map { $0.map(\.rawValue).joined(separator: ",") } ?? "*") \(text)" }
    }

    static let rekey = SuppressionDirective.Kind.rekey
    static let noqa = SuppressionDirective.Kind.noqa

    static let directiveCases: [(String, [Parsed])] = [
        ("# rekey: ignore", [Parsed(kind: rekey, codes: nil, text: "# rekey: ignore")]),
        ("#rekey:ignore", [Parsed(kind: rekey, codes: nil, text: "#rekey:ignore")]),
        ("# REKEY: Ignore  -- shared on purpose", [Parsed(kind: rekey, codes: nil, text: "# REKEY: Ignore")]),
        ("# rekey: ignore[RK004,RK005]", [Parsed(kind: rekey, codes: ["RK004", "RK005"], text: "# rekey: ignore[RK004,RK005]")]),
        ("# rekey: ignore[ rk004 , RK005 ]", [Parsed(kind: rekey, codes: ["RK004", "RK005"], text: "# rekey: ignore[ rk004 , RK005 ]")]),
        ("# rekey: ignore [RK004]", [Parsed(kind: rekey, codes: ["RK004"], text: "# rekey: ignore [RK004]")]),
        ("# noqa", [Parsed(kind: noqa, codes: nil, text: "# noqa")]),
        ("# NOQA", [Parsed(kind: noqa, codes: nil, text: "# NOQA")]),
        ("# noqa:", [Parsed(kind: noqa, codes: nil, text: "# noqa")]),
        ("# noqa: RK004", [Parsed(kind: noqa, codes: ["RK004"], text: "# noqa: RK004")]),
        ("# noqa: RK004, RK005", [Parsed(kind: noqa, codes: ["RK004", "RK005"], text: "# noqa: RK004, RK005")]),
        ("# noqa:RK004,RK005", [Parsed(kind: noqa, codes: ["RK004", "RK005"], text: "# noqa:RK004,RK005")]),
        ("# noqa: RK004 RK005", [Parsed(kind: noqa, codes: ["RK004", "RK005"], text: "# noqa: RK004 RK005")]),
        ("# noqa: RK004 reused on purpose", [Parsed(kind: noqa, codes: ["RK004"], text: "# noqa: RK004")]),
        ("# noqa: E501, rk004, F401", [Parsed(kind: noqa, codes: ["RK004"], text: "# noqa: E501, rk004, F401")]),
        ("# type: ignore  # noqa: RK004", [Parsed(kind: noqa, codes: ["RK004"], text: "# noqa: RK004")]),
        (
            "# rekey: ignore[RK004]  # noqa: RK005",
            [
                Parsed(kind: rekey, codes: ["RK004"], text: "# rekey: ignore[RK004]"),
                Parsed(kind: noqa, codes: ["RK005"], text: "# noqa: RK005"),
            ]
        ),
        // Not rekey's, or not directives at all.
        ("# noqa: E501", []),
        ("# noqa: E501 F401", []),
        ("# noqa-ish", []),
        ("# noqa_thing", []),
        ("# see noqa docs", []),
        ("# rekey ignore", []),
        ("# rekey: ignored", []),
        ("# rekey: ignore-me", []),
        ("# rekey: ignore[RK004", []),
        ("# rekey: ignore[]", []),
        ("# rekey: ignore[RK004;RK005]", []),
        ("# rekey: ignore[RK004,]", []),
        ("# rekey: ignore[all]", []),
        ("# rekeyed: ignore", []),
        ("# a comment", []),
    ]

    @Test(arguments: directiveCases)
    func readsDirectives(_ comment: String, _ expected: [Parsed]) {
        let parsed = Suppressions.directives(inComment: comment).map { Parsed(kind: $0.kind, codes: $0.codes, text: $0.text) }
        #expect(parsed == expected)
    }

    // MARK: Silencing findings (RK001 alone: a rule whose findings these snippets pin down)

    static func importTimeKey(_ comment: String) -> String {
        """
        import jax

        key = jax.random.PRNGKey(0)\(comment)


        def f():
            return jax.random.normal(key, (2,))

        """
    }

    func rk001(_ text: String, reportUnused: Bool = false, selection: RuleSelection = .all) throws -> [String] {
        summary(try check(text, rules: [importTimeKeyRule], selection: selection, reportUnused: reportUnused).findings)
    }

    @Test func theUnsuppressedSnippetHasAFinding() throws {
        #expect(try rk001(Self.importTimeKey("")).count == 1)
        #expect(try rk001(Self.importTimeKey("  # a comment")).count == 1)
    }

    @Test(arguments: [
        "  # rekey: ignore", "  # rekey: ignore[RK001]", "  # rekey: ignore[RK004, RK001]", "  # noqa",
        "  # noqa: RK001", "  # noqa: RK004, RK001", "  # NOQA:RK001", "  # noqa: E501, RK001",
        "  # type: ignore  # rekey: ignore[RK001]",
    ])
    func directiveOnTheLineSilences(_ comment: String) throws {
        #expect(try rk001(Self.importTimeKey(comment)) == [])
    }

    @Test(arguments: [
        "  # rekey: ignore[RK004]", "  # noqa: RK004", "  # noqa: RK0010", "  # noqa: E501",
        "  # rekey: ignore[RK001", "  # rekey ignore", "  # norekey: ignore[RK001]x",
    ])
    func otherCodesOrMalformedDoNotSilence(_ comment: String) throws {
        #expect(try rk001(Self.importTimeKey(comment)).count == 1)
    }

    @Test func directiveInsideAStringDoesNotSilence() throws {
        let text = """
            import jax

            note = "# noqa"; k3 = jax.random.PRNGKey(3)
            tag = '# rekey: ignore[RK001]'; k4 = jax.random.PRNGKey(4)
            doc = '''
            # rekey: ignore
            '''; k5 = jax.random.PRNGKey(5)

            """
        let found = try rk001(text)
        #expect(found.count == 3, "\(found)")
        // The same keys with real comments are silenced: the strings above are what kept them.
        let commented =
            text
            .replacingOccurrences(of: "PRNGKey(3)", with: "PRNGKey(3)  # noqa")
            .replacingOccurrences(of: "PRNGKey(4)", with: "PRNGKey(4)  # rekey: ignore[RK001]")
            .replacingOccurrences(of: "PRNGKey(5)", with: "PRNGKey(5)  # rekey: ignore")
        #expect(try rk001(commented) == [])
    }

    @Test func directiveOnAnotherLineDoesNotSilence() throws {
        let text = """
            import jax

            # rekey: ignore
            key = jax.random.PRNGKey(0)
            x = 1  # noqa: RK001

            """
        #expect(try rk001(text).count == 1)
    }

    @Test(arguments: [
        // On the statement's first line, its last line, or the finding's own line.
        "key = jax.random.PRNGKey(  # noqa: RK001\n    0,\n)\n",
        "key = jax.random.PRNGKey(\n    0,\n)  # noqa: RK001\n",
        "x = 1; key = jax.random.PRNGKey(\n    0)  # rekey: ignore\n",
    ])
    func multiLineStatement(_ statement: String) throws {
        let text = "import jax\n\n" + statement
        #expect(try rk001(text) == [])
        let uncommented = text.replacing(#/ +#[^\n]*/#, with: "")
        #expect(try rk001(uncommented).count == 1)
    }

    @Test func commentInsideAStatementCoversOnlyItsOwnLine() throws {
        let text = "import jax\n\nkey = jax.random.PRNGKey(\n    0,  # noqa: RK001\n)\n"
        #expect(try rk001(text).count == 1)
    }

    /// Hand-made findings, so the line rules are pinned down whatever the rules report.
    static let statements = """
        import jax
        params = model.init(
            jax.random.normal(key, (2,)),
            jax.random.normal(key, (3,)),
        )
        def f(
            key=jax.random.PRNGKey(0),
        ):
            return key

        """

    func remaining(_ comments: [Int: String], findingAt needle: String) throws -> Int {
        var lines = Self.statements.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (line, comment) in comments { lines[line - 1] += "  " + comment }
        let sample = try Sample(lines.joined(separator: "\n"))
        let finding = try sample.finding("RK004", at: needle)
        return Suppressions.apply([finding], tree: sample.tree, selection: .all, ruleCodes: ["RK004"], reportUnused: false).count
    }

    @Test func simpleStatementLinesCoverAFindingInside() throws {
        let second = "jax.random.normal(key, (3,))"
        #expect(try remaining([:], findingAt: second) == 1)
        #expect(try remaining([4: "# noqa: RK004"], findingAt: second) == 0, "the finding's own line")
        #expect(try remaining([2: "# noqa: RK004"], findingAt: second) == 0, "the statement's first line")
        #expect(try remaining([5: "# rekey: ignore"], findingAt: second) == 0, "the statement's last line")
        #expect(try remaining([3: "# noqa: RK004"], findingAt: second) == 1, "another line inside the statement")
        #expect(try remaining([2: "# noqa: RK005"], findingAt: second) == 1, "another code")
        #expect(try remaining([1: "# noqa"], findingAt: second) == 1, "the line before")
    }

    @Test func compoundStatementHeadersAreNotExtended() throws {
        let parameter = "jax.random.PRNGKey(0)"
        #expect(try remaining([7: "# noqa: RK004"], findingAt: parameter) == 0)
        #expect(try remaining([6: "# noqa: RK004"], findingAt: parameter) == 1)
        #expect(try remaining([8: "# noqa: RK004"], findingAt: parameter) == 1)
    }

    @Test func suppressedFindingIsNotFixed() throws {
        let project = try Project([
            "plain.py": Self.importTimeKey(""),
            "silenced.py": Self.importTimeKey("  # rekey: ignore[RK001]"),
        ])
        defer { project.remove() }
        #expect(project.fix("plain.py", rules: [importTimeKeyRule]).changes.count == 1)
        let silenced = project.fix("silenced.py", rules: [importTimeKeyRule])
        #expect(silenced.changes.isEmpty)
        #expect(silenced.applied.isEmpty)
        #expect(silenced.remaining.isEmpty)
    }

    /// Every rule's documented bad example, with a directive appended to each line a finding
    /// starts on, reports nothing for that rule; with another code, it reports the same.
    @Test func everyRuleIsSilencedByEachSyntax() throws {
        for rule in RuleRegistry.all {
            let code = rule.code
            for example in type(of: rule).description.examples {
                let findings = try check(example.bad).findings.filter { $0.code == code }
                guard !findings.isEmpty else { continue }
                let lines = Set(findings.map(\.start.line))
                let wrongCode: RuleCode = code == "RK004" ? "RK005" : "RK004"
                for directive in ["# rekey: ignore", "# rekey: ignore[\(code)]", "# noqa: \(code)", "# noqa", "# noqa: \(wrongCode)"] {
                    let text = example.bad.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
                        .map {
                            lines.contains($0.offset + 1) && !$0.element.hasSuffix("\\")
                                ? "\($0.element)  \(directive)" : String($0.element)
                        }
                        .joined(separator: "\n")
                    let after = try check(text).findings.filter { $0.code == code }
                    if directive.hasSuffix(wrongCode.rawValue) {
                        #expect(after.count == findings.count, "\(code) with `\(directive)`:\n\(text)")
                    } else {
                        #expect(after.isEmpty, "\(code) with `\(directive)` still reports \(summary(after)):\n\(text)")
                    }
                }
            }
        }
    }

    // MARK: RK100 unused-suppression

    @Test func unusedIsReportedOnlyWhenAsked() throws {
        let text = Self.importTimeKey("  # rekey: ignore[RK001]") + "x = 1  # rekey: ignore[RK004, RK001]\n"
        #expect(try rk001(text) == [])
        let reported = try check(text, rules: [importTimeKeyRule], reportUnused: true).findings
        #expect(summary(reported) == ["RK100 8:8 unused suppression `# rekey: ignore[RK004, RK001]` (unused: RK001)"])
        #expect(reported.first?.fix == nil)
        // The finding spans the whole comment.
        #expect(reported.first?.end == SourcePosition(line: 8, column: 37))
    }

    @Test func unusedAndUnknownCodes() throws {
        let text = """
            import jax

            key = jax.random.PRNGKey(0)  # noqa: RK001, RK999
            y = 2  # noqa: E501, RK001, RK998

            """
        #expect(
            try rk001(text, reportUnused: true) == [
                "RK100 3:30 unused suppression `# noqa: RK001, RK999` (unknown: RK999)",
                "RK100 4:8 unused suppression `# noqa: E501, RK001, RK998` (unused: RK001; unknown: RK998)",
            ])
    }

    @Test func blanketDirectives() throws {
        let text = """
            import jax

            a = 1  # rekey: ignore
            b = 2  # noqa
            c = 3  # noqa: E501
            key = jax.random.PRNGKey(0)  # rekey: ignore

            """
        // A bare `# noqa` and other tools' codes may be meant for other tools: never reported.
        #expect(try rk001(text, reportUnused: true) == ["RK100 3:8 unused suppression `# rekey: ignore` suppresses nothing"])
    }

    /// Files rekey does not parse (no JAX randomness cue in their bytes) are not looked at.
    @Test func filesWithoutAJaxCueAreNotLookedAt() throws {
        #expect(try rk001("import jax\n\nb = 2  # noqa: RK001\n", reportUnused: true) == [])
        #expect(try rk001("import jax.random\n\nb = 2  # noqa: RK001\n", reportUnused: true).count == 1)
    }

    @Test func codesOfDisabledRulesAreNotJudged() throws {
        let text = """
            import jax.random

            a = 1  # rekey: ignore
            b = 2  # noqa: RK001

            """
        let ignoreRK001 = RuleSelection(selected: nil, ignored: ["RK001"])
        #expect(try rk001(text, reportUnused: true, selection: ignoreRK001) == [])
        #expect(try rk001(text, reportUnused: true).count == 2)
    }

    @Test func rk100FollowsSelection() throws {
        let text = "import jax.random\n\nb = 2  # noqa: RK001\n"
        #expect(try rk001(text, reportUnused: true, selection: RuleSelection(selected: nil, ignored: ["RK100"])) == [])
        #expect(try rk001(text, reportUnused: true, selection: RuleSelection(selected: ["RK001"], ignored: [])) == [])
        // What --report-unused-suppressions does under --select.
        let selectedWithFlag = RuleSelection(selected: ["RK001"], ignored: []).including("RK100")
        #expect(try rk001(text, reportUnused: true, selection: selectedWithFlag).count == 1)
    }

    @Test func directiveNamingRK100IsNotReported() throws {
        let text = "import jax.random\n\nb = 2  # noqa: RK001, RK100\nc = 3  # noqa: RK001  # rekey: ignore[RK100]\n"
        #expect(try rk001(text, reportUnused: true) == [])
        #expect(try rk001(text.replacingOccurrences(of: "RK100", with: "RK999"), reportUnused: true).count == 3)
    }

    @Test func unusedCountsWithMultiByteText() throws {
        let text = "import jax.random\n\ns = \"🎲🔑\"; b = 2  # noqa: RK001\n"
        #expect(try rk001(text, reportUnused: true) == ["RK100 3:18 unused suppression `# noqa: RK001` (unused: RK001)"])
    }
}
