import RekeyDriver
import RekeyRules
import RekeyTestSupport
import Testing

@Suite("Rule selection")
struct RuleSelectionTests {
    static let known: [RuleCode] = ["RK001", "RK004", "RK005", "RK012", "RK100"]

    func selection(select: [String] = [], ignore: [String] = []) throws -> RuleSelection {
        try RuleSelection(select: select, ignore: ignore, known: Self.known)
    }

    func enabled(_ selection: RuleSelection) -> [RuleCode] {
        Self.known.filter(selection.isEnabled)
    }

    @Test func nothingGivenEnablesEverything() throws {
        #expect(enabled(try selection()) == Self.known)
        #expect(try selection() == .all)
    }

    @Test func commaSeparatedAndRepeated() throws {
        #expect(enabled(try selection(select: ["RK001,RK004", "RK100"])) == ["RK001", "RK004", "RK100"])
        #expect(enabled(try selection(select: [" rk001 , RK005,"])) == ["RK001", "RK005"])
    }

    @Test func ignoreWinsOverSelect() throws {
        #expect(enabled(try selection(ignore: ["RK005"])) == ["RK001", "RK004", "RK012", "RK100"])
        #expect(enabled(try selection(select: ["RK001,RK005"], ignore: ["RK005"])) == ["RK001"])
    }

    @Test func prefixesAndAll() throws {
        #expect(enabled(try selection(select: ["RK00"])) == ["RK001", "RK004", "RK005"])
        #expect(enabled(try selection(select: ["RK"], ignore: ["RK1"])) == ["RK001", "RK004", "RK005", "RK012"])
        #expect(enabled(try selection(select: ["all"], ignore: ["RK01"])) == ["RK001", "RK004", "RK005", "RK100"])
    }

    @Test(arguments: ["RK999", "RK0010", "E501", "RK00X"])
    func unknownCodeIsAnError(_ code: String) throws {
        #expect(throws: RuleSelection.UnknownCode.self) { try selection(select: ["RK001,\(code)"]) }
        let error = #expect(throws: RuleSelection.UnknownCode.self) { try selection(ignore: [code]) }
        #expect(error?.option == "--ignore")
        #expect(error?.code == code)
        #expect(error?.description.contains("RK001, RK004, RK005, RK012, RK100") == true)
    }

    @Test func includingAddsToASelectButNotPastAnIgnore() throws {
        #expect(enabled(try selection(select: ["RK004"]).including("RK100")) == ["RK004", "RK100"])
        #expect(enabled(try selection(ignore: ["RK100"]).including("RK100")) == ["RK001", "RK004", "RK005", "RK012"])
        #expect(try selection().including("RK100") == .all)
    }

    @Test func knownCodesAreTheRegistryAndRK100() {
        let expected = Set(RuleRegistry.all.map(\.code)).union(["RK100"])
        #expect(Set(RuleSelection.knownCodes) == expected)
        #expect(RuleSelection.knownCodes == RuleSelection.knownCodes.sorted())
    }

    // MARK: Through the engine

    static let twoKeys = """
        import jax

        key = jax.random.PRNGKey(0)


        def f():
            return jax.random.normal(key, (2,))

        """

    @Test func ignoredRuleReportsNothing() throws {
        let all = try check(Self.twoKeys, rules: [importTimeKeyRule])
        #expect(all.findings.map(\.code) == ["RK001"])
        let ignored = try check(Self.twoKeys, rules: [importTimeKeyRule], selection: RuleSelection(selected: nil, ignored: ["RK001"]))
        #expect(ignored.findings.isEmpty)
        let other = try check(Self.twoKeys, rules: [importTimeKeyRule], selection: RuleSelection(selected: ["RK004"], ignored: []))
        #expect(other.findings.isEmpty)
        let selected = try check(Self.twoKeys, rules: [importTimeKeyRule], selection: RuleSelection(selected: ["RK001"], ignored: []))
        #expect(summary(selected.findings) == summary(all.findings))
    }

    @Test func ignoredRuleIsNotFixed() throws {
        let project = try Project(["snippet.py": Self.twoKeys])
        defer { project.remove() }
        #expect(project.fix(rules: [importTimeKeyRule]).changes.count == 1)
        let ignored = project.fix(rules: [importTimeKeyRule], selection: RuleSelection(selected: nil, ignored: ["RK001"]))
        #expect(ignored.changes.isEmpty)
        #expect(ignored.applied.isEmpty)
        #expect(ignored.remaining.isEmpty)
    }
}
