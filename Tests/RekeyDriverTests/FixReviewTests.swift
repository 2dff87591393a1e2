import Foundation
import RekeyRules
import RekeyTestSupport
import Testing

@testable import RekeyDriver

/// `fix --interactive`'s plumbing: the fix loop asks ``Engine/Options/review`` where it takes a
/// fix, applies only what was accepted, and the summary counts the rest as declined.
@Suite("Fix review")
struct FixReviewTests {
    /// A module-level key read by a function (RK001 and its safe fix) and a key in a default
    /// (RK007 and its safe fix), in one file.
    static let source = """
        import jax
        import jax.random as jr

        rng = jax.random.PRNGKey(42)


        def features(x):
            return jax.random.normal(rng, (3,)) + x


        def test_features():
            assert features(1.0).shape == (3,)


        def test_sample_shape(key=jr.PRNGKey(0)):
            assert jr.normal(key, (3,)).shape == (3,)

        """

    /// The questions a review was asked, in order, from whichever thread asked.
    final class Questions: @unchecked Sendable {
        private let lock = NSLock()
        private var asked: [FixProposal] = []

        var proposals: [FixProposal] { lock.withLock { asked } }

        func record(_ proposal: FixProposal) { lock.withLock { asked.append(proposal) } }
    }

    /// `fix` on the sample with `answer` as the review (none: every fix applied); the report, its
    /// outcome, and the questions asked.
    static func run(
        _ answer: (@Sendable (FixProposal) -> FixDecision)?
    ) throws -> (report: Engine.FixReport, outcome: FixOutcome, questions: [FixProposal]) {
        let project = try Project(["snippet.py": source])
        defer { project.remove() }
        let questions = Questions()
        var options = Engine.Options(jobs: 1)
        options.review = answer.map { answer in
            { @Sendable proposal in
                questions.record(proposal)
                return answer(proposal)
            }
        }
        let report = Engine(options: options).fix(paths: [project.path("snippet.py")])
        return (report, FixOutcome(report: report, options: options, wrote: true), questions.proposals)
    }

    static func text(_ report: Engine.FixReport) throws -> String {
        String(decoding: try #require(report.changes.first).updated, as: UTF8.self)
    }

    @Test func theSampleHasAFixOfEachRule() throws {
        let (report, _, _) = try Self.run(nil)
        #expect(report.applied["RK001"] == 1 && report.applied["RK007"] == 1, "\(report.applied)")
    }

    @Test func aDeclinedRuleIsNotAppliedAndTheOthersAre() throws {
        let (report, outcome, questions) = try Self.run { $0.finding.code == "RK007" ? .decline : .apply }
        #expect(report.applied["RK007"] == nil && report.applied["RK001"] == 1, "\(report.applied)")
        let text = try Self.text(report)
        #expect(text.contains("def test_sample_shape(key=jr.PRNGKey(0)):"))
        #expect(!text.contains("rng = jax.random.PRNGKey(42)\n\n\ndef"))
        // Asked once about the declined fix, though the file changed and was analysed again.
        #expect(questions.count { $0.finding.code == "RK007" } == 1)
        #expect(report.declined.map(\.code) == ["RK007"])

        let declined = outcome.sites.filter { $0.kind == .declined }
        #expect(declined.map(\.finding.code) == ["RK007"])
        #expect(declined.first?.reason.hasPrefix("safe fix not applied (declined at the prompt): ") ?? false)
        let account = outcome.accounting
        #expect(account.left[.declined] == 1)
        #expect(account.findings == account.fixed + account.leftTotal)
        #expect(TextReport.fixSummary(outcome).contains("1 fix declined (--interactive)"))
        #expect(FixReportWriter.markdown(outcome).contains("- fixes declined (`--interactive`): 1\n"))
    }

    @Test func eachQuestionShowsTheFixAppliedAloneToEveryFileItEdits() throws {
        let (_, _, questions) = try Self.run { _ in .apply }
        #expect(!questions.isEmpty)
        for proposal in questions {
            #expect(proposal.files.map(\.path) == proposal.fix.edits.keys.sorted())
            #expect(proposal.files.allSatisfy { $0.original != $0.updated })
        }
    }

    @Test func acceptingEveryFixWritesWhatFixWrites() throws {
        let (unreviewed, _, _) = try Self.run(nil)
        let (reviewed, outcome, _) = try Self.run { _ in .apply }
        #expect(try Self.text(reviewed) == Self.text(unreviewed))
        #expect(outcome.count(.declined) == 0 && reviewed.declined.isEmpty && !reviewed.reviewStopped)
    }

    @Test func stoppingAppliesNothingMoreAndAsksNothingMore() throws {
        let (report, outcome, questions) = try Self.run { _ in .stop }
        #expect(questions.count == 1)
        #expect(report.changes.isEmpty && report.applied.isEmpty && report.reviewStopped)
        // Every enabled fix is left as declined: the one asked, and those the stop left unasked.
        let enabled = outcome.sites.filter { $0.fixAvailable == .safe }
        #expect(enabled.count >= 2 && enabled.allSatisfy { $0.kind == .declined })
        #expect(enabled.allSatisfy { $0.reason.contains("the review was stopped (q) before it was accepted") })
        #expect(outcome.accounting.findings == outcome.accounting.leftTotal)
    }

    @Test func stoppingAfterAnAcceptedFixAppliesIt() throws {
        let (report, outcome, questions) = try Self.run { $0.finding.code == "RK001" ? .apply : .stop }
        #expect(report.applied["RK001"] == 1 && report.applied["RK007"] == nil, "\(report.applied)")
        #expect(questions.last?.finding.code == "RK007")
        #expect(outcome.sites.filter { $0.kind == .declined }.map(\.finding.code) == ["RK007"])
    }
}
