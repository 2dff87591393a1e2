import RekeyDriver
import RekeyRules
import Testing

/// One example from one rule's documentation, as a test argument.
struct ExampleCase: Sendable, CustomTestStringConvertible {
    let code: RuleCode
    let number: Int
    let example: RuleExample

    var testDescription: String { "\(code) example \(number)" }

    /// What `rekey fix` must leave: the good example when rekey writes it, else the bad one untouched.
    var rekeyOutput: String { example.fixedByRekey ? example.good ?? example.bad : example.bad }

    static let all: [ExampleCase] = RuleRegistry.all.flatMap { rule in
        type(of: rule).description.examples.enumerated().map {
            ExampleCase(code: rule.code, number: $0.offset + 1, example: $0.element)
        }
    }

    static let withGood = all.filter { $0.example.good != nil }
    static let fixedByRekey = withGood.filter(\.example.fixedByRekey)
}

/// SwiftLint's rule: the examples in a rule's description are its first tests. `bad` triggers
/// the rule and rewrites to `good`; `good` triggers nothing; and each example means the same
/// after mutations that must not matter (multi-byte text before it, CRLF, tabs), and nothing at
/// all inside a string or a comment.
@Suite("Examples are tests")
struct ExamplesAreTests {
    @Test func everyRuleDocumentsAGoodExample() {
        for rule in RuleRegistry.all {
            let examples = type(of: rule).description.examples
            #expect(examples.contains { $0.good != nil }, "\(rule.code) has no bad/good pair")
        }
        #expect(!ExampleCase.all.isEmpty)
    }

    @Test(arguments: ExampleCase.all)
    func badTriggersTheRule(_ example: ExampleCase) throws {
        let findings = try Snippet(example.example.bad).findings(example.code)
        #expect(!findings.isEmpty, "\(example) does not trigger \(example.code)")
    }

    /// swift-format's check: a rule alone reports what it reports inside the whole pipeline. Not
    /// RK100, whose findings judge the other rules' findings.
    @Test(arguments: ExampleCase.all.filter { $0.code != UnusedSuppression.description.code })
    func ruleAloneReportsWhatThePipelineReports(_ example: ExampleCase) throws {
        let snippet = Snippet(example.example.bad)
        let rule = try #require(RuleRegistry.rule(example.code))
        let alone = try snippet.check(rules: [rule]).findings.map(Reported.init)
        let inPipeline = try snippet.findings(example.code).map(Reported.init)
        #expect(alone == inPipeline)
    }

    @Test(arguments: ExampleCase.fixedByRekey)
    func badFixesToGood(_ example: ExampleCase) throws {
        let fixed = try Snippet(example.example.bad).fix(unsafeFixes: example.example.unsafeFixes)
        #expect(fixed.text == example.example.good)
        #expect(fixed.report.diagnostics.map(\.description) == [])
        #expect(fixed.report.applied[example.code] ?? 0 >= 1)
        #expect(try fixed.snippet.treeSitterError == nil)
        #expect(try fixed.snippet.cpythonError == nil)
    }

    @Test(arguments: ExampleCase.withGood)
    func goodTriggersNothingAndStaysAsItIs(_ example: ExampleCase) throws {
        let good = Snippet(try #require(example.example.good))
        #expect(try good.findings(example.code).map(Reported.init) == [])
        let again = try good.fix(unsafeFixes: true)
        #expect(again.report.changes.isEmpty)
        #expect(again.text == good.text)
    }

    /// An example that asks for unsafe fixes must need them: with safe fixes only it stays bad.
    @Test(arguments: ExampleCase.fixedByRekey.filter(\.example.unsafeFixes))
    func unsafeExampleIsNotFixedWithoutUnsafeFixes(_ example: ExampleCase) throws {
        let bad = Snippet(example.example.bad)
        let fixes = try bad.findings(example.code).compactMap(\.fix)
        #expect(!fixes.isEmpty && fixes.allSatisfy { $0.applicability == .unsafe })
        let safeOnly = try bad.fix(unsafeFixes: false)
        #expect(safeOnly.text == bad.text)
    }

    @Test(arguments: ExampleCase.fixedByRekey.filter { !$0.example.unsafeFixes })
    func safeExampleHasASafeFix(_ example: ExampleCase) throws {
        let fixes = try Snippet(example.example.bad).findings(example.code).compactMap(\.fix)
        #expect(!fixes.isEmpty && fixes.allSatisfy { $0.applicability == .safe })
    }

    // MARK: Mutations

    @Test(arguments: ExampleCase.all)
    func multiBytePrefixMovesFindingsAndKeepsTheFix(_ example: ExampleCase) throws {
        let prefix = Mutation.multiBytePrefix
        let plain = try Snippet(example.example.bad).findings(example.code).map(Reported.init)
        let prefixed = try Snippet(prefix + example.example.bad).findings(example.code).map(Reported.init)
        #expect(!prefixed.isEmpty)
        #expect(prefixed == plain.map { $0.shifted(lines: Mutation.multiBytePrefixLines, bytes: prefix.utf8.count) })
        let fixed = try Snippet(prefix + example.example.bad).fix(unsafeFixes: example.example.unsafeFixes)
        #expect(fixed.text == prefix + example.rekeyOutput)
    }

    @Test(arguments: ExampleCase.all)
    func insideAStringNothingTriggers(_ example: ExampleCase) throws {
        let wrapped = Snippet(Mutation.insideString(example.example.bad))
        #expect(try wrapped.treeSitterError == nil)
        #expect(try wrapped.findings(example.code).map(Reported.init) == [])
        #expect(try wrapped.fix(unsafeFixes: true).report.changes.isEmpty)
    }

    /// Not RK100: a directive still stands in a commented-out line, and silences nothing there.
    @Test(arguments: ExampleCase.all.filter { $0.code != UnusedSuppression.description.code })
    func commentedOutNothingTriggers(_ example: ExampleCase) throws {
        let commented = Snippet(Mutation.commentedOut(example.example.bad))
        #expect(commented.text.contains("# import"))
        #expect(try commented.findings(example.code).map(Reported.init) == [])
        #expect(try commented.fix(unsafeFixes: true).report.changes.isEmpty)
    }

    @Test(arguments: ExampleCase.withGood)
    func crlfLineEndingsAreKept(_ example: ExampleCase) throws {
        let bad = Snippet(bytes: Mutation.crlf(example.example.bad))
        let plain = try Snippet(example.example.bad).findings(example.code).map { "\($0.start)-\($0.end) \($0.message)" }
        #expect(try bad.findings(example.code).map { "\($0.start)-\($0.end) \($0.message)" } == plain)
        let fixed = try bad.fix(unsafeFixes: example.example.unsafeFixes)
        // Compared as strings: a CRLF is one Character, so a lone LF cannot pass for one.
        #expect(fixed.text == Snippet(bytes: Mutation.crlf(example.rekeyOutput)).text)
        let good = Mutation.crlf(try #require(example.example.good))
        #expect(try Snippet(bytes: good).findings(example.code).isEmpty)
    }

    @Test(arguments: ExampleCase.withGood)
    func tabIndentationStaysTabs(_ example: ExampleCase) throws {
        let bad = Mutation.tabs(example.example.bad)
        let good = Mutation.tabs(example.rekeyOutput)
        #expect(bad.contains("\t") && !bad.contains("    "))
        let plain = try Snippet(example.example.bad).findings(example.code).map { "\($0.start.line) \($0.message)" }
        #expect(try Snippet(bad).findings(example.code).map { "\($0.start.line) \($0.message)" } == plain)
        let fixed = try Snippet(bad).fix(unsafeFixes: example.example.unsafeFixes)
        #expect(fixed.text == good)
    }
}
