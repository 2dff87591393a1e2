import Foundation

/// The documentation files of each project (`*.md`, `*.rst`, `*.txt`) that hold interactive
/// examples (`>>> …` lines). pytest runs those of `test*.txt` by default and others with
/// `--doctest-glob`, Sphinx's doctest builder those of its pages: an example calling a function
/// whose signature a fix changes breaks as a caller in code would, and rekey does not update
/// it. Read once per project, and only when a fix changing a signature asks.
final class ProjectDocuments: @unchecked Sendable {
    struct Document {
        let path: String
        let bytes: [UInt8]
    }

    static let extensions = [".md", ".rst", ".txt"]
    /// Larger files are data, not documentation.
    static let largestDocument = 2_000_000
    /// A project with more documents than this is read only this far.
    static let mostDocuments = 5_000

    private let roots: ProjectSettingsCache
    private let lock = NSLock()
    private var byRoot: [String: [Document]] = [:]

    init(roots: ProjectSettingsCache) {
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
        let found = FileDiscovery.files(in: [ProjectRoot.spelt(root)], named: Self.extensions, limit: Self.mostDocuments).files.compactMap {
            file -> Document? in
            var status = stat()
            guard stat(file, &status) == 0, status.st_size <= Self.largestDocument, let bytes = try? SourceLoader.readBytes(file),
                Prefilter.firstOccurrence(of: prompt, in: bytes, from: 0) != nil
            else { return nil }
            return Document(path: file, bytes: bytes)
        }
        byRoot[root] = found
        return found
    }
}
