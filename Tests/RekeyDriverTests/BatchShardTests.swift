import RekeyDriver
import Testing

@Suite("Batch shards")
struct BatchShardTests {
    static let sources = (0..<300).map { "https://git.example/team-\($0 % 7)/project-\($0).git" }

    func entries(_ sources: [String]) throws -> [BatchManifest.Entry] {
        try BatchManifest(parsing: sources.joined(separator: "\n"), directory: "/").entries
    }

    @Test func parsing() {
        #expect(BatchShard("0/3") == BatchShard(index: 0, count: 3))
        #expect(BatchShard("2/3")?.description == "2/3")
        for text in ["3/3", "-1/3", "1/0", "0/0", "a/b", "1/3/4", "1", "", "/3"] {
            #expect(BatchShard(text) == nil, "\(text)")
        }
    }

    @Test(arguments: [1, 2, 3, 7])
    func theShardsPartitionTheManifest(_ count: Int) throws {
        let all = try entries(Self.sources)
        let shards = (0..<count).map { BatchShard(index: $0, count: count)! }
        for entry in all {
            #expect(shards.count(where: { $0.contains(entry) }) == 1, "\(entry.source)")
        }
        // Hashing spreads them: no shard is empty or holds more than twice its share.
        for shard in shards {
            let taken = all.count(where: shard.contains)
            #expect(taken > 0 && taken <= 2 * all.count / count, "\(shard): \(taken)")
        }
    }

    @Test func addingRepositoriesMovesNoOther() throws {
        let shards = (0..<3).map { BatchShard(index: $0, count: 3)! }
        func assignment(_ entries: [BatchManifest.Entry]) -> [String: Int] {
            Dictionary(uniqueKeysWithValues: entries.map { entry in (entry.source, shards.firstIndex { $0.contains(entry) }!) })
        }
        let before = assignment(try entries(Self.sources))
        let added = (0..<40).map { "https://git.example/new/added-\($0).git" }
        let after = assignment(try entries(added + Self.sources.reversed()))
        for (source, shard) in before { #expect(after[source] == shard, "\(source)") }
    }

    /// The split is the same on every machine: 64-bit FNV-1a of "a" is 0xaf63dc4c8601ec8c, so "a"
    /// is in shard 0 of 2 (even) and, as 0xaf63dc4c8601ec8c mod 3 is 1, in shard 1 of 3.
    @Test func theHashIsFixed() throws {
        let entry = try entries(["a"])[0]
        #expect(BatchShard("0/2")!.contains(entry))
        #expect(BatchShard("1/3")!.contains(entry))
    }
}
