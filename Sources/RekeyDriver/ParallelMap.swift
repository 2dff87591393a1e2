import CHeapArenas
import Foundation

/// Limits the process to one malloc heap per core; call before the first worker starts. glibc
/// gives each new thread a heap of its own, up to eight per core, and memory freed in one heap is
/// not reused by another: every parallel stage starts its workers afresh, so the syntax trees of
/// each stage landed in heaps of their own (on the sdist tree, check peaked at 191 MB with
/// glibc's default and at 150 MB with the limit, in the same time).
public func limitHeapsToCores() {
    _ = rekey_limit_heap_arenas(Int32(ProcessInfo.processInfo.activeProcessorCount))
}

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

/// `items` taken in turn from each group (the first of every group in order of first
/// appearance, then the second of each, and so on), each group's in their order: an order to
/// hand items to ``parallelMap`` in when items of one group ask for the same shared work, so
/// that workers taking the next items seldom wait on each other.
func inTurn<Item>(_ items: [Item], byGroup group: (Item) -> Int) -> [Item] {
    var members: [Int: [Item]] = [:]
    var firstSeen: [Int] = []
    for item in items {
        let key = group(item)
        if members[key] == nil { firstSeen.append(key) }
        members[key, default: []].append(item)
    }
    let rounds = members.values.map(\.count).max() ?? 0
    return (0..<rounds).flatMap { round in
        firstSeen.compactMap { key in members[key].flatMap { round < $0.count ? $0[round] : nil } }
    }
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

/// Like ``parallelMap``, over the indices `0..<count`, but index `i` starts only once every
/// index of `dependencies[i]` is done, and `transform` reads their outputs through the function
/// it is given (valid for those indices only). `dependencies` must have no cycle. Among the
/// indices ready, the one of highest `priority` goes first, so a large item does not start last.
func parallelInDependencyOrder<State, Output>(
    count: Int,
    dependencies: [[Int]],
    priority: (Int) -> Int,
    workers requested: Int? = nil,
    makeState: () -> State,
    finished: ((Int) -> Void)? = nil,
    _ transform: (inout State, Int, (Int) -> Output) -> Output
) -> [Output] {
    guard count > 0 else { return [] }
    let workers = min(requested ?? ProcessInfo.processInfo.activeProcessorCount, count)
    let results = UnsafeMutableBufferPointer<Output?>.allocate(capacity: count)
    results.initialize(repeating: nil)
    defer {
        results.deinitialize()
        results.deallocate()
    }
    let schedule = DependencySchedule(dependencies: dependencies, priorities: (0..<count).map(priority))
    LargeStackThreads.perform(threads: workers) { _ in
        var state = makeState()
        while let index = schedule.next() {
            // The dependencies finished before `index` was handed out, under the schedule's lock:
            // their slots are written and no longer change.
            results[index] = transform(&state, index) { results[$0]! }
            let done = schedule.finish(index)
            finished?(done)
        }
    }
    return results.map { $0! }
}

/// Which index is ready next: one whose dependencies are all done, highest priority first. A
/// worker waits while nothing is ready and work is still running. The ready indices are a heap:
/// on a large tree thousands are ready at once, and a search of them all for each one handed out
/// grew with the square of the files.
private final class DependencySchedule: @unchecked Sendable {
    private let condition = NSCondition()
    private var waitingOn: [Int]
    private var dependents: [[Int]]
    private var ready = ReadyHeap()
    private let priorities: [Int]
    private var handedOut = 0
    private var done = 0

    init(dependencies: [[Int]], priorities: [Int]) {
        self.priorities = priorities
        waitingOn = dependencies.map(\.count)
        dependents = Array(repeating: [], count: dependencies.count)
        for (index, needs) in dependencies.enumerated() { for need in needs { dependents[need].append(index) } }
        for index in dependencies.indices where dependencies[index].isEmpty { ready.insert(index, priority: priorities[index]) }
    }

    func next() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && handedOut < waitingOn.count { condition.wait() }
        guard let best = ready.popFirst() else { return nil }
        handedOut += 1
        return best
    }

    /// `index` is done; how many are.
    func finish(_ index: Int) -> Int {
        condition.lock()
        defer { condition.unlock() }
        done += 1
        for dependent in dependents[index] {
            waitingOn[dependent] -= 1
            if waitingOn[dependent] == 0 { ready.insert(dependent, priority: priorities[dependent]) }
        }
        condition.broadcast()
        return done
    }
}

/// Indices by priority, highest first (the lower index first among equals), as a binary heap.
struct ReadyHeap {
    private var items: [(priority: Int, index: Int)] = []

    var isEmpty: Bool { items.isEmpty }

    private static func precedes(_ a: (priority: Int, index: Int), _ b: (priority: Int, index: Int)) -> Bool {
        a.priority != b.priority ? a.priority > b.priority : a.index < b.index
    }

    mutating func insert(_ index: Int, priority: Int) {
        items.append((priority, index))
        var child = items.count - 1
        while child > 0, case let parent = (child - 1) / 2, Self.precedes(items[child], items[parent]) {
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popFirst() -> Int? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var parent = 0
            while true {
                var best = parent
                let left = 2 * parent + 1
                if left < items.count, Self.precedes(items[left], items[best]) { best = left }
                if left + 1 < items.count, Self.precedes(items[left + 1], items[best]) { best = left + 1 }
                if best == parent { break }
                items.swapAt(parent, best)
                parent = best
            }
        }
        return first.index
    }
}
