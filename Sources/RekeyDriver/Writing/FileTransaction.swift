import Foundation

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Replaces a set of files as one unit: all of them, each only if it still holds the text rekey
/// read, or none. rekey's one way of writing a file (sources by `fix`, the `--report` file).
///
/// 1. Each target is resolved (a symbolic link is written through: its final target is
///    replaced, the link kept) and checked: a regular file, writable (`fix` refuses a file
///    whose mode grants no write permission, 0444, even to root, as a statement of intent), with
///    one link (replacing a hard-linked file would separate its names, and writing it in place
///    would give up the all-or-nothing commit; see the README).
/// 2. A journal naming every file (``TransactionJournal``) is written and flushed.
/// 3. The new text of every file is staged in a temporary file beside its target
///    (`.NAME.rekey-PID-TOKEN.new`), with the target's mode and owner, and flushed to disk.
/// 4. File by file, as late as possible: the target is compared with what rekey read, then
///    swapped with its staged file in one atomic `renameat2(RENAME_EXCHANGE)`; the text the
///    swap displaced is read back and compared again, which catches a write made between the
///    comparison and the swap (in place or by a rename) and undoes the swap. Where the system
///    cannot swap, the target is hard-linked (or copied) to a backup and the staged file renamed
///    over it; the old inode, reached through the link, is compared after the rename.
/// 5. Once all are swapped, every displaced text is compared once more, then removed, and the
///    journal with it. Any failure, or SIGINT/SIGTERM/SIGHUP (``Interrupts``), at any step puts
///    back every file already swapped and removes every temporary file.
///
/// The window left: a process that holds a target open and writes to it after the last
/// comparison of step 5 and before the displaced text is removed (microseconds) writes into a
/// file that is then deleted; and where the system cannot swap, an editor that replaces a
/// target by renaming between the backup link and rekey's rename loses its version to rekey's.
/// A crash at any point leaves the journal, from which the next `rekey fix` finishes the
/// commit (all files were replaced) or rolls it back.
public enum FileTransaction {
    public struct Change: Sendable {
        /// As the user named it; may be a symbolic link.
        public let path: String
        /// What the file must still hold; nil replaces whatever is there, or creates the file.
        public let expected: [UInt8]?
        public let contents: [UInt8]

        public init(path: String, expected: [UInt8]?, contents: [UInt8]) {
            self.path = path
            self.expected = expected
            self.contents = contents
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public enum Reason: Sendable {
            case changedOnDisk
            case hardLinked(count: Int)
            case readOnly(mode: mode_t)
            case notWritable(String)
            case notARegularFile(kind: String)
            case danglingLink(String)
            case interrupted(signal: Int32)
            case io(String)
        }

        /// The file that failed, as the user named it.
        public let path: String
        public let reason: Reason

        public var description: String {
            switch reason {
            case .changedOnDisk:
                return "the file changed on disk since rekey read it"
            case .hardLinked(let count):
                return "the file has \(count) hard links; replacing it would separate them and writing it in place "
                    + "would give up the all-or-nothing commit, so it is left alone (copy it to break the links)"
            case .readOnly(let mode):
                return "the file is read-only (mode \(String(mode & 0o7777, radix: 8))); make it writable to let rekey fix it"
            case .notWritable(let reason):
                return "the file cannot be written: \(reason)"
            case .notARegularFile(let kind):
                return "not a regular file (\(kind))"
            case .danglingLink(let destination):
                return "a symbolic link to \(destination), which does not exist"
            case .interrupted(let signal):
                return "interrupted by signal \(signal)"
            case .io(let reason):
                return reason
            }
        }
    }

    /// One file of the commit and where it stands.
    private struct Entry {
        let change: Change
        /// The file replaced: `change.path`, or the final target of the link it names.
        let target: String
        let staged: String
        let backup: String
        /// The target's status before the commit; nil when it does not exist yet.
        let original: stat?
        var step = Step.planned

        enum Step {
            case planned
            case staged
            /// Swapped: the target holds the new text, `staged` the old.
            case exchanged
            /// Renamed over: the target holds the new text, `backup` the old.
            case renamed
        }
    }

    /// Points in a commit where a test acts (changes a file, sends a signal) to reach a path that
    /// otherwise depends on timing, or stops the commit dead, as a crash would, to leave a journal
    /// to recover. Nil outside tests.
    enum Checkpoint: Equatable {
        case staged
        case beforeComparing(path: String)
        case beforeReplacing(path: String)
        case replacedAll
    }

    enum CheckpointAction {
        case proceed
        /// Stop here without rolling back or cleaning up, as a `kill -9` would.
        case crash
    }

    nonisolated(unsafe) static var checkpoint: ((Checkpoint) -> CheckpointAction)?

    private static func reach(_ point: Checkpoint, _ path: String) throws(Failure) {
        if checkpoint?(point) == .crash { throw Failure(path: path, reason: .io(simulatedCrash)) }
    }

    static let simulatedCrash = "stopped dead by a test, as a crash would stop it"

    /// Replaces every file of `changes` with its new contents, or none of them.
    public static func commit(_ changes: [Change]) throws(Failure) {
        guard !changes.isEmpty else { return }
        try Interrupts.deferred { () throws(Failure) in
            var entries = try plan(changes)
            // The journal comes first, so that even a crash while staging leaves nothing unnamed.
            let journal = try TransactionJournal.begin(
                entries.map { entry in
                    let old = entry.change.expected ?? (entry.original != nil ? FileSystem.contents(entry.target) : nil)
                    return TransactionJournal.Entry(
                        target: entry.target, staged: entry.staged, backup: entry.backup,
                        old: old.map(TransactionJournal.Fingerprint.init),
                        new: TransactionJournal.Fingerprint(entry.change.contents))
                },
                in: commonDirectory(entries.map(\.target)), token: token())
            do throws(Failure) {
                try stage(&entries)
                try reach(.staged, entries[0].change.path)
                try replace(&entries)
                try verifyDisplaced(entries)
            } catch {
                if case .io(simulatedCrash) = error.reason {
                    journal.release()  // nothing is cleaned up after a crash
                    throw error
                }
                // A file that could not be put back keeps its original beside it, and the
                // journal, left in place, tells the next run where.
                if rollBack(&entries) { journal.end() } else { journal.release() }
                throw error
            }
            for entry in entries {
                FileSystem.remove(entry.staged)
                FileSystem.remove(entry.backup)
            }
            Set(entries.map { PathText.parent(of: $0.target) }).forEach(FileSystem.syncDirectory)
            journal.end()
        }
    }

    // MARK: Steps

    private static func plan(_ changes: [Change]) throws(Failure) -> [Entry] {
        let token = token()
        return try changes.map { change throws(Failure) in
            var target = FileSystem.absolute(change.path)
            if let link = FileSystem.status(target), link.st_mode & S_IFMT == S_IFLNK {
                guard FileSystem.status(target, followingLinks: true) != nil else {
                    let destination = (try? FileManager.default.destinationOfSymbolicLink(atPath: target)) ?? "?"
                    throw Failure(path: change.path, reason: .danglingLink(destination))
                }
                target = FileDiscovery.realPath(target)
            }
            let original = FileSystem.status(target)
            if let original {
                let kind = original.st_mode & S_IFMT
                guard kind == S_IFREG else {
                    throw Failure(path: change.path, reason: .notARegularFile(kind: SourceLoader.fileKind(original.st_mode)))
                }
                if original.st_nlink > 1 { throw Failure(path: change.path, reason: .hardLinked(count: Int(original.st_nlink))) }
                if original.st_mode & 0o222 == 0 { throw Failure(path: change.path, reason: .readOnly(mode: original.st_mode)) }
                if access(target, W_OK) != 0 {
                    throw Failure(path: change.path, reason: .notWritable(String(cString: strerror(errno))))
                }
            } else if change.expected != nil {
                throw Failure(path: change.path, reason: .changedOnDisk)
            }
            let directory = PathText.parent(of: target)
            let name = (target as NSString).lastPathComponent
            let side = (directory as NSString).appendingPathComponent(".\(name).rekey-\(getpid())-\(token)")
            return Entry(change: change, target: target, staged: side + ".new", backup: side + ".old", original: original)
        }
    }

    /// Writes every new text beside its target, with the target's mode and owner, flushed.
    private static func stage(_ entries: inout [Entry]) throws(Failure) {
        for index in entries.indices {
            try checkInterrupts(entries[index].change.path)
            let entry = entries[index]
            let mode = entry.original?.st_mode ?? FileSystem.newFileMode
            let owner = entry.original.map { (uid: $0.st_uid, gid: $0.st_gid) }
            if let failure = FileSystem.create(entry.staged, bytes: entry.change.contents, mode: mode, owner: owner) {
                throw Failure(path: entry.change.path, reason: .io(failure))
            }
            entries[index].step = .staged
        }
    }

    /// Puts each staged text in place, comparing just before and just after.
    private static func replace(_ entries: inout [Entry]) throws(Failure) {
        for index in entries.indices {
            try checkInterrupts(entries[index].change.path)
            let entry = entries[index]
            try reach(.beforeComparing(path: entry.change.path), entry.change.path)
            if let expected = entry.change.expected, FileSystem.contents(entry.target) != expected {
                throw Failure(path: entry.change.path, reason: .changedOnDisk)
            }
            try reach(.beforeReplacing(path: entry.change.path), entry.change.path)
            if entry.original == nil {
                // A new file: nothing to displace, only a file that appeared meanwhile to respect.
                if let failure = FileSystem.renameWithoutReplacing(entry.staged, entry.target) {
                    throw Failure(path: entry.change.path, reason: .io("cannot move the new file into place: \(failure)"))
                }
                entries[index].step = .renamed
                continue
            }
            switch FileSystem.exchange(entry.staged, entry.target) {
            case .exchanged:
                entries[index].step = .exchanged
            case .unsupported:
                // Keep the old text reachable first: a hard link to it, or, where the file system
                // has none, a copy of what rekey read.
                if FileSystem.link(entry.target, entry.backup) != nil {
                    guard let expected = entry.change.expected ?? FileSystem.contents(entry.target),
                        FileSystem.create(entry.backup, bytes: expected, mode: entry.original?.st_mode ?? 0o600, owner: nil) == nil
                    else {
                        throw Failure(path: entry.change.path, reason: .io("cannot keep a copy of the original beside it"))
                    }
                }
                if let failure = FileSystem.rename(entry.staged, entry.target) {
                    FileSystem.remove(entry.backup)
                    throw Failure(path: entry.change.path, reason: .io("cannot rename into place: \(failure)"))
                }
                entries[index].step = .renamed
            case .failed(let reason):
                throw Failure(path: entry.change.path, reason: .io("cannot swap the new file into place: \(reason)"))
            }
            FileSystem.syncDirectory(PathText.parent(of: entry.target))
            if let displaced = displaced(entries[index]), displaced != entry.change.expected {
                throw Failure(path: entry.change.path, reason: .changedOnDisk)
            }
        }
    }

    /// The last comparison, once every file is in place: a write that reached an old text after
    /// its swap is caught here, and the whole commit undone.
    private static func verifyDisplaced(_ entries: [Entry]) throws(Failure) {
        try reach(.replacedAll, entries[0].change.path)
        for entry in entries {
            try checkInterrupts(entry.change.path)
            if entry.change.expected != nil, displaced(entry) != entry.change.expected {
                throw Failure(path: entry.change.path, reason: .changedOnDisk)
            }
        }
    }

    /// The text a replacement displaced, where it is now; nil if there is none to compare.
    private static func displaced(_ entry: Entry) -> [UInt8]? {
        guard entry.change.expected != nil else { return nil }
        switch entry.step {
        case .exchanged: return FileSystem.contents(entry.staged)
        case .renamed: return FileSystem.contents(entry.backup)
        default: return nil
        }
    }

    /// Puts back every file already replaced and removes every temporary file; false if some
    /// file could not be put back.
    @discardableResult
    private static func rollBack(_ entries: inout [Entry]) -> Bool {
        var complete = true
        for index in entries.indices.reversed() {
            let entry = entries[index]
            switch entry.step {
            case .exchanged:
                if case .exchanged = FileSystem.exchange(entry.staged, entry.target) {
                    FileSystem.remove(entry.staged)
                } else if FileSystem.rename(entry.staged, entry.target) != nil {
                    complete = false  // the original stays at `staged`, and the journal says where
                    continue
                }
            case .renamed:
                if entry.original == nil {
                    FileSystem.remove(entry.target)
                } else if FileSystem.rename(entry.backup, entry.target) != nil {
                    complete = false
                    continue
                }
            case .staged:
                FileSystem.remove(entry.staged)
            case .planned:
                break
            }
            entries[index].step = .planned
            FileSystem.syncDirectory(PathText.parent(of: entry.target))
        }
        return complete
    }

    private static func checkInterrupts(_ path: String) throws(Failure) {
        if let signal = Interrupts.pending { throw Failure(path: path, reason: .interrupted(signal: signal)) }
    }

    /// The deepest directory holding every path (all absolute).
    private static func commonDirectory(_ paths: [String]) -> String {
        var common = PathText.parent(of: paths[0]).split(separator: "/", omittingEmptySubsequences: false)
        for path in paths.dropFirst() {
            let parts = PathText.parent(of: path).split(separator: "/", omittingEmptySubsequences: false)
            common = Array(zip(common, parts).prefix { $0 == $1 }.map(\.0))
        }
        let joined = common.joined(separator: "/")
        return joined.isEmpty ? "/" : joined
    }

    private static func token() -> String {
        String(UInt32.random(in: 0...UInt32.max), radix: 36)
    }
}
