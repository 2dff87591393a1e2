import Foundation

/// Files written into a fresh temporary folder, for tests that run rekey on a tree as a user
/// would: `files` maps paths relative to the folder (`pkg/a.py`) to their text. The one place
/// the test targets make such a folder.
public struct TemporaryTree: Sendable {
    public let root: URL

    public init(_ files: [String: String] = [:], prefix: String = "rekey-test") throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for (path, text) in files { try write(text, to: path) }
    }

    /// Writes (or overwrites) one file, making its folders.
    public func write(_ text: String, to relative: String) throws {
        try write(Data(text.utf8), to: relative)
    }

    public func write(_ data: Data, to relative: String) throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    public func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    public func remove() { try? FileManager.default.removeItem(at: root) }

    /// Runs `body` with a tree of `files`, removed afterwards whatever `body` does.
    public static func with<T>(_ files: [String: String], prefix: String = "rekey-test", _ body: (TemporaryTree) throws -> T) throws -> T {
        let tree = try TemporaryTree(files, prefix: prefix)
        defer { tree.remove() }
        return try body(tree)
    }
}
