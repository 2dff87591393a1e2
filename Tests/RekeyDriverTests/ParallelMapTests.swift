import Foundation
import Testing

@testable import RekeyDriver

/// Found through the fuzzer's memory use (each run of the engine grew it): `parallelMap` freed its
/// result buffer without releasing what it held, so every file state it produced leaked.
@Suite struct ParallelMapTests {
    final class Counted: @unchecked Sendable {
        static let lock = NSLock()
        nonisolated(unsafe) static var alive = 0
        let value: Int
        init(_ value: Int) {
            self.value = value
            Self.lock.withLock { Self.alive += 1 }
        }
        deinit { Self.lock.withLock { Self.alive -= 1 } }
    }

    @Test func outputsAreInOrderAndReleasedWithTheResult() {
        let before = Counted.lock.withLock { Counted.alive }
        do {
            let outputs = parallelMap(Array(0..<100), workers: 3, makeState: { 0 }) { calls, item in
                calls += 1
                return Counted(item * 2)
            }
            #expect(outputs.map(\.value) == Array(0..<100).map { $0 * 2 })
        }
        #expect(Counted.lock.withLock { Counted.alive } == before, "outputs outlived the array returned")
    }

    /// Screening and the cross-file guard hand their fixes to the workers in this order: in turn
    /// from each file, so two workers seldom ask for one file's parse at once; every fix is taken
    /// exactly once.
    @Test func fixesAreTakenInTurnFromEachFile() {
        let files = [7, 7, 7, 2, 9, 9, 2]
        let order = inTurn(Array(files.indices), byGroup: { files[$0] })
        #expect(order == [0, 3, 4, 1, 6, 5, 2])
        #expect(order.sorted() == Array(files.indices))
        #expect(inTurn([Int](), byGroup: { $0 }).isEmpty)
    }
    /// The analysis takes ready files largest first: the heap gives the highest priority first,
    /// the lower index among equals, however insertions and removals interleave.
    @Test func readyIndicesComeHighestPriorityFirst() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            var heap = ReadyHeap()
            var expected: [(priority: Int, index: Int)] = []
            var popped: [Int] = []
            var wanted: [Int] = []
            for index in 0..<300 {
                let priority = Int.random(in: 0..<20, using: &generator)
                heap.insert(index, priority: priority)
                expected.append((priority, index))
                if Bool.random(using: &generator) {
                    let best = expected.indices.min { a, b in
                        (expected[a].priority, -expected[a].index) > (expected[b].priority, -expected[b].index)
                    }!
                    wanted.append(expected.remove(at: best).index)
                    popped.append(heap.popFirst()!)
                }
            }
            while let next = heap.popFirst() { popped.append(next) }
            wanted += expected.sorted { ($0.priority, -$0.index) > ($1.priority, -$1.index) }.map(\.index)
            #expect(popped == wanted)
            #expect(heap.isEmpty)
        }
    }
}
