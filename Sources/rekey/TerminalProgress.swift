import Foundation
import RekeyDriver

/// The progress line on standard error, while it is a terminal: `rekey: analysing 120/1564
/// files`, redrawn in place at most ten times a second, and only once the run has taken a second
/// (a quick run shows nothing). Anything rekey writes clears it first (``Console``). Nothing at
/// all when standard error is not a terminal (a pipe, a file, CI logs).
final class TerminalProgress: @unchecked Sendable {
    /// The line for this run, or nil when standard error is not a terminal.
    static let shared: TerminalProgress? = isatty(STDERR_FILENO) == 1 ? TerminalProgress() : nil

    /// How long a run goes before the line appears; `REKEY_PROGRESS_AFTER` (seconds) sets it,
    /// for tests.
    private let delay: TimeInterval =
        ProcessInfo.processInfo.environment["REKEY_PROGRESS_AFTER"].flatMap(TimeInterval.init) ?? 1
    private let start = Date()
    private let lock = NSLock()
    private var lastDrawn: Date?
    private var lastStage: RunProgress.Stage?
    private var showing = false

    func report(_ progress: RunProgress) {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(start) >= delay else { return }
        // A new stage, and the end of one, are always drawn.
        if let lastDrawn, now.timeIntervalSince(lastDrawn) < 0.1, progress.stage == lastStage, progress.done < progress.total {
            return
        }
        lastDrawn = now
        lastStage = progress.stage
        showing = true
        FileHandle.standardError.write(Data("\r\u{1B}[2Krekey: \(progress)".utf8))
    }

    /// Erases the line, if it is showing, before other output.
    func clear() {
        lock.lock()
        defer { lock.unlock() }
        guard showing else { return }
        showing = false
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
