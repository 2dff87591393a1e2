import Foundation

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// The system calls a commit is made of, each returning the error text on failure.
enum FileSystem {
    /// `renameat2(..., RENAME_EXCHANGE)`: swaps two names atomically, so neither file is ever
    /// lost. Looked up at run time (Swift's Glibc does not declare it); nil where the C library
    /// lacks it, and the call fails with EINVAL on file systems that do not support it.
    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    private static let renameat2: RenameAt2? = {
        #if os(Linux)
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return nil }
            return unsafeBitCast(symbol, to: RenameAt2.self)
        #else
            return nil
        #endif
    }()
    private static let renameExchange: UInt32 = 2

    enum ExchangeResult {
        case exchanged
        /// The system or file system cannot exchange: fall back to link and rename.
        case unsupported
        case failed(String)
    }

    static func exchange(_ first: String, _ second: String) -> ExchangeResult {
        guard let renameat2 else { return .unsupported }
        if renameat2(AT_FDCWD, first, AT_FDCWD, second, renameExchange) == 0 { return .exchanged }
        let error = errno
        if error == EINVAL || error == ENOSYS || error == ENOTSUP || error == EOPNOTSUPP { return .unsupported }
        return .failed(String(cString: strerror(error)))
    }

    static func rename(_ from: String, _ to: String) -> String? {
        systemRename(from, to) == 0 ? nil : String(cString: strerror(errno))
    }

    static func link(_ existing: String, _ new: String) -> String? {
        systemLink(existing, new) == 0 ? nil : String(cString: strerror(errno))
    }

    /// Moves `from` to `to` only if nothing is at `to` (a hard link, then the old name removed);
    /// where the file system has no hard links, a plain rename.
    static func renameWithoutReplacing(_ from: String, _ to: String) -> String? {
        if systemLink(from, to) == 0 {
            unlink(from)
            return nil
        }
        if errno == EEXIST { return "something was created at \(to) meanwhile" }
        return rename(from, to)
    }

    static func remove(_ path: String) {
        unlink(path)
    }

    /// Flushes a directory's entries (a rename is durable only once its directory is).
    static func syncDirectory(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    /// `path`'s status without following a final link, or nil.
    static func status(_ path: String, followingLinks: Bool = false) -> stat? {
        var status = stat()
        let result = followingLinks ? stat(path, &status) : lstat(path, &status)
        return result == 0 ? status : nil
    }

    /// The whole file, or nil if it cannot be read (missing, unreadable, not a regular file).
    static func contents(_ path: String) -> [UInt8]? {
        try? SourceLoader.readBytes(path)
    }

    /// Writes `bytes` to a new file at `path` (which must not exist), gives it `mode` and, when
    /// `owner` differs from the process's, that owner; flushes it to disk. Removes it on failure.
    static func create(_ path: String, bytes: [UInt8], mode: mode_t, owner: (uid: uid_t, gid: gid_t)?) -> String? {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { return "cannot create \(path): \(String(cString: strerror(errno)))" }
        var failure: String?
        var remaining = bytes[...]
        while failure == nil, !remaining.isEmpty {
            let written = remaining.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno != EINTR { failure = "cannot write \(path): \(String(cString: strerror(errno)))" }
            } else {
                remaining = remaining.dropFirst(written)
            }
        }
        if failure == nil, let owner, owner.uid != geteuid() || owner.gid != getegid(),
            fchown(descriptor, owner.uid, owner.gid) != 0
        {
            failure =
                "cannot give the new file the original's owner (uid \(owner.uid), gid \(owner.gid)): "
                + String(cString: strerror(errno))
        }
        if failure == nil, fchmod(descriptor, mode & 0o7777) != 0 {
            failure = "cannot set the mode of \(path): \(String(cString: strerror(errno)))"
        }
        if failure == nil, fsync(descriptor) != 0 {
            failure = "cannot flush \(path) to disk: \(String(cString: strerror(errno)))"
        }
        if close(descriptor) != 0, failure == nil {
            failure = "cannot close \(path): \(String(cString: strerror(errno)))"
        }
        if failure != nil { unlink(path) }
        return failure
    }

    /// The mode a new file gets: 0666 less the umask, as a shell redirection would create it.
    static var newFileMode: mode_t {
        let mask = umask(0o022)
        umask(mask)
        return 0o666 & ~mask
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
    }
}

#if canImport(Glibc)
    private let systemRename = Glibc.rename
    private let systemLink = Glibc.link
#else
    private let systemRename = Darwin.rename
    private let systemLink = Darwin.link
#endif
