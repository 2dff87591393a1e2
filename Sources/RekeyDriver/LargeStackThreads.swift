import RekeySyntax

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Threads whose stack fits rekey's recursive tree walks at their depth bound.
///
/// The analysis walks syntax trees recursively, a few frames per level. Measured on this
/// project's deepest walks (`SemanticModel` and the rules, over left-nested `and` chains,
/// attribute chains and key-consuming calls), a tree level costs up to about 7.5 KB of stack in
/// a debug build and 2 KB in a release build, so the 5,000 levels `PythonParser.parseCompilable`
/// admits need about 38 MB and 10 MB. The stacks threads get by default do not cover that: the
/// main thread's is `ulimit -s` (often 8 MB, sometimes less), and threads that Dispatch or
/// glibc create get 8 MB, or 2 MB when the limit is `unlimited`. So every thread that analyses a
/// file is created here, with a stack of ``stackBytes``: a reservation of address space, of which
/// only the pages a walk touches are ever committed.
public enum LargeStackThreads {
    /// Ten times the measured need of a debug build at the depth bound.
    public static let stackBytes = 512 << 20
    /// Tried in turn when the system refuses a larger reservation (strict overcommit, small
    /// address-space limits); the last still covers a debug build at the depth bound.
    static let fallbackStackBytes = [128 << 20, 64 << 20]

    /// Runs `body` on one new large-stack thread and returns its result. If no such thread can be
    /// created, `body` runs on the calling thread.
    public static func run<Result>(_ body: () -> Result) -> Result {
        var result: Result?
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendable { result = body() }
            perform(threads: 1) { _ in box.value() }
        }
        guard let result else { preconditionFailure("the large-stack thread did not run its body") }
        return result
    }

    /// Runs `body(worker)` on `threads` new large-stack threads at once and waits for all of them.
    /// Fewer threads run when the system refuses more (at least the calling thread runs one), so
    /// `body` must take its work from a shared queue rather than expect a fixed share. One worker
    /// runs on the calling thread when that already has such a stack (the engine's): on a new
    /// thread, glibc gives it another heap, and what the work frees there does not serve the work
    /// after it (a one-thread check's peak rose from 133 to 177 MB when the cross-file guard moved
    /// onto a thread of its own).
    public static func perform(threads: Int, _ body: (Int) -> Void) {
        if threads <= 1, callingThreadHasLargeStack { return body(0) }
        withoutActuallyEscaping(body) { body in
            var started: [pthread_t] = []
            for worker in 0..<max(threads, 1) {
                let context = Unmanaged.passRetained(
                    ThreadContext {
                        pthread_setspecific(startedHere, UnsafeRawPointer(bitPattern: 1))
                        body(worker)
                    }
                ).toOpaque()
                guard let thread = start(context) else {
                    Unmanaged<ThreadContext>.fromOpaque(context).release()
                    break
                }
                started.append(thread)
            }
            if started.isEmpty { body(0) }
            for thread in started { pthread_join(thread, nil) }
        }
    }

    /// Marks the threads started here, so one can tell it already has such a stack.
    private static let startedHere: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "no thread-specific key left")
        return key
    }()

    private static var callingThreadHasLargeStack: Bool { pthread_getspecific(startedHere) != nil }

    /// A thread running `context`'s body with the largest stack the system grants, or nil.
    private static func start(_ context: UnsafeMutableRawPointer) -> pthread_t? {
        for size in [stackBytes] + fallbackStackBytes {
            var attributes = pthread_attr_t()
            pthread_attr_init(&attributes)
            defer { pthread_attr_destroy(&attributes) }
            guard pthread_attr_setstacksize(&attributes, size) == 0 else { continue }
            #if canImport(Glibc)
                var thread = pthread_t()
                let status = pthread_create(
                    &thread, &attributes,
                    { raw in
                        Unmanaged<ThreadContext>.fromOpaque(raw!).takeRetainedValue().body()
                        return nil
                    }, context)
                if status == 0 { return thread }
            #else
                var thread: pthread_t?
                let status = pthread_create(
                    &thread, &attributes,
                    { raw in
                        Unmanaged<ThreadContext>.fromOpaque(raw).takeRetainedValue().body()
                        return nil
                    }, context)
                if status == 0, let thread { return thread }
            #endif
        }
        return nil
    }
}

/// A thread's work, passed through `pthread_create`'s context pointer.
private final class ThreadContext {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}

/// Carries a closure the caller keeps alive (it joins the thread before returning) into a thread.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
