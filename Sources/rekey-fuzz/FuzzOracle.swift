import Foundation
import RekeyDriver
import RekeyEdits
import RekeySyntax

/// One input through rekey's pipeline as `rekey fix --unsafe-fixes` runs it (discovery, read,
/// parse within limits, analyse, fixes to a fixed point, tidying), then the invariants the
/// pipeline promises, each a failure if broken:
/// - the fix changes only the files given, each starting from exactly the bytes read;
/// - what it writes is UTF-8 and, when the input passed rekey's own validity check
///   (`PythonParser.parseCompilable`, what `FixApplier` holds every fix to), passes it too;
/// - the diff `rekey diff` prints applies, strictly (exact hunk headers and context), to the
///   input and gives the output;
/// - a second run over the output changes nothing (unless the first stopped at the round limit);
/// - the reports (`check`'s JSON, `--report`'s JSON) are JSON.
/// A crash (a Swift trap, a signal) is a failure too: libFuzzer, or the replay tool's exit status,
/// shows it.
///
/// The input is written to files in a private temporary folder (the engine reads files); the
/// folder holds a `setup.cfg`, so it is the project root and nothing around it is read.
/// An input may stand for several files (see ``files(of:)``).
final class FuzzOracle {
    nonisolated(unsafe) static let shared = FuzzOracle()

    struct Failure: CustomStringConvertible {
        let invariant: String
        let detail: String
        var description: String { "\(invariant)\n\(detail)" }
    }

    let directory: String
    private let parser: PythonParser

    private init() {
        let base = FileManager.default.isWritableFile(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        var template = Array((base as NSString).appendingPathComponent("rekey-fuzz.XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { fatalError("rekey-fuzz: cannot create a temporary folder in \(base)") }
        directory = String(cString: made)
        guard let parser = try? PythonParser() else { fatalError("rekey-fuzz: the Python grammar does not load") }
        self.parser = parser
        FuzzOracle.temporaryFolder = directory
        atexit { if let folder = FuzzOracle.temporaryFolder { try? FileManager.default.removeItem(atPath: folder) } }
    }

    nonisolated(unsafe) private static var temporaryFolder: String?

    /// The files an input stands for. An input is one Python file, named as a test module when it
    /// defines tests (entry points create keys there), else as a plain one; or, when it has lines
    /// `#>>> NAME` (NAME a relative path of identifiers ending in `.py`, at most 8 of them), a
    /// small project: each such line starts the file NAME, and what comes before the first is
    /// ignored. The fuzzer then reaches what spans files (callers in other modules, the signature
    /// guard, fixes that edit several files); scripts/fuzz seeds it with the package-shaped fixtures
    /// written this way.
    static func files(of bytes: [UInt8]) -> [(name: String, bytes: [UInt8])] {
        let marker = Array("#>>> ".utf8)
        var files: [(name: String, bytes: [UInt8])] = []
        var lineStart = 0
        var current: (name: String, start: Int)?
        func close(at end: Int) {
            if let open = current { files.append((open.name, Array(bytes[open.start..<end]))) }
        }
        while lineStart < bytes.count {
            let newline = bytes[lineStart...].firstIndex(of: 10)
            let lineEnd = newline ?? bytes.count
            let line = bytes[lineStart..<lineEnd]
            if line.starts(with: marker), files.count < 8,
                let name = String(validating: line.dropFirst(marker.count), as: UTF8.self), isSafeName(name),
                !files.contains(where: { $0.name == name }), current?.name != name
            {
                close(at: lineStart)
                current = (name, min(lineEnd + 1, bytes.count))
            }
            lineStart = lineEnd + 1
        }
        close(at: bytes.count)
        if files.isEmpty {
            return [(contains(bytes, Array("def test".utf8)) ? "test_fuzz.py" : "fuzz_input.py", bytes)]
        }
        return files
    }

    private static func isSafeName(_ name: String) -> Bool {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard name.hasSuffix(".py"), (1...3).contains(parts.count) else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.count <= 40 && part.first != "."
                && part.allSatisfy { $0 == "_" || $0 == "." || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
        }
    }

    func run(_ bytes: [UInt8]) -> Failure? {
        let files = Self.files(of: bytes)
        let project = directory + "/project"
        let options = Engine.Options(unsafeFixes: true, jobs: 1, prefilter: false)

        try? FileManager.default.removeItem(atPath: project)
        guard (try? FileManager.default.createDirectory(atPath: project, withIntermediateDirectories: true)) != nil,
            // The marker is a setup.cfg, not empty: Foundation (swift-foundation 6.3.1) leaks 4 KiB
            // on every read of an empty file on Linux, and TOMLKit some 500 bytes per pyproject.toml
            // parsed, which would grow the fuzzer's memory with every engine run.
            write(Array("[metadata]\nname = fuzz\n".utf8), to: project + "/setup.cfg")
        else { return nil }
        defer { try? FileManager.default.removeItem(atPath: project) }
        var written: [String: [UInt8]] = [:]
        for file in files {
            let path = project + "/" + file.name
            let folder = PathText.parent(of: path)
            // A name that is also a folder (`a.py` and `a.py/b.py`) is not written.
            guard (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil,
                write(file.bytes, to: path)
            else { continue }
            written[path] = file.bytes
        }

        let check = Engine(options: options).check(paths: [project])
        if let failure = checkJSON(JSONReport.render(findings: check.findings, diagnostics: check.diagnostics), what: "check's JSON report")
        {
            return failure
        }
        for format in OutputFormat.allCases {
            _ = format.render(
                findings: check.findings, diagnostics: check.diagnostics, unsafeFixesEnabled: true,
                workingDirectory: project)
        }

        let report = Engine(options: options).fix(paths: [project])
        let outcome = FixOutcome(report: report, options: options, wrote: false)
        if let failure = checkJSON(FixReportWriter.render(outcome, as: .json), what: "the --report JSON") { return failure }
        _ = FixReportWriter.render(outcome, as: .markdown)

        for change in report.changes {
            let name = String(change.path.dropFirst(project.count + 1))
            guard change.path.hasPrefix(project + "/"), let original = written[change.path] else {
                return Failure(invariant: "fix changed a file it was not given", detail: change.path)
            }
            guard change.original == original else {
                return Failure(invariant: "the change to \(name) does not start from the bytes read", detail: "")
            }
            let output: SourceText
            do {
                output = try SourceText(path: change.path, bytes: change.updated)
            } catch {
                return Failure(invariant: "fix output for \(name) is not text rekey can read", detail: "\(error)")
            }
            if let input = try? SourceText(path: change.path, bytes: original), (try? parser.parseCompilable(input)) != nil {
                do {
                    _ = try parser.parseCompilable(output)
                } catch {
                    return Failure(
                        invariant: "fix output for \(name) fails rekey's validity check, which its input passed",
                        detail: "\(error)\n--- output\n\(output.string)")
                }
            }
            let diff = UnifiedDiff.render(path: name, old: change.original, new: change.updated)
            switch StrictPatch.apply(Array(diff.utf8), to: change.original) {
            case .success(let patched) where patched == change.updated:
                break
            case .success:
                return Failure(invariant: "the diff of \(name) applies but does not give fix's output", detail: diff)
            case .failure(let problem):
                return Failure(invariant: "the diff of \(name) does not apply to the input: \(problem.reason)", detail: diff)
            }
        }
        guard !report.changes.isEmpty else { return nil }

        if report.diagnostics.contains(where: { $0.message.contains("did not converge") }) { return nil }
        for change in report.changes { guard write(change.updated, to: change.path) else { return nil } }
        let again = Engine(options: options).fix(paths: [project])
        if !again.changes.isEmpty {
            return Failure(
                invariant: "a second fix --unsafe-fixes changes the output (not idempotent)",
                detail: again.changes.map {
                    UnifiedDiff.render(path: String($0.path.dropFirst(project.count + 1)), old: $0.original, new: $0.updated)
                }.joined())
        }
        return nil
    }

    private func checkJSON(_ text: String, what: String) -> Failure? {
        do {
            _ = try JSONSerialization.jsonObject(with: Data(text.utf8))
            return nil
        } catch {
            return Failure(invariant: "\(what) is not JSON", detail: "\(error)\n\(text.prefix(2000))")
        }
    }

    private func write(_ bytes: [UInt8], to path: String) -> Bool {
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
    }

    static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, bytes.count >= needle.count else { return false }
        for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] {
            if bytes[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }

    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func report(_ failure: Failure, input: String) {
        write("rekey-fuzz: FAILED on \(input): \(failure.invariant)\n\(failure.detail)\n")
    }
}
