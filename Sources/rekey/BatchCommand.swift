import ArgumentParser
import Foundation
import RekeyDriver

extension BatchShard: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

/// `rekey batch`: `run` (the default, so `rekey batch MANIFEST --out DIR` works) and `merge`.
struct Batch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Migrate many repositories: a branch, a patch and reports for each.",
        discussion: """
            MANIFEST lists one repository per line: a git URL, or a local path (relative to the \
            manifest's folder), optionally followed by a name for its outputs (by default the \
            last part of the source, less .git); `#` starts a comment. Each repository is cloned \
            into DIR/clones/<name> (a local one too: rekey never writes into it), migrated as \
            `rekey fix` would migrate it there, under its own [tool.rekey] with this command's \
            options over it, and committed on --branch. DIR gets <name>.patch (git format-patch; \
            only when something changed), <name>.report.md and <name>.report.json (as --report \
            writes them), and summary.md and summary.json for every repository: changed, clean \
            or failed and why. A failing repository does not stop the others. Run again, a \
            repository already done at the same commit, with the same rekey and options, is \
            skipped; a failed one is tried again.

            --shard I/N (I from 0, like a Kubernetes Indexed Job's JOB_COMPLETION_INDEX) takes \
            the repositories whose source hashes to I: adding repositories moves none of the \
            others. `rekey batch merge` joins the shards' summaries into the one the whole run \
            writes. Exit status: 0 every repository changed or clean, 1 any failed, 2 usage or \
            I/O error (the manifest, DIR).

            Examples:
              rekey batch repos.txt --out migration
              rekey batch repos.txt --out migration --jobs 4 --unsafe-fixes
              rekey batch repos.txt --out shard-0 --shard 0/3
              rekey batch merge shard-0 shard-1 shard-2 --out migration
            """,
        subcommands: [BatchRun.self, BatchMerge.self],
        defaultSubcommand: BatchRun.self)
}

struct BatchRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Migrate the repositories MANIFEST lists (the default: `rekey batch MANIFEST --out DIR`).")

    @Argument(help: ArgumentHelp("The list of repositories, one a line.", valueName: "manifest"))
    var manifest: String

    @Option(help: ArgumentHelp("The folder for the clones, patches, reports and summary (required unless --list).", valueName: "DIR"))
    var out: String?

    @Option(help: "The branch the migration is committed on, in each clone.")
    var branch = "rekey/explicit-keys"

    @Option(help: "How many repositories to migrate at once.")
    var jobs = 1

    @Option(help: ArgumentHelp("Only shard I of N (0 <= I < N) of the manifest.", valueName: "I/N"))
    var shard: BatchShard?

    @Flag(help: "Print the name and source of each repository the run would take (with --shard, its share), and stop.")
    var list = false

    @OptionGroup var fixOptions: FixOptions
    @OptionGroup var selectionOptions: SelectionOptions

    func validate() throws {
        if out == nil, !list { throw ValidationError("--out DIR is required: where the clones, patches and reports go") }
        if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if branch.isEmpty || branch.hasPrefix("-") { throw ValidationError("--branch needs a branch name") }
    }

    func run() throws {
        let entries: [BatchManifest.Entry]
        do {
            let all = try BatchManifest.load(manifest).entries
            entries = shard.map { shard in all.filter(shard.contains) } ?? all
        } catch {
            try stop("\(manifest): \(error)")
        }
        guard let out, !list else {
            Console.write(entries.map { "\($0.name)\t\($0.source)\n" }.joined(), to: .output)
            return try finish(diagnostics: [], findings: false)
        }
        let selection = try selectionOptions.selection()
        var commandLine = RekeyConfiguration()
        commandLine.select = selection.selected
        commandLine.ignore = selection.ignored
        commandLine.unsafeFixes = fixOptions.unsafeFixes
        let options = BatchOptions(
            branch: branch, unsafeFixes: fixOptions.unsafeFixes, selection: selection,
            reportUnusedSuppressions: selectionOptions.reportUnusedSuppressions)
        let runner = BatchRunner(outputDirectory: out, options: options, commandLine: commandLine)
        if let repository = runner.repositoryHoldingOutput(of: entries) {
            try stop("--out \(out) is inside the repository \(repository.source): rekey never writes into a repository it is given")
        }
        let console = NSLock()
        let results: [BatchRepositoryResult]
        do {
            results = try runner.run(entries, jobs: jobs) { result, reused in
                console.withLock { Console.write("rekey batch: \(Self.line(result, reused: reused))\n", to: .error) }
            }
        } catch {
            try stop("\(out): \(error.localizedDescription)")
        }
        let summary = BatchSummary(options: options, shard: shard, repositories: results)
        try write(summary, to: runner.outputDirectory)
    }

    static func line(_ result: BatchRepositoryResult, reused: Bool) -> String {
        let commit = result.commit.map { " at \($0.prefix(12))" } ?? ""
        switch result.status {
        case .failed: return "\(result.name): failed: \(result.reason ?? "")"
        case _ where reused: return "\(result.name): already \(result.status.rawValue)\(commit), skipped"
        case .changed, .clean:
            let counts = result.counts
            return "\(result.name): \(result.status.rawValue)\(commit): files changed \(counts.filesChanged), "
                + "findings \(counts.findings), fixed \(counts.findings - counts.left), left \(counts.left)"
        }
    }
}

struct BatchMerge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the summaries of a batch's shards into one.",
        discussion: """
            Reads summary.json in each DIR (one per shard, I/N for every I of one N) and writes \
            summary.md and summary.json into --out, as the unsharded run writes them. Exit \
            status: 0 every repository changed or clean, 1 any failed, 2 a shard missing or \
            repeated, summaries of other options, or an I/O error.

            Example:
              rekey batch merge shard-0 shard-1 shard-2 --out migration
            """)

    @Argument(help: ArgumentHelp("The shards' output folders.", valueName: "DIR"))
    var directories: [String]

    @Option(help: ArgumentHelp("Where the merged summary goes.", valueName: "DIR"))
    var out: String

    func validate() throws {
        if directories.isEmpty { throw ValidationError("give the shards' output folders") }
    }

    func run() throws {
        let merged: BatchSummary
        do {
            merged = try BatchSummary.merge(directories.map(BatchSummary.load))
        } catch {
            try stop(error.description)
        }
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        } catch {
            try stop("\(out): \(error.localizedDescription)")
        }
        try write(merged, to: out)
    }
}

/// Writes the summary, says how it went, and exits 1 when a repository failed.
private func write(_ summary: BatchSummary, to directory: String) throws {
    do {
        try summary.write(to: directory)
    } catch {
        try stop("\(directory): summary not written: \(error.localizedDescription)")
    }
    let totals = summary.totals
    Console.write(
        "rekey batch: \(totals.repositories) repositories: \(totals.changed) changed, \(totals.clean) clean, "
            + "\(totals.failed) failed; summary in \((directory as NSString).appendingPathComponent("summary.md"))\n", to: .error)
    try finish(diagnostics: [], findings: totals.failed > 0)
}

/// Ends the run with status 2, saying why.
private func stop(_ message: String) throws -> Never {
    Console.write("rekey: error: \(message)\n", to: .error)
    throw ExitCode(Status.usageOrIOError)
}
