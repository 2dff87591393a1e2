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
}
