import Foundation
import RekeySyntax

/// Reads a file's bytes exactly as they are on disk, and writes new contents atomically, only
/// if the file still holds the bytes that were read.
public enum SourceLoader {
    public enum Failure: Error, CustomStringConvertible {
        case unreadable(String)
        /// A FIFO, socket, device or directory where a Python file was expected: never opened for
        /// reading (a FIFO would block the run until something writes to it).
        case notARegularFile(kind: String)
        case notUTF8(SourceText.DecodingError)
        case changedOnDisk
        case writeFailed(String)

        public var description: String {
            switch self {
            case .unreadable(let reason): return "cannot read: \(reason)"
            case .notARegularFile(let kind): return "skipped: not a regular file (\(kind))"
            case .notUTF8(let error): return "skipped: \(error)"
            case .changedOnDisk: return "not written: the file changed on disk since rekey read it"
            case .writeFailed(let reason): return "not written: \(reason)"
            }
        }
    }

    /// The file's bytes. It is opened without blocking and read only if it is a regular file, so
    /// a FIFO or device among the inputs is reported, not waited on.
    public static func readBytes(_ path: String) throws(Failure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw .unreadable(String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .unreadable(String(cString: strerror(errno))) }
        guard status.st_mode & S_IFMT == S_IFREG else { throw .notARegularFile(kind: fileKind(status.st_mode)) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(status.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(String(cString: strerror(errno)))
            }
            bytes += chunk[0..<count]
        }
    }

    /// What a file that is not a regular file is, in words.
    static func fileKind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFDIR: return "a directory"
        case S_IFLNK: return "a symbolic link"
        default: return "of an unknown kind"
        }
    }

    public static func load(_ path: String) throws(Failure) -> SourceText {
        let bytes = try readBytes(path)
        if let problem = SourceText.wideEncodingOrNul(in: bytes) { throw .notUTF8(problem) }
        do {
            return try SourceText(path: path, bytes: bytes)
        } catch {
            throw .notUTF8(error)
        }
    }

    /// Writes `new` over `path` by renaming a temporary file in the same directory, after
    /// checking the file still holds `expected`. The original's permissions are kept.
    public static func replace(_ path: String, expected: [UInt8], with new: [UInt8]) throws(Failure) {
        guard let current = FileManager.default.contents(atPath: path), Array(current) == expected else {
            throw .changedOnDisk
        }
        let directory = (path as NSString).deletingLastPathComponent.nonEmpty ?? "."
        let temporary = (directory as NSString).appendingPathComponent(
            ".\((path as NSString).lastPathComponent).rekey-\(getpid())")
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard FileManager.default.createFile(atPath: temporary, contents: Data(new),
                                             attributes: attributes?.filter { $0.key == .posixPermissions }) else {
            throw .writeFailed("cannot create \(temporary): \(String(cString: strerror(errno)))")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .writeFailed("cannot rename into place: \(reason)")
        }
    }
}
