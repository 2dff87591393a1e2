import ArgumentParser
import Dispatch
import Foundation
import RekeyDriver
import RekeySyntax

/// Times `rekey check` against a bare tree-sitter parse of the same files, in the same run.
///
/// The bare parse is the floor: read each file, parse it, walk every node with a cursor. The
/// check is the real pipeline (discover, read, prefilter, parse, analyse, run the rules), and the
/// diff that pipeline plus the fix rounds. All run on the same number of threads; ratios are over
/// bare-parse time. The speed-up from one thread to the most is given beside the bare parse's,
/// which says how much of a second core the machine actually gave.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rekey-bench",
        abstract: "Benchmark rekey check against a bare tree-sitter parse (build with -c release).",
        discussion: "Example:\n  swift run -c release rekey-bench .venv/lib/python3.11/site-packages/{jax,flax,equinox}")

    @Argument(help: "Directories or files to check.")
    var paths: [String] = []

    @Flag(help: "Time generated files of growing size, one shape at a time, instead of the given paths.")
    var scaling = false

    @Option(help: "Runs per measurement; the fastest is reported.")
    var runs: Int = 3

    @Option(help: "Thread counts to measure.")
    var threads: [Int] = [1, 2]

    @Flag(inversion: .prefixedNo, help: "Also time rekey check without its prefilter.")
    var unfiltered = true

    func validate() throws {
        if paths.isEmpty && !scaling { throw ValidationError("give paths to check, or --scaling") }
    }

    func run() throws {
        if scaling { return try runScaling() }
        let files = FileDiscovery.pythonFiles(in: paths).files
        let bytes = files.reduce(0) { $0 + ((try? SourceLoader.readBytes($1).count) ?? 0) }
        let megabytes = Double(bytes) / 1_000_000
        print("files: \(files.count), \(String(format: "%.1f", megabytes)) MB")
        print("threads  pipeline                       seconds    MB/s   ratio")
        var checkSeconds: [Int: Double] = [:]
        var bareSeconds: [Int: Double] = [:]
        var diffOverCheck: [Double] = []
        for jobs in threads {
            let bare = fastest { bareParse(files, jobs: jobs) }
            let check = fastest { _ = Engine(options: .init(jobs: jobs)).check(paths: paths) }
            // What `rekey diff` runs: the check, then the fix rounds, without writing.
            let diff = fastest { _ = Engine(options: .init(jobs: jobs)).fix(paths: paths) }
            var rows = [("bare parse + walk", bare), ("rekey check", check), ("rekey diff", diff)]
            if unfiltered {
                rows.append(("rekey check, no prefilter", fastest { _ = Engine(options: .init(jobs: jobs, prefilter: false)).check(paths: paths) }))
            }
            for (name, seconds) in rows {
                print(String(format: "%7d  %-28@ %8.3f %7.2f %7.2f", jobs, name as NSString,
                             seconds, megabytes / seconds, seconds / bare))
            }
            checkSeconds[jobs] = check
            bareSeconds[jobs] = bare
            diffOverCheck.append(diff / check)
        }
        if let one = checkSeconds[1], let most = threads.max(), most > 1, let many = checkSeconds[most] {
            print(String(format: "speed-up, 1 → %d threads: rekey check %.2f×, bare parse %.2f×",
                         most, one / many, bareSeconds[1]! / bareSeconds[most]!))
        }
        print("diff / check: " + diffOverCheck.map { String(format: "%.2f", $0) }.joined(separator: ", ")
              + " (by thread count, as above)")
        let report = Engine().check(paths: paths)
        print("check: \(report.filesParsed) of \(report.filesSeen) files parsed (the rest had no JAX cue), "
              + "\(report.findings.count) findings, \(report.diagnostics.count) diagnostics")
        print("cross-file facts: files analysed again per round: \(report.factRounds)")
    }

    /// One file per shape and size, on one thread: a per-file analysis that is near-linear keeps
    /// its ratio to the bare parse flat as the size doubles.
    private func runScaling() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rekey-scaling-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        print("shape                          n      KB   bare s  check s   ratio  growth")
        for shape in ScalingShape.allCases {
            var previous: Double?
            for n in shape.sizes {
                let path = directory.appendingPathComponent("\(shape)_\(n).py").path
                try shape.source(n).write(toFile: path, atomically: true, encoding: .utf8)
                let bare = fastest { bareParse([path], jobs: 1) }
                var findings = 0
                let check = fastest { findings = Engine(options: .init(jobs: 1)).check(paths: [path]).findings.count }
                let kilobytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int).map { $0 / 1000 } ?? 0
                let growth = previous.map { String(format: "%6.2f", check / $0) } ?? "     –"
                print(shape.description.padding(toLength: 28, withPad: " ", startingAt: 0)
                      + String(format: " %6d %7d %8.3f %8.3f %7.1f  ", n, kilobytes, bare, check, check / bare) + growth + (findings == 0 && shape.hasFindings ? "  (no findings: refused?)" : ""))
                previous = check
            }
        }
        print("growth: check time over the previous size's; near-linear is about 2 per doubling")
    }

    private func fastest(_ body: () -> Void) -> Double {
        (0..<max(runs, 1)).map { _ in
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }.min()!
    }

    private func bareParse(_ files: [String], jobs: Int) {
        _ = parallelMap(files, workers: jobs, makeState: { try! PythonParser() }) { parser, path -> Int in
            guard let source = try? SourceLoader.load(path), let tree = try? parser.parse(source) else { return 0 }
            return tree.walkAllNodes()
        }
    }
}

/// The shapes that made per-file analysis crawl (issue 11's reproducers), at growing sizes.
enum ScalingShape: CaseIterable, CustomStringConvertible {
    /// One key drawn n times in one function: n − 1 reuses of one key.
    case reusesOfOneKey
    /// n functions, each reusing its key once.
    case functionsWithReuse
    /// n functions without any finding: the cost of a large clean file.
    case cleanFunctions
    /// `f()()…()` with n calls, a tree n levels deep (rekey refuses nesting past 5,000).
    case callChain

    var description: String {
        switch self {
        case .reusesOfOneKey: "one key drawn n times"
        case .functionsWithReuse: "n functions reusing a key"
        case .cleanFunctions: "n clean functions"
        case .callChain: "call chain of n calls"
        }
    }

    var sizes: [Int] { self == .callChain ? [500, 1_000, 2_000, 4_000] : [1_000, 2_000, 4_000, 8_000] }
    var hasFindings: Bool { self != .cleanFunctions }

    func source(_ n: Int) -> String {
        switch self {
        case .reusesOfOneKey:
            return "import jax\n\ndef draw(key):\n"
                + (0..<n).map { "    x\($0) = jax.random.normal(key)\n" }.joined() + "    return x0\n"
        case .functionsWithReuse:
            return "import jax\n" + (0..<n).map {
                "\ndef f\($0)(key):\n    a = jax.random.normal(key)\n    return a + jax.random.normal(key)\n"
            }.joined()
        case .cleanFunctions:
            return "import jax\n" + (0..<n).map {
                "\ndef f\($0)(key):\n    key, sub = jax.random.split(key)\n    return jax.random.normal(sub) + \($0)\n"
            }.joined()
        case .callChain:
            return "import jax\nk = jax.random.PRNGKey(0)\nx = f" + String(repeating: "()", count: n)
                + "\ny = jax.random.normal(k) + jax.random.normal(k)\n"
        }
    }
}

Bench.main()
