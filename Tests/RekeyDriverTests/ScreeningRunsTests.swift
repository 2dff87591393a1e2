import Foundation
import RekeyEdits
import RekeySyntax
import RekeyTestSupport
import Testing

@testable import RekeyDriver

/// Screening parses the outputs of a file's fixes from one tree of the file (incrementally), a
/// run of fixes at a time: it must find what parsing each output afresh finds.
@Suite struct ScreeningRunsTests {
    @Test func runsHoldOneGroupEachInOrder() {
        let items = [(1, "a"), (2, "b"), (1, "c"), (1, "d"), (1, "e"), (2, "f")]
        let runs = Engine.runs(of: items, byGroup: \.0, length: 2).map { $0.map(\.1).joined() }
        #expect(runs == ["ac", "bf", "de"])
    }

    /// Over the Fixtures: findings, fixes and the reasons fixes were taken away, with each
    /// output parsed afresh (runs of one fix make no tree to edit) and from the file's tree.
    @Test func incrementalParsesChangeNothingFound() throws {
        func findings(fixesPerTree: Int) -> [String] {
            var options = Engine.Options(unsafeFixes: true, jobs: 2)
            options.fixesPerEditableTree = fixesPerTree
            return renderedFindings(Engine(options: options).check(paths: [fixturesFolder]).findings)
        }
        let fromTrees = findings(fixesPerTree: Engine.fixesPerEditableTree)
        #expect(fromTrees.count > 250)
        #expect(findings(fixesPerTree: 1) == fromTrees)
    }

    /// Every fix the Fixtures have, applied alone: its output parsed from the input's tree is the
    /// output parsed afresh, node for node.
    @Test func everyFixturesFixParsesAsAFreshParse() throws {
        let findings = Engine(options: .init(unsafeFixes: true, jobs: 2)).check(paths: [fixturesFolder]).findings
        let parser = try PythonParser()
        var compared = 0
        for finding in findings {
            guard case .fix(let fix) = finding.remedy else { continue }
            for (path, edits) in fix.edits {
                let before = try SourceText(path: path, bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
                let after = try SourceText(path: path, bytes: FixApplier.applying(edits, to: before))
                let base = try #require(parser.editableTree(before))
                let changes = edits.map { TextChange(range: $0.range, replacement: $0.replacement) }
                // A fix whose output CPython would refuse is refused for the same reason.
                let fresh = Result { () throws(SourceProblem) in try parser.parseCompilable(after) }
                let incremental = Result { () throws(SourceProblem) in try parser.parseCompilable(after, changing: base, by: changes) }
                switch (fresh, incremental) {
                case (.success(let fresh), .success(let incremental)):
                    #expect(incremental.hasTheNodes(of: fresh), "\(path): \(fix.title)")
                case (.failure(let fresh), .failure(let incremental)):
                    #expect("\(incremental)" == "\(fresh)", "\(path): \(fix.title)")
                default:
                    Issue.record("\(path): \(fix.title): parsed afresh \(fresh), incrementally \(incremental)")
                }
                compared += 1
            }
        }
        #expect(compared > 100)
    }
}
