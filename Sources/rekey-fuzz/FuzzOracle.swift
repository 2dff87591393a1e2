import Foundation
import RekeyDriver
import RekeyEdits
import RekeySyntax

/// One input through rekey's pipeline as `rekey fix --unsafe-fixes` runs it (discovery, read,
/// parse within limits, analyse, fixes to a fixed point, tidying), then the invariants the
/// pipeline promises, each a failure if broken:
/// - the fix changes only the file given, starting from exactly the bytes read;
/// - what it writes is UTF-8 and, when the input passed rekey's own validity check
///   (`PythonParser.parseCompilable`, what `FixApplier` holds every fix to), passes it too;
/// - the diff `rekey diff` prints applies, strictly (exact hunk headers and context), to the
///   input and gives the output;
/// - a second run over the output changes nothing (unless the first stopped at the round limit);
/// - the reports (`check`'s JSON, `--report`'s JSON) are JSON.
/// A crash (a Swift trap, a signal) is a failure too: libFuzzer, or the replay tool's exit status,
/// shows it.
///
/// The input is written to a file in a private temporary folder (the engine reads files); the
/// folder holds a `pyproject.toml`, so it is the project root and nothing around it is read.
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
        _ = FileManager.default.createFile(atPath: directory + "/pyproject.toml", contents: Data())
        guard let parser = try? PythonParser() else { fatalError("rekey-fuzz: the Python grammar does not load") }
        self.parser = parser
        FuzzOracle.temporaryFolder = directory
        atexit { if let folder = FuzzOracle.temporaryFolder { try? FileManager.default.removeItem(atPath: folder) } }
    }

    nonisolated(unsafe) private static var temporaryFolder: String?

    /// A test module when the input defines tests (entry points create keys there), else a plain one.
    private func fileName(for bytes: [UInt8]) -> String {
        Self.contains(bytes, Array("def test".utf8)) ? "test_fuzz.py" : "fuzz_input.py"
    }

    func run(_ bytes: [UInt8]) -> Failure? {
        let name = fileName(for: bytes)
        let path = directory + "/" + name
        let options = Engine.Options(unsafeFixes: true, jobs: 1, prefilter: false)

        guard write(bytes, to: path) else { return nil }
        defer { try? FileManager.default.removeItem(atPath: path) }

        let check = Engine(options: options).check(paths: [directory])
        if let failure = checkJSON(JSONReport.render(findings: check.findings, diagnostics: check.diagnostics), what: "check's JSON report") {
            return failure
        }
        for format in OutputFormat.allCases {
            _ = format.render(findings: check.findings, diagnostics: check.diagnostics, unsafeFixesEnabled: true,
                              workingDirectory: directory)
        }

        let report = Engine(options: options).fix(paths: [directory])
        let outcome = FixOutcome(report: report, options: options, wrote: false)
        if let failure = checkJSON(FixReportWriter.render(outcome, as: .json), what: "the --report JSON") { return failure }
        _ = FixReportWriter.render(outcome, as: .markdown)

        guard !report.changes.isEmpty else { return nil }
        guard report.changes.count == 1, let change = report.changes.first, change.path.hasSuffix("/" + name) else {
            return Failure(invariant: "fix changed files other than the one given",
                           detail: report.changes.map(\.path).joined(separator: ", "))
        }
        guard change.original == bytes else {
            return Failure(invariant: "the change does not start from the bytes read", detail: "")
        }
        let output: SourceText
        do {
            output = try SourceText(path: path, bytes: change.updated)
        } catch {
            return Failure(invariant: "fix output is not text rekey can read", detail: "\(error)")
        }
        if let input = try? SourceText(path: path, bytes: bytes), (try? parser.parseCompilable(input)) != nil {
            do {
                _ = try parser.parseCompilable(output)
            } catch {
                return Failure(invariant: "fix output fails rekey's validity check, which its input passed",
                               detail: "\(error)\n--- output\n\(output.string)")
            }
        }
        let diff = UnifiedDiff.render(path: name, old: change.original, new: change.updated)
        switch StrictPatch.apply(Array(diff.utf8), to: change.original) {
        case .success(let patched) where patched == change.updated:
            break
        case .success:
            return Failure(invariant: "the diff applies but does not give fix's output", detail: diff)
        case .failure(let problem):
            return Failure(invariant: "the diff does not apply to the input: \(problem.reason)", detail: diff)
        }

        if report.diagnostics.contains(where: { $0.message.contains("did not converge") }) { return nil }
        guard write(change.updated, to: path) else { return nil }
        let again = Engine(options: options).fix(paths: [directory])
        if let second = again.changes.first {
            return Failure(invariant: "a second fix --unsafe-fixes changes the output (not idempotent)",
                           detail: UnifiedDiff.render(path: name, old: second.original, new: second.updated))
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
