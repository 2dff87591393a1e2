import Foundation
import RekeyDriver
import Testing

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
}
