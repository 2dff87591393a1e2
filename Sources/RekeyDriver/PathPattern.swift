import Foundation

/// A glob from `exclude`, `extend-exclude` or `per-file-ignores`, matched as ruff matches them:
/// a pattern without a `/` (`build`, `*_pb2.py`) matches a file or folder of that name anywhere;
/// one with a `/` (`tests/*.py`, `src/legacy`) is anchored at the folder it was written in (the
/// configuration file's, or the working directory for a command-line option). `*` also matches
/// `/`, so `tests/*` covers everything below `tests`.
public struct PathPattern: Sendable, Equatable, CustomStringConvertible {
    /// As written.
    public let description: String
    /// What `fnmatch` compares: the pattern itself for a name, the absolute pattern otherwise.
    private let glob: String
    private let matchesNames: Bool

    public init(_ pattern: String, base: String) {
        description = pattern
        var trimmed = pattern
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        if trimmed.hasPrefix("./") { trimmed.removeFirst(2) }
        matchesNames = !trimmed.contains("/")
        glob = matchesNames || trimmed.hasPrefix("/") ? trimmed : PathPattern.absolute(trimmed, base: base)
    }

    /// What it matches, for the check cache's key: the same text written under another folder
    /// is another pattern.
    var identity: String { "\(matchesNames ? "name" : "path"):\(glob)" }

    /// Whether the file or folder at `path` (absolute, see ``absolute(_:base:)``) matches.
    public func matches(_ path: String) -> Bool {
        let subject = matchesNames ? PathText.lastComponent(of: path) : path
        return fnmatch(glob, subject, 0) == 0
    }

    /// Whether `path` or a folder above it below `top` matches: an excluded folder excludes what
    /// it holds, but the folders around the project (`/home/me/build/project`) do not count.
    public func matchesItselfOrAncestor(_ path: String, below top: String) -> Bool {
        let prefix = top.hasSuffix("/") ? top : top + "/"
        var current = path
        while true {
            if matches(current) { return true }
            let parent = PathText.parent(of: current)
            guard parent != current, parent.hasPrefix(prefix) else { return false }
            current = parent
        }
    }

    /// `path` made absolute against `base` and normalised (no `.`, `..` or doubled `/`), without
    /// resolving symbolic links: patterns name paths as the user spells them.
    public static func absolute(_ path: String, base: String) -> String {
        let joined = path.hasPrefix("/") ? path : (base as NSString).appendingPathComponent(path)
        return URL(fileURLWithPath: joined).standardizedFileURL.path
    }
}
