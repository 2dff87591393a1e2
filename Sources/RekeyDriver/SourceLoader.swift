import Foundation
import RekeySyntax

/// Reads a file's bytes exactly as they are on disk, and writes new contents atomically, only
/// if the file still holds the bytes that were read.
public enum SourceLoader {
    public enum Failure: Error, CustomStringConvertible {
        case unreadable(String)
        case notUTF8(SourceText.DecodingError)
        case changedOnDisk
        case writeFailed(String)

        public var description: String {
            switch self {
            case .unreadable(let reason): return "cannot read: \(reason)"
            case .notUTF8(let error): return "skipped: \(error)"
            case .changedOnDisk: return "not written: the file changed on disk since rekey read it"
            case .writeFailed(let reason): return "not written: \(reason)"
            }
        }
    }

    public static func readBytes(_ path: String) throws(Failure) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(String(cString: strerror(errno)))
        }
        return Array(data)
    }

    public static func load(_ path: String) throws(Failure) -> SourceText {
        let bytes = try readBytes(path)
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
