#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// SIGINT, SIGTERM and SIGHUP held off while files are being replaced.
///
/// Outside a commit the default action stands (nothing is on disk yet, so ending at once loses
/// nothing). During one, a signal only sets a flag; the commit checks it between steps, rolls
/// back what it replaced, removes its temporary files, and then the signal is raised again with
/// its default action, so the process still ends as the user asked.
enum Interrupts {
    static let handled: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// The signal received during the current commit, or 0. Written only by the handler.
    nonisolated(unsafe) private static let received: UnsafeMutablePointer<sig_atomic_t> = {
        let pointer = UnsafeMutablePointer<sig_atomic_t>.allocate(capacity: 1)
        pointer.initialize(to: 0)
        return pointer
    }()

    /// The signal that arrived since the commit began, if any.
    static var pending: Int32? {
        let signal = received.pointee
        return signal == 0 ? nil : Int32(signal)
    }

    /// Runs `body` with the signals deferred; re-raises one that arrived once `body` is done.
    static func deferred<Result>(_ body: () throws(FileTransaction.Failure) -> Result) throws(FileTransaction.Failure) -> Result {
        _ = received  // allocate before any handler can run
        received.pointee = 0
        var previous: [Int32: sigaction] = [:]
        for signal in handled {
            var current = sigaction()
            sigaction(signal, nil, &current)
            #if canImport(Glibc)
                let ignored = unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
            #else
                let ignored = unsafeBitCast(current.__sigaction_u.__sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
            #endif
            if ignored { continue }  // ignored when rekey started (a background job): it stays ignored
            var action = sigaction()
            #if canImport(Glibc)
                action.__sigaction_handler.sa_handler = { signal in Interrupts.received.pointee = sig_atomic_t(signal) }
            #else
                action.__sigaction_u.__sa_handler = { signal in Interrupts.received.pointee = sig_atomic_t(signal) }
            #endif
            sigemptyset(&action.sa_mask)
            var old = sigaction()
            sigaction(signal, &action, &old)
            previous[signal] = old
        }
        defer {
            for (signal, old) in previous {
                var restored = old
                sigaction(signal, &restored, nil)
            }
            if let signal = pending {
                // Deliver it now, with the action it had before the commit (usually: terminate).
                raise(signal)
            }
        }
        return try body()
    }
}
