import Foundation
import RekeyDriver
import RekeyTestSupport
import Testing

@Suite("Batch summary")
struct BatchSummaryTests {
    static let options = BatchOptions(branch: "rekey/explicit-keys", unsafeFixes: nil, selection: .all, reportUnusedSuppressions: false)

    static func result(_ name: String, _ status: BatchRepositoryResult.Status, findings: Int) -> BatchRepositoryResult {
        var counts = BatchCounts()
        counts.findings = findings
        counts.fixedSafe = status == .changed ? findings : 0
        counts.left = findings - counts.fixedSafe
        return BatchRepositoryResult(
            name: name, source: "https://git.example/\(name).git", status: status,
            reason: status == .failed ? "git clone: fatal: repository not found" : nil, commit: "0123456789abcdef", counts: counts)
    }

    static let repositories = [
        result("zeta", .changed, findings: 3), result("alpha", .clean, findings: 2), result("mid", .failed, findings: 0),
        result("beta", .changed, findings: 5),
    ]

    /// The repositories in `count` shards, as `--shard` would split them.
    static func shards(_ count: Int) throws -> [BatchSummary] {
        let entries = try BatchManifest(parsing: repositories.map(\.source).joined(separator: "\n"), directory: "/").entries
        return (0..<count).map { index in
            let shard = BatchShard(index: index, count: count)!
            let names = Set(entries.filter(shard.contains).map(\.name))
            return BatchSummary(options: options, shard: shard, repositories: repositories.filter { names.contains($0.name) })
        }
    }

    @Test func repositoriesByNameWithTotals() {
        let summary = BatchSummary(options: Self.options, shard: nil, repositories: Self.repositories)
        #expect(summary.repositories.map(\.name) == ["alpha", "beta", "mid", "zeta"])
        #expect(
            [summary.totals.repositories, summary.totals.changed, summary.totals.clean, summary.totals.failed] == [4, 2, 1, 1] as [Int])
        #expect(summary.totals.counts.findings == 10)
        #expect(summary.totals.counts.fixedSafe == 8)
        #expect(summary.totals.counts.left == 2)
    }

    @Test(arguments: [1, 2, 3, 5])
    func mergingTheShardsGivesTheWholeRunsSummary(_ count: Int) throws {
        let whole = BatchSummary(options: Self.options, shard: nil, repositories: Self.repositories)
        #expect(try BatchSummary.merge(Self.shards(count).reversed()) == whole)
    }

    @Test func aSummaryReadsBackAsWritten() throws {
        try TemporaryTree.with([:]) { tree in
            let summary = try Self.shards(2)[1]
            try summary.write(to: tree.root.path)
            #expect(try BatchSummary.load(from: tree.root.path) == summary)
            let markdown = try String(contentsOfFile: tree.path("summary.md"), encoding: .utf8)
            #expect(markdown.contains("shard 1/2"))
        }
    }

    @Test func mergeRefusesWhatIsNotOneWholeRun() throws {
        func problem(_ summaries: [BatchSummary]) -> String? {
            do {
                _ = try BatchSummary.merge(summaries)
                return nil
            } catch {
                return error.description
            }
        }
        let three = try Self.shards(3)
        #expect(problem([three[0], three[2]]) == "missing shards: 1/3")
        #expect(problem(three + [three[1]]) == "shards given twice: 1/3")
        #expect(problem([BatchSummary(options: Self.options, shard: nil, repositories: [])])?.contains("shard") == true)
        var other = three[2]
        other.options.unsafeFixes = true
        #expect(problem([three[0], three[1], other]) == "the shards were run with different options")
        var overlapping = three[2]
        overlapping.repositories.append(three[0].repositories[0])
        #expect(problem([three[0], three[1], overlapping])?.contains("in more than one shard") == true)
        #expect(problem([]) == "no summary to merge")
    }
}
