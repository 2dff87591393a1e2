import Foundation

/// `rekey batch`: each repository of a manifest cloned into the output folder, migrated there by
/// the engine as `rekey fix` would migrate it (under its own `[tool.rekey]`), committed on a
/// branch, and written out as a patch and reports. A repository's failure is its own result; the
/// others go on. Layout of the output folder:
///
/// ```text
/// DIR/summary.md, DIR/summary.json          every repository of the run
/// DIR/<name>.patch                          `git format-patch` of the commit (changed only)
/// DIR/<name>.report.md, <name>.report.json  as `rekey fix --report` writes them
/// DIR/clones/<name>/                        the clone, on the branch
/// DIR/state/<name>.json                     the result, with the commit, rekey and options
/// ```
public struct BatchRunner: Sendable {
    public let outputDirectory: String
    public let options: BatchOptions
    /// The command line's settings, merged over each repository's `[tool.rekey]`.
    let commandLine: RekeyConfiguration

    /// `outputDirectory` is made absolute: the engine and git run in other folders.
    public init(outputDirectory: String, options: BatchOptions, commandLine: RekeyConfiguration) {
        self.outputDirectory = PathPattern.absolute(outputDirectory, base: FileManager.default.currentDirectoryPath)
        self.options = options
        self.commandLine = commandLine
    }

    /// What was known about a repository from an earlier run, to tell whether it is done.
    struct Record: Codable {
        let rekeyVersion: String
        let options: BatchOptions
        let result: BatchRepositoryResult
    }

    /// The first repository on this machine (a path or a `file://` URL) `outputDirectory` is in
    /// (or is): writing there would write into it.
    public func repositoryHoldingOutput(of entries: [BatchManifest.Entry]) -> BatchManifest.Entry? {
        entries.first { entry in
            guard let directory = entry.localDirectory else { return false }
            return outputDirectory == directory || outputDirectory.hasPrefix(directory + "/")
        }
    }

    /// Every entry, `jobs` at a time; `finished` hears each result as it comes, with whether an
    /// earlier run's was reused. Results are in the entries' order.
    public func run(
        _ entries: [BatchManifest.Entry], jobs: Int, finished: @Sendable (BatchRepositoryResult, _ reused: Bool) -> Void
    ) throws -> [BatchRepositoryResult] {
        for folder in [outputDirectory, path("clones"), path("state")] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        return parallelMap(entries, workers: jobs, makeState: {}) { _, entry in
            let (result, reused) = migrate(entry)
            finished(result, reused)
            return result
        }
    }

    /// The repository's result: an earlier run's when it is done at the source's HEAD with this
    /// rekey and these options (a failed one is tried again), else a new migration's.
    func migrate(_ entry: BatchManifest.Entry) -> (BatchRepositoryResult, reused: Bool) {
        let head: String
        do {
            // Asked without cloning: a done repository costs one round trip.
            let line = try GitCommand(directory: nil).run(["ls-remote", "--", entry.location, "HEAD"])
            guard let commit = line.split(whereSeparator: \.isWhitespace).first else {
                return (.failed(entry, commit: nil, reason: "the repository has no commit"), false)
            }
            head = String(commit)
        } catch {
            return (.failed(entry, commit: nil, reason: error.description), false)
        }
        let recordPath = path("state/\(entry.name).json")
        if let data = FileManager.default.contents(atPath: recordPath),
            let record = try? BatchSummary.decoded(Record.self, from: data),
            record.rekeyVersion == RekeyTool.version, record.options == options, record.result.commit == head,
            record.result.source == entry.source, record.result.status != .failed,
            record.result.status == .clean || FileManager.default.fileExists(atPath: path("\(entry.name).patch"))
        {
            return (record.result, true)
        }
        let result: BatchRepositoryResult
        do {
            result = try migrateAfresh(entry)
        } catch {
            result = .failed(entry, commit: head, reason: "\(error)")
        }
        let record = Record(rekeyVersion: RekeyTool.version, options: options, result: result)
        do {
            try FileTransaction.commit([
                FileTransaction.Change(path: recordPath, expected: nil, contents: Array(BatchSummary.encoded(record)))
            ])
        } catch {
            // Without its record the repository is only done again next time.
            return (.failed(entry, commit: result.commit, reason: "cannot write \(recordPath): \(error)"), false)
        }
        return (result, false)
    }

    /// A new clone, migrated, committed, and its patch and reports; throws what stopped it.
    private func migrateAfresh(_ entry: BatchManifest.Entry) throws -> BatchRepositoryResult {
        let clone = path("clones/\(entry.name)")
        // An earlier run's outputs for an older commit must not outlive it.
        for stale in [clone, path("\(entry.name).patch"), reportPath(entry, "md"), reportPath(entry, "json")]
        where FileManager.default.fileExists(atPath: stale) {
            try FileManager.default.removeItem(atPath: stale)
        }
        // A local repository is copied, never linked: nothing done in the clone reaches it.
        // A remote one needs only its last commit.
        let copy = entry.isLocal ? ["--no-hardlinks"] : ["--depth", "1"]
        try GitCommand(directory: nil).run(["clone", "--quiet"] + copy + ["--", entry.location, clone])
        let git = GitCommand(directory: clone)
        let commit = try git.run(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try git.run(["checkout", "--quiet", "-B", options.branch])

        let settings: RekeyConfiguration
        do {
            settings = try RekeyConfiguration.nearest(from: clone, within: clone)
        } catch {
            return .failed(entry, commit: commit, reason: "configuration: \(error)")
        }
        let engineOptions = commandLine.merged(under: settings)
            .engineOptions(reportUnusedSuppressions: options.reportUnusedSuppressions)
        let report = Engine(options: engineOptions).fix(paths: [clone])
        let written = WrittenChanges(writing: report)
        let outcome = FixOutcome(
            report: report, options: engineOptions, wrote: true,
            diagnostics: report.diagnostics + written.diagnostics, unwrittenFiles: written.unwrittenFiles)
        for format in ["md", "json"] { try FixReportWriter.write(outcome, to: reportPath(entry, format), root: clone) }
        var result = BatchRepositoryResult(
            name: entry.name, source: entry.source, status: .clean, commit: commit, counts: BatchCounts(outcome))
        if !written.unwrittenFiles.isEmpty {
            result.status = .failed
            result.reason = "\(TextReport.plural(written.unwrittenFiles.count, "file")) could not be written (see the report)"
            return result
        }
        guard !outcome.changedFiles.isEmpty else { return result }
        try git.run(["add", "--"] + outcome.changedFiles)
        // git needs a name to commit under; where none is configured, rekey's own.
        let identity =
            (try? git.run(["var", "GIT_COMMITTER_IDENT"])) == nil ? ["-c", "user.name=rekey", "-c", "user.email=rekey@localhost"] : []
        try git.run(
            identity + ["commit", "--quiet", "--no-verify", "--no-gpg-sign", "-m", BatchCommitMessage.text(outcome, options: options)])
        let patch = try git.run(["format-patch", "-1", "--stdout", "HEAD"])
        try FileTransaction.commit([FileTransaction.Change(path: path("\(entry.name).patch"), expected: nil, contents: Array(patch.utf8))])
        result.status = .changed
        return result
    }

    private func path(_ relative: String) -> String {
        (outputDirectory as NSString).appendingPathComponent(relative)
    }

    private func reportPath(_ entry: BatchManifest.Entry, _ format: String) -> String {
        path("\(entry.name).report.\(format)")
    }
}
