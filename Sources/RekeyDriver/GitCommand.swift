import Foundation

/// `git` run as a child process: file discovery's listing of what git ignores, and `rekey batch`'s
/// clone, branch, commit, format-patch. A failure carries git's own last line of complaint, which
/// says what went wrong better than a status.
struct GitCommand {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The work tree git runs in (`git -C`); nil for commands that need none (`ls-remote`, `clone`).
    let directory: String?

    /// git's standard output.
    @discardableResult
    func run(_ arguments: [String]) throws(Failure) -> String {
        String(decoding: try output(arguments), as: UTF8.self)
    }

    /// git's standard output as bytes (file names need not be UTF-8).
    func output(_ arguments: [String]) throws(Failure) -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + (directory.map { ["-C", $0] } ?? []) + arguments
        // Never wait for a password prompt: a repository that needs credentials git does not
        // already have fails, and the batch goes on.
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_TERMINAL_PROMPT"] = "0"
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw Failure(description: "cannot run git: \(error.localizedDescription)")
        }
        // Both pipes are drained at once, so neither fills up while git waits on the other.
        nonisolated(unsafe) var errorData = Data()
        let drained = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            errorData = errors.fileHandleForReading.readDataToEndOfFile()
            drained.signal()
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            // git's first fatal line says what failed; the lines after it give advice, except
            // when it ends in a colon: then the next line gives the cause (`unable to connect to
            // host:` and, below it, `errno=Connection refused`).
            let lines = String(decoding: errorData, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init)
            let fatal = lines.firstIndex { $0.hasPrefix("fatal: ") || $0.hasPrefix("error: ") }
            var complaint = fatal.map { lines[$0] } ?? lines.last ?? "exit status \(process.terminationStatus)"
            if let fatal, complaint.hasSuffix(":"), fatal + 1 < lines.count { complaint += " " + lines[fatal + 1] }
            throw Failure(description: "git \(arguments[0]): \(complaint)")
        }
        return outputData
    }
}
