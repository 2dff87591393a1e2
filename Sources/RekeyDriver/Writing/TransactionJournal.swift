import Foundation

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// The record of a commit in progress (see ``FileTransaction``), so that a run ended by a crash,
/// a `kill -9` or a power cut is finished or rolled back by the next `rekey fix` near it.
///
/// One small JSON file, `.rekey-journal-<pid>-<token>.json`, in the directory that holds every
/// file of the commit. It names each file replaced, the two side files a commit uses beside it
/// (`staged`: the new text before the swap, the old one after it; `backup`: the old text when
/// the system cannot swap), and the size and FNV-1a hash of the old and the new text. That is
/// all recovery needs: wherever the old text is, it is recognised by its fingerprint. The
/// committing process holds an `flock` on the journal, so a commit still running is never
/// recovered by another run; the lock dies with the process.
public struct TransactionJournal: Codable {
    struct Fingerprint: Codable, Equatable {
        let size: Int
        let fnv1a64: String

        init(_ bytes: [UInt8]) {
            size = bytes.count
            fnv1a64 = String(StableHash.of(bytes), radix: 16)
        }
    }

    struct Entry: Codable {
        let target: String
        let staged: String
        let backup: String
        /// Nil when the file did not exist before (a new report).
        let old: Fingerprint?
        let new: Fingerprint
    }

    var version = 1
    let processID: Int32
    let entries: [Entry]

    static let namePrefix = ".rekey-journal-"
    static let nameSuffix = ".json"

    static func isJournalName(_ name: String) -> Bool {
        name.hasPrefix(namePrefix) && name.hasSuffix(nameSuffix)
    }

    // MARK: Writing

    /// An open, locked journal; ``end()`` removes it.
    struct Handle {
        let path: String
        let descriptor: Int32

        func end() {
            unlink(path)
            FileSystem.syncDirectory(PathText.parent(of: path))
            close(descriptor)  // releases the lock
        }

        /// Leaves the journal for the next run to recover, and releases the lock.
        func release() {
            close(descriptor)
        }
    }

    /// Writes the journal into `directory`, flushed to disk with its directory entry, and locks it.
    static func begin(_ entries: [Entry], in directory: String, token: String) throws(FileTransaction.Failure) -> Handle {
        let path = (directory as NSString).appendingPathComponent("\(namePrefix)\(getpid())-\(token)\(nameSuffix)")
        let journal = TransactionJournal(processID: getpid(), entries: entries)
        let bytes: [UInt8]
        do {
            bytes = Array(try JSONEncoder().encode(journal))
        } catch {
            throw FileTransaction.Failure(path: path, reason: .io("cannot encode the journal: \(error)"))
        }
        if let failure = FileSystem.create(path, bytes: bytes, mode: 0o600, owner: nil) {
            throw FileTransaction.Failure(path: path, reason: .io(failure))
        }
        FileSystem.syncDirectory(directory)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0, flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let reason = String(cString: strerror(errno))
            if descriptor >= 0 { close(descriptor) }
            unlink(path)
            throw FileTransaction.Failure(path: path, reason: .io("cannot lock the journal: \(reason)"))
        }
        return Handle(path: path, descriptor: descriptor)
    }

    // MARK: Finding

    /// Journals in the directories of `paths` (each a file or a directory) and in all their
    /// ancestors, plus those a walk below them met (`FileDiscovery.Result.journals`); relative
    /// to the working directory when below it.
    public static func find(near paths: [String], walked: [String]) -> [String] {
        var directories = Set<String>()
        for path in paths {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            var directory = URL(fileURLWithPath: FileSystem.absolute(path)).standardizedFileURL
            if !(exists && isDirectory.boolValue) { directory.deleteLastPathComponent() }
            while directories.insert(directory.path).inserted {
                let parent = directory.deletingLastPathComponent()
                if parent.path == directory.path { break }
                directory = parent
            }
        }
        var found = Set(walked.map(FileSystem.absolute))
        for directory in directories {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
            for name in names where isJournalName(name) {
                found.insert((directory as NSString).appendingPathComponent(name))
            }
        }
        return found.map(display).sorted()
    }

    // MARK: Recovery

    /// `path` relative to the working directory when it is below it, as the user's paths read.
    private static func display(_ path: String) -> String {
        let directory = FileManager.default.currentDirectoryPath + "/"
        return path.hasPrefix(directory) ? String(path.dropFirst(directory.count)) : path
    }

    /// Finishes or rolls back the commit `path` records, and says what it did. A commit that
    /// replaced every file is finished (its leftover originals removed); one that stopped part
    /// way is rolled back (each replaced file gets its original back), so the tree is as it was
    /// before that run. A file edited since is left as it is, its original kept beside it.
    public static func recover(_ path: String) -> [Diagnostic] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return [] }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            return [
                Diagnostic(
                    path: display(path), message: "a `rekey fix` is committing files here right now; its journal is left alone",
                    severity: .warning)
            ]
        }
        guard let bytes = FileSystem.contents(path), let journal = try? JSONDecoder().decode(TransactionJournal.self, from: Data(bytes))
        else {
            return [
                Diagnostic(
                    path: display(path),
                    message: "an interrupted `rekey fix` left this journal, which cannot be read; "
                        + "check the files beside it (.*.rekey-*) by hand, then delete it")
            ]
        }
        let fingerprint = { (file: String) in FileSystem.contents(file).map(Fingerprint.init) }
        let complete = journal.entries.allSatisfy { fingerprint($0.target) == $0.new }
        var restored: [String] = []
        var kept: [String] = []
        var finished: [String] = []
        for entry in journal.entries {
            let target = fingerprint(entry.target)
            // Where the original text is now: swapped to `staged`, or linked or copied to `backup`.
            let original = [entry.staged, entry.backup].first { file in
                entry.old != nil && FileManager.default.fileExists(atPath: file) && fingerprint(file) == entry.old
            }
            if complete {
                finished.append(entry.target)
            } else if target == entry.new, let original {
                if FileSystem.rename(original, entry.target) == nil { restored.append(entry.target) }
            } else if target == entry.new, entry.old == nil {
                unlink(entry.target)  // a file the commit created: it did not exist before
                restored.append(entry.target)
            } else if target != entry.old, let original {
                kept.append("\(entry.target) (its original is kept at \(display(original)))")
                continue
            }
            for file in [entry.staged, entry.backup] where FileManager.default.fileExists(atPath: file) {
                unlink(file)
            }
        }
        unlink(path)
        var directories = Set(journal.entries.map { PathText.parent(of: $0.target) })
        directories.insert(PathText.parent(of: path))
        directories.forEach(FileSystem.syncDirectory)
        restored = restored.map(display)
        kept = kept.map(display)
        var diagnostics: [Diagnostic] = []
        let run = "an interrupted `rekey fix` (process \(journal.processID))"
        if complete {
            diagnostics.append(
                Diagnostic(
                    path: display(path),
                    message: "\(run) had replaced all \(finished.count) of its files; "
                        + "its leftover originals were removed", severity: .warning))
        } else {
            diagnostics.append(
                Diagnostic(
                    path: display(path),
                    message: "\(run) was rolled back: "
                        + (restored.isEmpty
                            ? "none of its files had been replaced"
                            : "restored " + restored.joined(separator: ", ")),
                    severity: .warning))
        }
        if !kept.isEmpty {
            diagnostics.append(
                Diagnostic(
                    path: display(path),
                    message: "\(run): changed since, so left as they are: "
                        + kept.joined(separator: "; ")))
        }
        return diagnostics
    }
}
