import Foundation
import RekeyEdits
import RekeySyntax
import RekeyTestSupport
import Testing

@testable import RekeyDriver
@testable import RekeyRules

/// The engine never writes a fix that changes a notebook's IPython line: the rounds refuse it
/// with the reason. No rule of rekey's edits such a line today, so a rule made for the test does.
@Suite struct NotebookFixTests {
    /// Offers, where a file starts with `0#` (a magic's placeholder) or `# `, to make it `1#`.
    struct RewritesTheFirstTwoBytes: Rule {
        static let description = RuleDescription(
            code: "RK998", name: "rewrites-the-first-two-bytes", summary: "test", whatItDoes: "test", whyBad: "test",
            fixSafety: "test", examples: [])

        func check(_ file: FileContext) -> [Finding] {
            guard file.source.bytes.starts(with: Array("0#".utf8)) || file.source.bytes.starts(with: Array("# ".utf8)) else { return [] }
            let fix = Fix(title: "rewrite", applicability: .safe, edits: [file.path: [.replacement(ByteRange(0, 2), with: "1#")]])
            return [
                Finding(
                    code: "RK998", range: ByteRange(0, 2), start: SourcePosition(line: 1, column: 1),
                    end: SourcePosition(line: 1, column: 3), path: file.path, message: "first bytes", remedy: .fix(fix))
            ]
        }
    }

    func fix(firstLine: String, review: (@Sendable (FixProposal) -> FixDecision)? = nil) throws -> Engine.FixReport {
        let source: [JSONValue] = [.string(firstLine + "\n"), "import jax\n", "key = jax.random.PRNGKey(0)\n"]
        let notebook: JSONValue = ["nbformat": 4, "cells": [["cell_type": "code", "source": .array(source)]]]
        let tree = try TemporaryTree(["nb.ipynb": notebook.rendered()], prefix: "rekey-notebook-fix")
        defer { tree.remove() }
        var options = Engine.Options(jobs: 1)
        options.review = review
        return Engine(options: options, rules: [RewritesTheFirstTwoBytes()]).fix(paths: [tree.path("nb.ipynb")])
    }

    @Test func aFixChangingAMagicLineIsRefused() throws {
        let report = try fix(firstLine: "%matplotlib inline")
        #expect(report.changes.isEmpty)
        #expect(
            report.refusals.map(\.reason) == [
                "it cannot be written into the notebook: it would change the IPython line 1 of cell 1 (magics and shell escapes are left alone)"
            ])
    }

    /// What the review was asked, kept across the engine's threads.
    final class Proposals: @unchecked Sendable {
        private let lock = NSLock()
        private var kept: [FixProposal] = []

        func add(_ proposal: FixProposal) { lock.withLock { kept.append(proposal) } }
        var all: [FixProposal] { lock.withLock { kept } }
    }

    @Test func anInteractiveReviewIsShownTheNotebookAndTheCell() throws {
        let proposals = Proposals()
        let report = try fix(firstLine: "# setup") { proposal in
            proposals.add(proposal)
            return .decline
        }
        #expect(report.changes.isEmpty)
        let proposal = try #require(proposals.all.first)
        #expect(proposal.finding.notebookPlace?.cell == 1)
        let file = try #require(proposal.files.first)
        #expect(String(decoding: file.original, as: UTF8.self).hasPrefix("{"))
        #expect(String(decoding: file.updated, as: UTF8.self).contains(#""1#setup\n""#))
        #expect(String(decoding: file.analysedUpdated, as: UTF8.self).hasPrefix("1#setup\n"))
    }

    @Test func theSameFixOnAPythonLineIsWritten() throws {
        let report = try fix(firstLine: "# setup")
        #expect(report.refusals.isEmpty)
        let change = try #require(report.changes.first)
        let written = try #require(try parseJSON(String(decoding: change.updated, as: UTF8.self)) as? [String: Any])
        let cells = try #require(written["cells"] as? [[String: Any]])
        #expect(cells.first?["source"] as? [String] == ["1#setup\n", "import jax\n", "key = jax.random.PRNGKey(0)\n"])
        #expect(String(decoding: change.analysedUpdated, as: UTF8.self).hasPrefix("1#setup\nimport jax\n"))
    }
}
