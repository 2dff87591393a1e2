import ArgumentParser
import Dispatch
import Foundation
import RekeyDriver
import RekeySyntax

/// Times `rekey check` against a bare tree-sitter parse of the same files, in the same run.
///
/// The bare parse is the floor: read each file, parse it, walk every node with a cursor. The
/// check is the real pipeline (discover, read, prefilter, parse, analyse, run the rules). Both
/// run on the same number of threads; ratios are check time over bare-parse time.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rekey-bench",
        abstract: "Benchmark rekey check against a bare tree-sitter parse (build with -c release).",
        discussion: "Example:\n  swift run -c release rekey-bench .venv/lib/python3.11/site-packages/{jax,flax,equinox}")

    @Argument(help: "Directories or files to check.")
    var paths: [String]

    @Option(help: "Runs per measurement; the fastest is reported.")
    var runs: Int = 3

    @Option(help: "Thread counts to measure.")
    var threads: [Int] = [1, 2]

    func run() throws {
        let files = FileDiscovery.pythonFiles(in: paths).files
        let bytes = files.reduce(0) { $0 + ((try? SourceLoader.readBytes($1).count) ?? 0) }
        let megabytes = Double(bytes) / 1_000_000
        print("files: \(files.count), \(String(format: "%.1f", megabytes)) MB")
        print("threads  pipeline                       seconds    MB/s   ratio")
        for jobs in threads {
            let bare = fastest { bareParse(files, jobs: jobs) }
            let check = fastest { _ = Engine(options: .init(jobs: jobs)).check(paths: paths) }
            let unfiltered = fastest { _ = Engine(options: .init(jobs: jobs, prefilter: false)).check(paths: paths) }
            for (name, seconds) in [("bare parse + walk", bare), ("rekey check", check),
                                    ("rekey check, no prefilter", unfiltered)] {
                print(String(format: "%7d  %-28@ %8.3f %7.2f %7.2f", jobs, name as NSString,
                             seconds, megabytes / seconds, seconds / bare))
            }
        }
        let report = Engine().check(paths: paths)
        print("check: \(report.filesParsed) of \(report.filesSeen) files parsed (the rest had no JAX cue), "
              + "\(report.findings.count) findings, \(report.diagnostics.count) diagnostics")
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

Bench.main()
