import Foundation

/// A scratch directory for running the real patch tools (git, GNU patch) on rendered diffs.
/// Git is isolated from the user's and system's configuration, and from any repository above
/// the directory, so only the diff under test decides the outcome.
struct PatchTools {
    let root: URL

    struct Result {
        var status: Int32
        var output: String
    }

    init() throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("rekey-edits-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    func removeAll() {
        try? FileManager.default.removeItem(at: root)
    }

    func url(_ relativePath: String) -> URL {
        root.appendingPathComponent(relativePath)
    }

    func write(_ bytes: [UInt8], to relativePath: String) throws {
        let file = url(relativePath)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: file)
    }

    func read(_ relativePath: String) throws -> [UInt8] {
        Array(try Data(contentsOf: url(relativePath)))
    }

    /// Runs `arguments` (looked up on PATH) in `directory`, relative to the root; stdout and stderr
    /// are returned together.
    func run(_ arguments: [String], in directory: String = ".") throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = url(directory)
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        environment["GIT_CEILING_DIRECTORIES"] = root.deletingLastPathComponent().path
        environment["LC_ALL"] = "C"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        // Read before waiting: a child blocked on a full pipe would never exit.
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self))
    }
}
