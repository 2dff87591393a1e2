/// The parts of a slash-separated path, read from its bytes. `NSString`'s path methods do the
/// same, but bridging costs some 40,000 instructions a call, and on this toolchain
/// `deletingLastPathComponent` crashes on a one-character path (`a`, `.`): the folder that a
/// walk up from `a/b.py` reaches.
public enum PathText {
    /// The last component of `path`, as `NSString.lastPathComponent` gives it (`b` for `/a/b`
    /// and `/a/b/`, `/` for `/`).
    public static func lastComponent(of path: String) -> String {
        let bytes = Substring(path).utf8
        let end = endWithoutTrailingSlashes(bytes)
        if end == bytes.startIndex { return path.isEmpty ? "" : "/" }
        let start = bytes[..<end].lastIndex(of: slash).map(bytes.index(after:)) ?? bytes.startIndex
        return String(path[start..<end])
    }

    /// `path` without its last component, as `NSString.deletingLastPathComponent` gives it (`/a`
    /// for `/a/b` and `/a/b/`, `/` for `/a` and `/`, empty for `a`).
    public static func parent(of path: String) -> String {
        let bytes = Substring(path).utf8
        let end = endWithoutTrailingSlashes(bytes)
        if end == bytes.startIndex { return path.isEmpty ? "" : "/" }
        guard let lastSlash = bytes[..<end].lastIndex(of: slash) else { return "" }
        let parentEnd = endWithoutTrailingSlashes(bytes[..<lastSlash])
        return parentEnd == bytes.startIndex ? "/" : String(path[..<parentEnd])
    }

    /// `name` inside `folder`, with one slash between them (`/a` for `/` and `a`).
    public static func appending(_ name: String, to folder: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    private static let slash = UInt8(ascii: "/")

    private static func endWithoutTrailingSlashes(_ bytes: Substring.UTF8View) -> String.Index {
        var end = bytes.endIndex
        while end > bytes.startIndex, bytes[bytes.index(before: end)] == slash { end = bytes.index(before: end) }
        return end
    }
}
