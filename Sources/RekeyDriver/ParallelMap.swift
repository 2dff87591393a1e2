import Foundation

/// Maps `items` on every core. Each worker gets its own `state` (a tree-sitter parser is not
/// thread-safe) and pulls the next index from a shared counter, so uneven file sizes balance.
/// Workers are ``LargeStackThreads``: `transform` may walk a syntax tree as deep as
/// `PythonParser.maximumNestingDepth` recursively. `finished`, when given, hears how many items
/// are done each time one is, from the worker that did it.
public func parallelMap<Item, State, Output>(
    _ items: [Item],
    workers requested: Int? = nil,
    makeState: () -> State,
    finished: ((Int) -> Void)? = nil,
    _ transform: (inout State, Item) -> Output
) -> [Output] {
    guard !items.isEmpty else { return [] }
    let workers = min(requested ?? ProcessInfo.processInfo.activeProcessorCount, items.count)
    let results = UnsafeMutableBufferPointer<Output?>.allocate(capacity: items.count)
    results.initialize(repeating: nil)
    // The outputs are copied out below; the buffer's own references must be released too, or
    // every output (file states with their whole source bytes) leaks.
    defer {
        results.deinitialize()
        results.deallocate()
    }
    let counter = IndexCounter()
    LargeStackThreads.perform(threads: workers) { _ in
        var state = makeState()
        while let index = counter.next(below: items.count) {
            results[index] = transform(&state, items[index])
            if let finished { finished(counter.finish()) }
        }
    }
    return results.map { $0! }
}

private final class IndexCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    private var finished = 0

    func next(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }

    /// One more item done; how many are.
    func finish() -> Int {
        lock.lock()
        defer { lock.unlock() }
        finished += 1
        return finished
    }
}
