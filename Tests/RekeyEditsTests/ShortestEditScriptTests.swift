import Testing

@testable import RekeyEdits

@Suite struct ShortestEditScriptTests {
    /// A seeded generator (SplitMix64) so a failing case reproduces.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Length of a longest common subsequence, by the textbook quadratic table.
    func lcsLength(_ a: [Int], _ b: [Int]) -> Int {
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in a.indices.reversed() {
            for j in b.indices.reversed() {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        return table[0][0]
    }

    /// Whether the script is valid (the kept elements match in order) and shortest (they are an LCS).
    func isShortest(_ a: [Int], _ b: [Int]) -> Bool {
        let script = ShortestEditScript(old: a, new: b)
        let keptOld = a.indices.filter { !script.deleted[$0] }.map { a[$0] }
        let keptNew = b.indices.filter { !script.inserted[$0] }.map { b[$0] }
        return keptOld == keptNew && keptOld.count == lcsLength(a, b)
    }

    @Test(arguments: [(maxLength: 12, alphabet: 2), (maxLength: 12, alphabet: 4), (maxLength: 120, alphabet: 6)])
    func randomPairsGetAShortestScript(maxLength: Int, alphabet: Int) {
        var generator = SeededGenerator(state: UInt64(maxLength * 31 + alphabet))
        func sequence() -> [Int] {
            (0..<Int.random(in: 0...maxLength, using: &generator)).map { _ in Int.random(in: 0..<alphabet, using: &generator) }
        }
        var failures: [([Int], [Int])] = []
        for _ in 0..<1500 {
            let (a, b) = (sequence(), sequence())
            if !isShortest(a, b) { failures.append((a, b)) }
        }
        #expect(failures.isEmpty, "not shortest, e.g. \(failures.prefix(3))")
    }

    @Test func changesAreMaximalRunsInOrder() {
        let script = ShortestEditScript(old: [1, 2, 3, 4], new: [1, 5, 3, 4, 6])
        #expect(
            script.changes == [
                .init(old: 1..<2, new: 1..<2),
                .init(old: 4..<4, new: 4..<5),
            ])
    }

    @Test func emptySidesAreAllInsertionsOrAllDeletions() {
        #expect(ShortestEditScript(old: [], new: [7, 8]).changes == [.init(old: 0..<0, new: 0..<2)])
        #expect(ShortestEditScript(old: [7, 8], new: []).changes == [.init(old: 0..<2, new: 0..<0)])
        #expect(ShortestEditScript(old: [7, 8], new: [7, 8]).changes.isEmpty)
    }
}
