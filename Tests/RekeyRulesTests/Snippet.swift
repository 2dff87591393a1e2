import Foundation
import RekeyDriver
import RekeyEdits
import RekeyRules
import RekeySyntax
import RekeyTestSupport
import Testing

/// A Python snippet run through rekey the way the CLI runs a file: the bytes are written to a
/// file of their own temporary directory and go through `Engine`, so discovery, the prefilter,
/// analysis, the cross-file guard and fix application to a fixed point are all exercised.
/// Nothing is written back: `fix` returns the rewritten bytes.
struct Snippet {
    let bytes: [UInt8]

    init(_ text: String) { bytes = Array(text.utf8) }
    init(bytes: [UInt8]) { self.bytes = bytes }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Findings of `rules` (all of them by default), unused suppressions (RK100) included.
    func check(rules: [any Rule] = RuleRegistry.all) throws -> Engine.CheckReport {
        try withFile { Engine(options: .init(jobs: 1, reportUnusedSuppressions: true), rules: rules).check(paths: [$0]) }
    }

    /// Findings of one rule, by code.
    func findings(_ code: RuleCode = "RK001") throws -> [Finding] {
        try check().findings.filter { $0.code == code }
    }

    func fix(unsafeFixes: Bool = false, rules: [any Rule] = RuleRegistry.all) throws -> Fixed {
        try withFile { path in
            let report = Engine(options: .init(unsafeFixes: unsafeFixes, jobs: 1), rules: rules).fix(paths: [path])
            return Fixed(report: report, bytes: report.changes.first { $0.path == path }?.updated ?? bytes)
        }
    }

    struct Fixed {
        let report: Engine.FixReport
        let bytes: [UInt8]
        var text: String { String(decoding: bytes, as: UTF8.self) }
        var snippet: Snippet { Snippet(bytes: bytes) }
    }

    private func withFile<T>(_ body: (String) throws -> T) throws -> T {
        let tree = try TemporaryTree(prefix: "rekey-rules")
        defer { tree.remove() }
        try tree.write(Data(bytes), to: "snippet.py")
        return try body(tree.path("snippet.py"))
    }

    // MARK: Output checks

    /// The first syntax error tree-sitter finds, as `line:column`, or nil.
    var treeSitterError: String? {
        get throws {
            let tree = try PythonParser().parse(try SourceText(path: "snippet.py", bytes: bytes))
            return tree.firstError.map { "\($0.startPosition)" }
        }
    }

    /// CPython's verdict, which is stricter than tree-sitter's (it rejects `def f(*a, *, k)`):
    /// nil when the bytes compile, else the error. Nil too when no `python3` is on PATH, since
    /// tree-sitter still checks the output then.
    var cpythonError: String? {
        get throws {
            guard Snippet.hasPython else { return nil }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-c", "import sys; compile(sys.stdin.buffer.read(), 'snippet.py', 'exec')"]
            let input = Pipe()
            let errors = Pipe()
            process.standardInput = input
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            input.fileHandleForWriting.write(Data(bytes))
            try input.fileHandleForWriting.close()
            let message = errors.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return process.terminationStatus == 0 ? nil : String(decoding: message, as: UTF8.self)
        }
    }

    static let hasPython: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "pass"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()
}

/// What a finding says, without the path (each snippet has its own temporary one).
struct Reported: Equatable, CustomStringConvertible {
    let code: RuleCode
    let range: ByteRange
    let start: SourcePosition
    let end: SourcePosition
    let message: String
    /// The fix's applicability, or the hand-migration reason.
    let remedy: String

    init(_ finding: Finding) {
        code = finding.code
        range = finding.range
        start = finding.start
        end = finding.end
        message = finding.message
        switch finding.remedy {
        case .fix(let fix): remedy = "fix (\(fix.applicability))"
        case .manual(let reason): remedy = "manual: \(reason)"
        }
    }

    init(code: RuleCode, range: ByteRange, start: SourcePosition, end: SourcePosition, message: String, remedy: String) {
        self.code = code
        self.range = range
        self.start = start
        self.end = end
        self.message = message
        self.remedy = remedy
    }

    var description: String { "\(code) \(start)-\(end) \(range) \(message) [\(remedy)]" }

    /// The same finding in a file with `lines` whole lines (`bytes` bytes) put before it:
    /// ranges and lines move, columns do not, and line numbers quoted in texts move too.
    func shifted(lines: Int, bytes: Int) -> Reported {
        Reported(
            code: code,
            range: ByteRange(range.start + bytes, range.end + bytes),
            start: SourcePosition(line: start.line + lines, column: start.column),
            end: SourcePosition(line: end.line + lines, column: end.column),
            message: Self.shiftingLineNumbers(message, by: lines),
            remedy: Self.shiftingLineNumbers(remedy, by: lines))
    }

    static func shiftingLineNumbers(_ text: String, by lines: Int) -> String {
        text.replacing(/line (\d+)/) { match in "line \(Int(match.output.1)! + lines)" }
    }
}

/// SwiftLint-style mutations: the same example, written differently, must mean the same.
enum Mutation {
    /// A comment with emoji and CJK and a CJK identifier: every later byte offset moves by a
    /// number of bytes that is not the number of characters.
    static let multiBytePrefix = "# 前置き 🎲🔑: ünïcödé\n变量 = \"键🔑\"\n"
    static let multiBytePrefixLines = 2

    /// Every line ending as CRLF.
    static func crlf(_ text: String) -> [UInt8] {
        precondition(!text.utf8.contains(UInt8(ascii: "\r")), "already has CR")
        return Array(text.utf8).flatMap { $0 == UInt8(ascii: "\n") ? [UInt8(ascii: "\r"), $0] : [$0] }
    }

    /// Each leading group of four spaces as one tab.
    static func tabs(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { (line: Substring) -> String in
            let spaces = line.prefix { $0 == " " }.count
            return String(repeating: "\t", count: spaces / 4) + line.dropFirst(spaces / 4 * 4)
        }.joined(separator: "\n")
    }

    /// The text as the content of a raw triple-quoted string statement.
    static func insideString(_ text: String) -> String {
        let quotes = text.contains("'''") ? "\"\"\"" : "'''"
        precondition(!text.contains(quotes), "no triple quote is free")
        return "r\(quotes)\n\(text)\(quotes)\n"
    }

    /// Every line commented out.
    static func commentedOut(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { (line: Substring) -> String in line.isEmpty ? "" : "# " + line }
            .joined(separator: "\n")
    }
}
