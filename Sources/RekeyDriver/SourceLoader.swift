import Foundation
import RekeySyntax

/// Reads a file's bytes exactly as they are on disk. (Writing is ``FileTransaction``'s.)
public enum SourceLoader {
    public enum Failure: Error, CustomStringConvertible {
        case unreadable(String)
        /// A FIFO, socket, device or directory where a Python file was expected: never opened for
        /// reading (a FIFO would block the run until something writes to it).
        case notARegularFile(kind: String)
        case notUTF8(SourceText.DecodingError)

        public var description: String {
            switch self {
            case .unreadable(let reason): return "cannot read: \(reason)"
            case .notARegularFile(let kind): return "skipped: not a regular file (\(kind))"
            case .notUTF8(let error): return "skipped: \(error)"
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

    /// The Python program of the file at `path` as rekey reads it: a notebook's code cells (see
    /// ``Notebook``), any other file's text. Nil for a notebook that is not Python or not readable.
    public static func loadProgram(_ path: String) throws(Failure) -> SourceText? {
        guard Notebook.isNotebookPath(path) else { return try load(path) }
        guard let notebook = try? Notebook(bytes: readBytes(path)) else { return nil }
        return try? SourceText(path: path, bytes: notebook.program)
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
}
