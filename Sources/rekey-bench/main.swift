import ArgumentParser
import Dispatch
import Foundation
import RekeyDriver
import RekeySyntax

/// Times `rekey check` against a bare tree-sitter parse of the same files, in the same run, and
/// measures the peak memory of each.
///
/// The bare parse is the floor: read each file (a notebook's code cells), parse it, walk every
/// node with a cursor. The check is the real pipeline (discover, read, prefilter, parse,
/// analyse, run the rules), and the diff that pipeline plus the fix rounds. All run on the same number of threads; ratios are over
/// bare-parse time. The speed-up from one thread to the most is given beside the bare parse's,
/// which says how much of a second core the machine actually gave, and each run's cores kept
/// busy (processor time over wall time), which drifts less with the machine. Peak memory (the peak resident
/// set size) is measured on one thread, each pipeline in a process of its own.
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

    @Option(
        help: ArgumentHelp(
            "A larger tree (twice the paths, say): one-thread runs over it and over the paths take turns, and how much longer each pipeline takes over it is reported.",
            valueName: "path"))
    var grown: [String] = []

    // What the measuring process runs in the process it starts for each peak-memory figure.
    @Option(help: .hidden)
    var peakMemoryOf: MeasuredPipeline?

    func validate() throws {
        if paths.isEmpty && !scaling { throw ValidationError("give paths to check, or --scaling") }
    }

    func run() throws {
        if let pipeline = peakMemoryOf { return print(try pipeline.peakMemory(paths)) }
        if scaling { return try runScaling() }
        let grammar = try LoadableGrammar.check()
        let files = FileDiscovery.pythonFiles(in: paths).files
        let bytes = files.reduce(0) { $0 + ((try? SourceLoader.readBytes($1).count) ?? 0) }
        let megabytes = Double(bytes) / 1_000_000
        print("files: \(files.count), \(String(format: "%.1f", megabytes)) MB")
        print("threads  pipeline                       seconds    MB/s   ratio   cores")
        var checkSeconds: [Int: Double] = [:]
        var bareSeconds: [Int: Double] = [:]
        var diffOverCheck: [Double] = []
        for jobs in threads {
            var pipelines: [(String, () -> Void)] = [
                ("bare parse + walk", { bareParse(files, jobs: jobs, grammar: grammar) }),
                ("rekey check", { _ = Engine(options: .init(jobs: jobs)).check(paths: paths) }),
                // What `rekey diff` runs: the check, then the fix rounds, without writing.
                ("rekey diff", { _ = Engine(options: .init(jobs: jobs)).fix(paths: paths) }),
            ]
            if unfiltered {
                pipelines.append(
                    ("rekey check, no prefilter", { _ = Engine(options: .init(jobs: jobs, prefilter: false)).check(paths: paths) }))
            }
            let timings = fastest(pipelines.map(\.1))
            let (bare, check, diff) = (timings[0].seconds, timings[1].seconds, timings[2].seconds)
            for (name, timing) in zip(pipelines.map(\.0), timings) {
                print(
                    String(
                        format: "%7d  %@ %8.3f %7.2f %7.2f %7.2f", jobs, name.padding(toLength: 28, withPad: " ", startingAt: 0),
                        timing.seconds, megabytes / timing.seconds, timing.seconds / bare, timing.coresBusy))
            }
            checkSeconds[jobs] = check
            bareSeconds[jobs] = bare
            diffOverCheck.append(diff / check)
            // The runs of a turn follow each other, so they see the same stretch of a drifting machine.
            print(
                "         by turn: " + byTurn(timings[1], over: timings[0], "check / bare") + "; "
                    + byTurn(timings[2], over: timings[1], "diff / check"))
        }
        if let one = checkSeconds[1], let most = threads.max(), most > 1, let many = checkSeconds[most] {
            print(
                String(
                    format: "speed-up, 1 → %d threads: rekey check %.2f×, bare parse %.2f×",
                    most, one / many, bareSeconds[1]! / bareSeconds[most]!))
        }
        print("cores: processor time over wall time in that run, the cores kept busy on average")
        print(
            "diff / check: " + diffOverCheck.map { String(format: "%.2f", $0) }.joined(separator: ", ")
                + " (by thread count, as above)")
        if !grown.isEmpty { measureGrowth(files: files, grammar: grammar) }
        let report = Engine().check(paths: paths)
        print(
            "check: \(report.filesParsed) of \(report.filesSeen) files parsed (the rest had no JAX cue), "
                + "\(report.findings.count) findings, \(report.diagnostics.count) diagnostics")
        print("cross-file facts: files analysed again per round: \(report.factRounds)")
        let bareMemory = try peakMemory(of: .bare, files)
        let checkMemory = try peakMemory(of: .check, paths)
        print(
            String(
                format: "peak memory, one thread: bare parse + walk %.0f MB, rekey check %.0f MB (%.1f times)",
                inMegabytes(bareMemory), inMegabytes(checkMemory), Double(checkMemory) / Double(bareMemory)))
    }

    /// How much longer the bare parse and `rekey check` take over ``grown`` than over ``paths``, on
    /// one thread. The four runs of a turn follow each other, so a turn's ratios are taken over
    /// the same stretch of a machine whose speed drifts; the fastest runs' ratio is given beside
    /// the median and range of the turns'.
    private func measureGrowth(files: [String], grammar: LoadableGrammar) {
        let grownFiles = FileDiscovery.pythonFiles(in: grown).files
        let check = { (paths: [String]) in { _ = Engine(options: .init(jobs: 1)).check(paths: paths) } }
        let pipelines: [(name: String, base: () -> Void, grown: () -> Void)] = [
            ("bare parse + walk", { bareParse(files, jobs: 1, grammar: grammar) }, { bareParse(grownFiles, jobs: 1, grammar: grammar) }),
            ("rekey check", check(paths), check(grown)),
        ]
        var seconds = [[Double]](repeating: [], count: pipelines.count * 2)
        for _ in 0..<max(runs, 1) {
            for (index, body) in pipelines.flatMap({ [$0.base, $0.grown] }).enumerated() {
                seconds[index].append(timed(body))
            }
        }
        print("growth, one thread, \(grownFiles.count) files against \(files.count), \(max(runs, 1)) turns:")
        for (number, pipeline) in pipelines.enumerated() {
            let (base, larger) = (seconds[2 * number], seconds[2 * number + 1])
            let turns = zip(larger, base).map(/).sorted()
            print(
                String(
                    format: "  %@ %.2f× (fastest %.3f s against %.3f s); by turn %.2f× median, %.2f× to %.2f×",
                    pipeline.name.padding(toLength: 18, withPad: " ", startingAt: 0), larger.min()! / base.min()!,
                    larger.min()!, base.min()!, turns[turns.count / 2], turns.first!, turns.last!))
        }
    }

    /// One file per shape and size, on one thread: a per-file analysis that is near-linear keeps
    /// its ratios to the bare parse, in time and in peak memory, flat as the size doubles.
    private func runScaling() throws {
        let grammar = try LoadableGrammar.check()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rekey-scaling-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let empty = directory.appendingPathComponent("empty.py").path
        try "import jax\n".write(toFile: empty, atomically: true, encoding: .utf8)
        print(String(format: "peak memory of rekey check on a one-line file: %.0f MB", inMegabytes(try peakMemory(of: .check, [empty]))))
        print("shape                          n      KB   bare s  check s   ratio  growth   bare MB check MB   ratio")
        for shape in ScalingShape.allCases {
            var previous: Double?
            for n in shape.sizes {
                let path = directory.appendingPathComponent("\(shape)_\(n).py").path
                try shape.source(n).write(toFile: path, atomically: true, encoding: .utf8)
                let bare = fastest { bareParse([path], jobs: 1, grammar: grammar) }.seconds
                var findings = 0
                let check = fastest { findings = Engine(options: .init(jobs: 1)).check(paths: [path]).findings.count }.seconds
                let bareMemory = try peakMemory(of: .bare, [path])
                let checkMemory = try peakMemory(of: .check, [path])
                let kilobytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int).map { $0 / 1000 } ?? 0
                let growth = previous.map { String(format: "%6.2f", check / $0) } ?? "     –"
                print(
                    shape.description.padding(toLength: 28, withPad: " ", startingAt: 0)
                        + String(format: " %6d %7d %8.3f %8.3f %7.1f  ", n, kilobytes, bare, check, check / bare) + growth
                        + String(
                            format: " %9.0f %7.0f %7.1f", inMegabytes(bareMemory), inMegabytes(checkMemory),
                            Double(checkMemory) / Double(bareMemory))
                        + (findings == 0 && shape.hasFindings ? "  (no findings: refused?)" : ""))
                previous = check
            }
        }
        print("growth: check time over the previous size's; near-linear is about 2 per doubling")
        print("MB: peak resident memory of a process running the pipeline once; its last ratio is check over bare")
    }

    /// The peak memory, in bytes, of `pipeline` run once over `paths` by a process of its own (a
    /// process's peak only grows, so each figure needs a fresh one).
    private func peakMemory(of pipeline: MeasuredPipeline, _ paths: [String]) throws -> Int {
        let process = Process()
        process.executableURL = Bundle.main.executableURL
        process.arguments = ["--peak-memory-of", pipeline.rawValue, "--"] + paths
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let bytes = Int(String(decoding: printed, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
            bytes > 0
        else {
            throw ValidationError("measuring the peak memory of \(pipeline.rawValue) failed (exit status \(process.terminationStatus))")
        }
        return bytes
    }

    private func inMegabytes(_ bytes: Int) -> Double { Double(bytes) / 1_000_000 }

    /// A run's wall time, and the processor time it took over that: how many cores it kept busy
    /// on average. On a machine whose speed drifts, the speed-up from one thread to two moves
    /// with it from run to run; the cores one run keeps busy move much less.
    private struct Timing {
        var seconds = Double.infinity
        var coresBusy = 0.0
        /// Every run's seconds, turn by turn.
        var turns: [Double] = []
    }

    /// `name` and the median and range of the turns' ratios of `timing` over `base`.
    private func byTurn(_ timing: Timing, over base: Timing, _ name: String) -> String {
        let ratios = zip(timing.turns, base.turns).map(/).sorted()
        return String(format: "%@ %.2f median, %.2f to %.2f", name, ratios[ratios.count / 2], ratios.first!, ratios.last!)
    }

    private func fastest(_ body: () -> Void) -> Timing {
        withoutActuallyEscaping(body) { fastest([$0])[0] }
    }

    /// Each body's fastest of `runs` runs, the bodies taking turns: on a machine whose speed
    /// drifts (a shared virtual machine), every pipeline sees the same stretches of it, so their
    /// ratios hold even where their seconds do not (and each turn's ratios hold best; see
    /// ``byTurn(_:over:_:)``).
    private func fastest(_ bodies: [() -> Void]) -> [Timing] {
        var best = [Timing](repeating: Timing(), count: bodies.count)
        for _ in 0..<max(runs, 1) {
            for (index, body) in bodies.enumerated() {
                let processorStart = processorSeconds()
                let seconds = timed(body)
                if seconds < best[index].seconds {
                    best[index] = Timing(
                        seconds: seconds, coresBusy: (processorSeconds() - processorStart) / seconds, turns: best[index].turns)
                }
                best[index].turns.append(seconds)
            }
        }
        return best
    }

    private func timed(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// User and system time this process has used, on all its threads.
    private func processorSeconds() -> Double {
        var usage = rusage()
        #if os(Linux)
            getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
            getrusage(RUSAGE_SELF, &usage)
        #endif
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        return user + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    private func bareParse(_ files: [String], jobs: Int, grammar: LoadableGrammar) {
        _ = parallelMap(files, workers: jobs, makeState: { PythonParser(grammar) }) { parser, path -> Int in
            guard let source = try? SourceLoader.loadProgram(path) else { return 0 }
            return (try? parser.parseAndWalk(source)) ?? 0
        }
    }
}

/// A pipeline whose peak memory is measured, each in a process of its own, on one thread.
enum MeasuredPipeline: String, ExpressibleByArgument {
    /// Read, parse and walk each file, one at a time (the paths are files).
    case bare
    /// `rekey check` of the paths.
    case check

    /// Runs once over `paths` and returns this process's peak resident set size, in bytes.
    func peakMemory(_ paths: [String]) throws -> Int {
        switch self {
        case .bare:
            let parser = try PythonParser()
            for path in paths {
                guard let source = try? SourceLoader.loadProgram(path) else { continue }
                _ = try? parser.parseAndWalk(source)
            }
        case .check:
            _ = Engine(options: .init(jobs: 1)).check(paths: paths)
        }
        #if os(Linux)
            // Not getrusage: Linux carries the ru_maxrss of the process that started this one across
            // exec, while VmHWM is this program's own.
            let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
            let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
            let kilobytes = line?.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) }
            return (kilobytes ?? 0) * 1024
        #else
            var usage = rusage()
            getrusage(RUSAGE_SELF, &usage)
            return usage.ru_maxrss  // bytes on macOS
        #endif
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
    /// n blocks of library code without any finding (a dataclass, a key split before its two
    /// draws, a jitted function with branches, comprehensions and f-strings), about 1.2 KB each:
    /// a large real-looking module, megabytes long.
    case libraryModule
    /// `f()()…()` with n calls, a tree n levels deep (rekey refuses nesting past 5,000).
    case callChain

    var description: String {
        switch self {
        case .reusesOfOneKey: "one key drawn n times"
        case .functionsWithReuse: "n functions reusing a key"
        case .cleanFunctions: "n clean functions"
        case .libraryModule: "n blocks of library code"
        case .callChain: "call chain of n calls"
        }
    }

    var sizes: [Int] { self == .callChain ? [500, 1_000, 2_000, 4_000] : [1_000, 2_000, 4_000, 8_000] }
    var hasFindings: Bool { self != .cleanFunctions && self != .libraryModule }

    func source(_ n: Int) -> String {
        switch self {
        case .reusesOfOneKey:
            return "import jax\n\ndef draw(key):\n"
                + (0..<n).map { "    x\($0) = jax.random.normal(key)\n" }.joined() + "    return x0\n"
        case .functionsWithReuse:
            return "import jax\n"
                + (0..<n).map {
                    "\ndef f\($0)(key):\n    a = jax.random.normal(key)\n    return a + jax.random.normal(key)\n"
                }.joined()
        case .cleanFunctions:
            return "import jax\n"
                + (0..<n).map {
                    "\ndef f\($0)(key):\n    key, sub = jax.random.split(key)\n    return jax.random.normal(sub) + \($0)\n"
                }.joined()
        case .callChain:
            return "import jax\nk = jax.random.PRNGKey(0)\nx = f" + String(repeating: "()", count: n)
                + "\ny = jax.random.normal(k) + jax.random.normal(k)\n"
        case .libraryModule:
            return """
                import dataclasses
                import functools
                from typing import Any, Optional

                import jax
                import jax.numpy as jnp

                """ + (0..<n).map(Self.libraryBlock).joined()
        }
    }

    private static func libraryBlock(_ i: Int) -> String {
        """


        @dataclasses.dataclass(frozen=True)
        class Config\(i):
            \"\"\"Settings of layer \(i): its width, its rate and its name.\"\"\"

            width: int = \(i % 97 + 1)
            rate: float = 0.\(i % 10)
            name: Optional[str] = None

            def describe(self) -> str:
                parts = [f"{k}={v!r}" for k, v in sorted(vars(self).items()) if v is not None]
                return "Config\(i)(" + ", ".join(parts) + ")"


        def init_layer\(i)(key, config: Config\(i)) -> dict[str, Any]:
            \"\"\"The weights and bias of layer \(i), from one key split in two.\"\"\"
            key_w, key_b = jax.random.split(key)
            weights = jax.random.normal(key_w, (config.width, config.width)) * config.rate
            bias = jax.random.uniform(key_b, (config.width,))
            return {"weights": weights, "bias": bias, "name": config.name or "layer\(i)"}


        @functools.partial(jax.jit, static_argnums=(1,))
        def apply_layer\(i)(params, activation: str, x):
            y = jnp.dot(x, params["weights"]) + params["bias"]
            if activation == "relu":
                return jnp.maximum(y, 0.0)
            elif activation == "tanh":
                return jnp.tanh(y)
            return {name: jnp.sum(value) for name, value in (("y", y), ("x", x))}["y"]

        """
    }
}

limitHeapsToCores()
Bench.main()
