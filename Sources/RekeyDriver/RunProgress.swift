import Foundation

/// How far a run is: items done of a total, in one stage of the engine.
public struct RunProgress: Sendable, Equatable, CustomStringConvertible {
    public enum Stage: Sendable, Equatable {
        /// Reading, parsing and analysing every file.
        case analysing
        /// Analysing again the files whose callees' facts changed (see `Engine.propagateFacts`).
        case crossFileFacts(round: Int)
        /// Trying each fix that changes a signature against the project's calls.
        case screeningFixes
        /// Applying a round of fixes (`diff`, `fix`); `total` is the fixes tried.
        case applyingFixes(round: Int)
    }

    public let stage: Stage
    public let done: Int
    public let total: Int

    public init(stage: Stage, done: Int, total: Int) {
        self.stage = stage
        self.done = done
        self.total = total
    }

    /// `analysing 120/1564 files`, `applying fixes, round 2 (31 fixes)`.
    public var description: String {
        switch stage {
        case .analysing: "analysing \(done)/\(total) files"
        case .crossFileFacts(let round): "cross-file facts, round \(round): \(done)/\(total) files"
        case .screeningFixes: "screening \(done)/\(total) fixes that change a signature"
        case .applyingFixes(let round): "applying fixes, round \(round) (\(total) fixes)"
        }
    }
}

/// Work done by several workers, counted for a stage whose workers finish several items at once.
final class ProgressTally: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private let stage: RunProgress.Stage
    private let total: Int
    private let report: (RunProgress) -> Void

    init(stage: RunProgress.Stage, total: Int, report: @escaping (RunProgress) -> Void) {
        self.stage = stage
        self.total = total
        self.report = report
    }

    func finished(_ count: Int) {
        let now = lock.withLock {
            done += count
            return done
        }
        report(RunProgress(stage: stage, done: now, total: total))
    }
}
