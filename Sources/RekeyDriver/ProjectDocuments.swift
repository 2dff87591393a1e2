import Foundation

/// The documentation files of a run's projects (`*.md`, `*.rst`, `*.txt`, as its walks met them)
/// that hold interactive examples (`>>> …` lines). pytest runs those of `test*.txt` by default
/// and others with `--doctest-glob`, Sphinx's doctest builder those of its pages: an example
/// calling a function whose signature a fix changes breaks as a caller in code would, and rekey
/// does not update it. Read once per project, and only when a fix changing a signature asks.
final class ProjectDocuments: @unchecked Sendable {
    struct Document {
        let path: String
        let bytes: [UInt8]
    }

    static let extensions = [".md", ".rst", ".txt"]
    /// Larger files are data, not documentation.
    static let largestDocument = 2_000_000

    static func isDocument(_ name: String) -> Bool {
        extensions.contains { name.hasSuffix($0) }
    }

    private let roots: ProjectSettingsCache
    /// The documents, as spelt in results and absolute, in order.
    private let paths: [(spelt: String, absolute: String)]
    /// The documents as spelt in results, in order.
    var files: [String] { paths.map(\.spelt) }
    private let lock = NSLock()
    private var byRoot: [String: [Document]] = [:]

    /// `paths`: the documents the run's walks met.
    init(_ paths: [String], roots: ProjectSettingsCache) {
        let workingDirectory = FileManager.default.currentDirectoryPath
        self.paths = Set(paths).sorted().map { ($0, PathPattern.absolute($0, base: workingDirectory)) }
        self.roots = roots
    }

    /// The documents with examples in the project of the file at `path` (see ``ProjectRoot``);
    /// none for a file outside any project.
    func examples(aroundFile path: String) -> [Document] {
        guard let root = roots.root(forFile: path) else { return [] }
        lock.lock()
        defer { lock.unlock() }
        if let known = byRoot[root] { return known }
        let prompt = Array(">>> ".utf8)
        let found = paths.compactMap { path -> Document? in
            var status = stat()
            guard path.absolute.isSame(orInside: root), stat(path.spelt, &status) == 0, status.st_size <= Self.largestDocument,
                let bytes = try? SourceLoader.readBytes(path.spelt), Prefilter.firstOccurrence(of: prompt, in: bytes, from: 0) != nil
            else { return nil }
            return Document(path: path.spelt, bytes: bytes)
        }
        byRoot[root] = found
        return found
    }
}
