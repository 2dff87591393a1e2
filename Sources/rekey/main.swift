import ArgumentParser
import Foundation
import RekeyDriver
import RekeyEdits
import RekeyRules
import RekeySyntax

/// Exit codes, as CI bots read them.
enum Status {
    static let clean: Int32 = 0
    static let findings: Int32 = 1
    static let usageOrIOError: Int32 = 2
}

struct Rekey: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rekey",
        abstract: "Find and migrate legacy JAX PRNG-key code to explicit keys.",
        discussion: """
            rekey reads Python files with tree-sitter, reports keys created at import time, \
            reused, or hidden in defaults, and rewrites them into the explicit-key style of \
            modern JAX, Equinox and Flax NNX. Exit status: 0 clean, 1 findings (check) or changes \
            (diff), 2 usage or I/O error.

            check, diff and fix read their settings from [tool.rekey] in the nearest \
            pyproject.toml (select, ignore, per-file-ignores, exclude, extend-exclude, \
            force-exclude, respect-gitignore, unsafe-fixes, line-length, target-version); \
            their options override it. With no path they work on the current directory, \
            leaving out what git ignores.
            """,
        version: RekeyTool.version,
        subcommands: [Check.self, Diff.self, Fix.self, Batch.self, RuleCommand.self, SyntaxCommand.self])
}

struct PathArguments: ParsableArguments {
    @Argument(
        help: ArgumentHelp(
            "Python files or directories (searched recursively for *.py); the current directory when none is given.",
            valueName: "paths"))
    var given: [String] = []

    var paths: [String] { given.isEmpty ? ["."] : given }

    @Option(
        name: .customLong("max-file-size"),
        help: ArgumentHelp(
            "Skip, with an error, files larger than this many megabytes: analysing a file takes 30 to 120 times its size in memory.",
            valueName: "MB"))
    var maximumFileMegabytes = Engine.Options.defaultMaximumFileBytes / 1_000_000

    /// tree-sitter counts bytes in 32 bits.
    private static let largestParsableMegabytes = Int(UInt32.max) / 1_000_000

    func validate() throws {
        guard (1...Self.largestParsableMegabytes).contains(maximumFileMegabytes) else {
            throw ValidationError("--max-file-size must be between 1 and \(Self.largestParsableMegabytes) (megabytes)")
        }
    }

    var maximumFileBytes: Int { maximumFileMegabytes * 1_000_000 }
}

struct FixOptions: ParsableArguments {
    @Flag(
        inversion: .prefixedNo,
        help:
            "Also apply fixes that change the random stream (inserted splits) or rest on a guess (default: unsafe-fixes in [tool.rekey], else no)."
    )
    var unsafeFixes: Bool?
}

/// `--report FILE` and `--show-fixes`, shared by diff and fix.
struct ReportOptions: ParsableArguments {
    @Flag(help: "List the fixes made (or that the patch makes) on standard error, by file and rule.")
    var showFixes = false

    @Option(
        help: ArgumentHelp(
            "Also write every site left unconverted, with its reason, and the run's summary to FILE: JSON if it ends in .json, Markdown if in .md.",
            valueName: "FILE"))
    var report: String?

    func validate() throws {
        if let report, FixReportWriter.Format(path: report) == nil {
            throw ValidationError("--report \(report): the file name must end in .json or .md")
        }
    }

    /// Writes the report if one was asked for; a failure becomes a diagnostic (exit status 2).
    func write(_ outcome: FixOutcome, diagnostics: inout [Diagnostic]) {
        guard let report else { return }
        do {
            try FixReportWriter.write(outcome, to: report)
        } catch {
            diagnostics.append(Diagnostic(path: report, message: error.description))
        }
    }
}

/// `--select` and `--ignore`, shared by check, diff and fix.
struct SelectionOptions: ParsableArguments {
    @Option(
        name: .customLong("select"), parsing: .singleValue,
        help: ArgumentHelp(
            "Only these rule codes (comma-separated, repeatable; a prefix such as RK00, or ALL); replaces select in [tool.rekey].",
            valueName: "codes"))
    var select: [String] = []

    @Option(
        name: .customLong("ignore"), parsing: .singleValue,
        help: ArgumentHelp(
            "Not these rule codes (comma-separated, repeatable); wins over --select, adds to ignore in [tool.rekey].",
            valueName: "codes"))
    var ignore: [String] = []

    @Flag(help: "Report suppression comments that suppress nothing, as RK100.")
    var reportUnusedSuppressions = false

    func validate() throws {
        _ = try selection()
    }

    /// The rules the command line names (`selected` nil without `--select`).
    func selection() throws -> RuleSelection {
        do {
            return try RuleSelection(select: select, ignore: ignore)
        } catch {
            throw ValidationError(error.description)
        }
    }
}

/// `-q` and `-v`, shared by check, diff and fix.
struct VerbosityOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Print findings, the patch and errors only: no summary.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Also print, on standard error, how many files the run read and how long it took.")
    var verbose = false

    func validate() throws {
        if quiet, verbose { throw ValidationError("--quiet and --verbose exclude each other") }
    }

    /// With `--verbose`, `rekey: <what>` and the time since `start` on standard error.
    func statistics(_ what: String, since start: Date) {
        guard verbose else { return }
        Console.write("rekey: \(what) in \(String(format: "%.2f", Date().timeIntervalSince(start))) s\n", to: .error)
    }
}

/// `--exit-zero`, shared by check and diff.
struct ExitZeroOption: ParsableArguments {
    @Flag(help: "Exit 0 even when there are findings (check) or changes (diff); 2 still on a usage or I/O error.")
    var exitZero = false
}

extension OutputFormat: ExpressibleByArgument {}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report legacy PRNG-key patterns.",
        discussion: """
            Prints one line per finding (path:line:col: CODE message) and a summary, or with \
            --output-format a JSON document, a SARIF 2.1.0 log, GitHub Actions annotations, \
            a GitLab Code Quality report or reviewdog diagnostics (rdjson). \
            Findings on a line with `# rekey: ignore`, `# rekey: ignore[RK004]` or \
            `# noqa: RK004` are not reported. With no path, the current directory is checked; \
            files git ignores or [tool.rekey] excludes are left out of a walk. The report is \
            kept in .rekey_cache (in the project of the first path): a re-run over unchanged \
            files, settings and rekey prints it again without parsing (--no-cache: never). \
            Exit status: 0 no findings, 1 findings (0 with --exit-zero), 2 usage or I/O \
            error (an unknown key or a wrong value in [tool.rekey] too).

            Examples:
              rekey check
              rekey check src/ tests/test_model.py
              rekey check --force-exclude $(git diff --name-only --cached)
              rekey check --select RK001,RK004 --output-format sarif src/ > rekey.sarif
            """)

    @OptionGroup var settings: RunSettings
    @OptionGroup var verbosity: VerbosityOptions
    @OptionGroup var exit: ExitZeroOption
    @OptionGroup var colour: ColourOption

    @Option(
        help:
            "The report on standard output: text for people, json, sarif (SARIF 2.1.0), github (Actions annotations), gitlab (Code Quality) or rdjson (reviewdog, fixes as suggested changes)."
    )
    var outputFormat: OutputFormat = .text

    @Flag(help: "Neither read nor write the cache: check every file afresh.")
    var noCache = false

    @Option(
        help: ArgumentHelp(
            "Keep the cache in this folder (default: .rekey_cache in the project of the first path, else here).",
            valueName: "DIR"))
    var cacheDir: String?

    // For tests and measurement: every file is parsed and checked, with or without a JAX cue.
    @Flag(name: .customLong("no-prefilter"), help: .hidden)
    var noPrefilter = false

    func validate() throws {
        if noCache, cacheDir != nil { throw ValidationError("--no-cache and --cache-dir exclude each other") }
    }

    func run() throws {
        let start = Date()
        var options = try settings.engineOptions()
        options.prefilter = !noPrefilter
        let paths = settings.paths.paths
        if !noCache { options.cache = CheckCache(directory: cacheDir ?? CheckCache.defaultDirectory(for: paths)) }
        let report = Engine(options: options).check(paths: paths)
        let diagnostics = interruptedCommits(near: paths, walked: report.journalsWalked) + report.diagnostics
        let rendered = outputFormat.render(
            findings: report.findings, diagnostics: diagnostics,
            unsafeFixesEnabled: options.unsafeFixes,
            workingDirectory: FileManager.default.currentDirectoryPath, summary: !verbosity.quiet)
        Console.write(outputFormat == .text && colour.colours(.output) ? Colour.findings(rendered) : rendered, to: .output)
        verbosity.statistics(TextReport.readStatistics(report), since: start)
        try finish(diagnostics: diagnostics, findings: !report.findings.isEmpty && !exit.exitZero)
    }
}

/// What `diff` and `fix` share: the files, which fixes, which rules, and the report.
struct MigrationArguments: ParsableArguments {
    @OptionGroup var settings: RunSettings
    @OptionGroup var reportOptions: ReportOptions
    @OptionGroup var verbosity: VerbosityOptions
    @OptionGroup var colour: ColourOption

    var paths: [String] { settings.paths.paths }

    /// `review`: `fix --interactive`'s questions.
    func engine(review: InteractiveReview? = nil) throws -> Engine {
        var options = try settings.engineOptions()
        options.review = review.map { review in { @Sendable proposal in review.decide(proposal) } }
        return Engine(options: options)
    }

    /// What goes to standard error after the patch or the writes: the fixes made
    /// (`--show-fixes`), the summary (not with `--quiet`), the statistics (`--verbose`).
    func summarise(_ outcome: FixOutcome, since start: Date) {
        if reportOptions.showFixes { Console.write(TextReport.fixesMade(outcome), to: .error) }
        if !verbosity.quiet { Console.write(TextReport.fixSummary(outcome), to: .error) }
        verbosity.statistics(TextReport.fixStatistics(outcome), since: start)
    }
}

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the migration as a patch; write nothing.",
        discussion: """
            The patch (for `git apply` or `patch -p1`) goes to standard output, a summary to \
            standard error; --report FILE also writes every site left unconverted, with its \
            reason. Suppressed findings and rules left out by --select/--ignore are not \
            fixed. Exit status: 0 when there is nothing to change, 1 when the patch is not \
            empty (0 with --exit-zero), 2 on usage or I/O error.

            Examples:
              rekey diff src/ > migrate.patch && git apply migrate.patch
              rekey diff --report leftovers.md src/ > migrate.patch
            """)

    @OptionGroup var migration: MigrationArguments
    @OptionGroup var exit: ExitZeroOption

    func run() throws {
        let start = Date()
        let engine = try migration.engine()
        let report = engine.fix(paths: migration.paths)
        let coloured = migration.colour.colours(.output)
        for change in report.changes {
            let patch = UnifiedDiff.render(path: patchPath(change.path), old: change.original, new: change.updated)
            Console.write(coloured ? Colour.patch(patch) : patch, to: .output)
        }
        let outcome = FixOutcome(report: report, options: engine.options, wrote: false)
        migration.summarise(outcome, since: start)
        var diagnostics = interruptedCommits(near: migration.paths, walked: report.journalsWalked) + report.diagnostics
        migration.reportOptions.write(outcome, diagnostics: &diagnostics)
        try finish(diagnostics: diagnostics, findings: !report.changes.isEmpty && !exit.exitZero)
    }
}

struct Fix: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply the migration in place.",
        discussion: """
            Each file is replaced atomically, and only if it is unchanged since rekey read it. \
            Suppressed findings and rules left out by --select/--ignore are not fixed. \
            A summary goes to standard error; --report FILE (.json or .md) also lists every site \
            left unconverted, with its reason. \
            With --interactive, each fix is shown as a patch on standard error and applied \
            only if answered y (yes) or a (this and every later fix of its rule) on standard \
            input, which must be a terminal; n skips it, q (or the end of the input) applies \
            nothing more. The files are written once every question is answered. \
            Exit status: 0 (with --exit-non-zero-on-fix, 1 when a file was changed), or 2 on \
            usage or I/O error (files that could not be written are named).

            Examples:
              rekey fix --unsafe-fixes src/models.py
              rekey fix --report rekey-report.json src/
              rekey fix --interactive src/
            """)

    @OptionGroup var migration: MigrationArguments

    @Flag(help: "Exit 1 when a file was changed (as pre-commit hooks report that they changed files).")
    var exitNonZeroOnFix = false

    @Flag(help: "Ask before each fix, showing its patch: y applies it, n skips it, a applies every fix of its rule, q stops.")
    var interactive = false

    func validate() throws {
        guard interactive else { return }
        if migration.verbosity.quiet { throw ValidationError("--interactive and --quiet exclude each other") }
        if isatty(STDIN_FILENO) != 1 {
            throw ValidationError("--interactive reads its answers from the terminal, and standard input is not one")
        }
    }

    func run() throws {
        let start = Date()
        let engine = try migration.engine(review: interactive ? InteractiveReview(coloured: migration.colour.colours(.error)) : nil)
        let paths = migration.paths
        // A commit an earlier run left unfinished (a crash, a kill) is finished or rolled back
        // first, so the files read here are whole.
        let journals = TransactionJournal.find(
            near: paths, walked: FileDiscovery.pythonFiles(in: paths, options: engine.options.discovery).journals)
        let recovered = journals.flatMap(TransactionJournal.recover)
        let report = engine.fix(paths: paths)
        let written = WrittenChanges(writing: report)
        let unwritten = written.unwrittenFiles
        var diagnostics = recovered + report.diagnostics + written.diagnostics
        let outcome = FixOutcome(
            report: report, options: engine.options, wrote: true,
            diagnostics: diagnostics, unwrittenFiles: unwritten)
        migration.summarise(outcome, since: start)
        migration.reportOptions.write(outcome, diagnostics: &diagnostics)
        let changed = report.changes.contains { !unwritten.contains($0.path) }
        try finish(diagnostics: diagnostics, findings: changed && exitNonZeroOnFix)
    }
}

struct RuleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rule",
        abstract: "Explain a rule, or list them all.",
        discussion: """
            Example:
              rekey rule RK001
              rekey rule --all --format markdown > MIGRATION.md
              rekey rule --all --format json
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, markdown, json
    }

    @Argument(help: "A rule code such as RK001.")
    var code: String?

    @Flag(help: "All rules: an index in text format, the whole migration guide in markdown, every rule and pass in json.")
    var all = false

    @Option(help: "text, markdown or json (json with --all).")
    var format: Format = .text

    func validate() throws {
        guard all != (code != nil) else { throw ValidationError("give either a rule code or --all") }
        if format == .json, !all { throw ValidationError("--format json lists every rule and pass: use it with --all") }
        if let code, !RuleCatalog.all.contains(where: { $0.code == RuleCode(code.uppercased()) }) {
            throw ValidationError("unknown rule '\(code)'; `rekey rule --all` lists them")
        }
    }

    func run() throws {
        if all {
            let text =
                switch format {
                case .text: RuleCatalog.index
                case .markdown: RuleCatalog.migrationGuide
                case .json: RuleCatalog.json
                }
            Console.write(text, to: .output)
        } else if let code, let info = RuleCatalog.all.first(where: { $0.code == RuleCode(code.uppercased()) }) {
            Console.write(info.helpMarkdown, to: .output)
        }
        try finish(diagnostics: [], findings: false)
    }
}

struct SyntaxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "syntax",
        abstract: "Print a file's tree-sitter syntax tree (for writing rules).",
        discussion: """
            Example:
              rekey syntax model.py
            """)

    @Argument(help: "A Python file.")
    var path: String

    func run() throws {
        let source: SourceText
        do {
            source = try SourceLoader.load(path)
        } catch {
            throw ValidationError("\(path): \(error)")
        }
        // Within the parser's limits: some inputs past them crash tree-sitter itself.
        let tree: SyntaxTree
        do {
            tree = try PythonParser().parseWithinLimits(source)
        } catch let problem as SourceProblem {
            throw ValidationError("\(path): \(problem)")
        }
        Console.write(tree.root.prettySExpression + "\n", to: .output)
        try finish(diagnostics: [], findings: false)
    }
}

/// `check` and `diff` change nothing, so they only warn about a commit an earlier `fix` left
/// unfinished (its journal, in or above a given folder, or below one): the files it names may be
/// half migrated until `rekey fix` finishes or rolls it back. `walked`: those the run's own walk
/// below the paths met.
func interruptedCommits(near paths: [String], walked: [String]) -> [Diagnostic] {
    TransactionJournal.find(near: paths, walked: walked).map { journal in
        Diagnostic(
            path: journal,
            message: "an interrupted `rekey fix` left this journal: the files it names may be half "
                + "migrated; `rekey fix` on them finishes or rolls it back", severity: .warning)
    }
}

/// Prints diagnostics to standard error and picks the exit status: an input that could not be
/// read, parsed or written, or an output that could not be written, is status 2, ahead of
/// findings (status 1).
func finish(diagnostics: [Diagnostic], findings: Bool) throws {
    for diagnostic in diagnostics.sorted() {
        Console.write("rekey: \(diagnostic)\n", to: .error)
    }
    if Console.reportFailures() || diagnostics.contains(where: { $0.severity == .error }) {
        throw ExitCode(Status.usageOrIOError)
    }
    if findings { throw ExitCode(Status.findings) }
}

/// Standard output and error for the run: every write is attempted, and a failure of either
/// stream (a full disk, a closed descriptor) is remembered so the run ends with status 2 and
/// says why (on standard error, if that still works) instead of losing output silently.
enum Console {
    nonisolated(unsafe) private static var failures: [StandardStream.Failure] = []

    static func write(_ text: String, to stream: StandardStream) {
        guard !text.isEmpty else { return }
        TerminalProgress.shared?.clear()
        do {
            try stream.write(text)
        } catch {
            if !failures.contains(where: { $0.stream == error.stream }) { failures.append(error) }
        }
    }

    /// Reports the failed streams on standard error; true if any write failed.
    static func reportFailures() -> Bool {
        let failed = failures
        for failure in failed where failure.stream == .output {
            write("rekey: error: \(failure)\n", to: .error)
        }
        return !failures.isEmpty
    }
}

/// Paths in a patch are relative, without a leading `./`, so `git apply` and `patch -p1` find them.
func patchPath(_ path: String) -> String {
    var path = path
    while path.hasPrefix("./") { path.removeFirst(2) }
    let cwd = FileManager.default.currentDirectoryPath + "/"
    if path.hasPrefix(cwd) { path.removeFirst(cwd.count) }
    // Outside the working directory: relative to `/`, as `git diff --no-index` writes it.
    while path.hasPrefix("/") { path.removeFirst() }
    return path
}

/// An argument before `--` that starts with one `-` and is not one of rekey's short options
/// (`-h`, `-q`, `-v`): ArgumentParser would read `-dash.py` as the flags `-d -a -s -h …` and
/// show the help (exit 0) instead of checking anything.
func pathTakenForFlags(in arguments: [String]) -> String? {
    for argument in arguments.dropFirst() {
        if argument == "--" { return nil }
        if argument.count > 1, argument.hasPrefix("-"), !argument.hasPrefix("--"), !["-h", "-q", "-v"].contains(argument) {
            return argument
        }
    }
    return nil
}

limitHeapsToCores()
StandardStream.secureDescriptors()
if let argument = pathTakenForFlags(in: CommandLine.arguments) {
    Console.write(
        "Error: '\(argument)' is not an option. To name a file that starts with '-', put '--' "
            + "before it (rekey check -- \(argument)) or write ./\(argument)\n", to: .error)
    exit(Status.usageOrIOError)
}
do {
    var command = try Rekey.parseAsRoot()
    try command.run()
} catch {
    let code = Rekey.exitCode(for: error)
    let message = Rekey.fullMessage(for: error)
    if code == .validationFailure {
        // ArgumentParser uses EX_USAGE (64); rekey documents 2 for usage errors, like most linters.
        Console.write(message + "\n", to: .error)
        exit(Status.usageOrIOError)
    }
    if code == .success {
        // --help and --version: their text is the output, and losing it is an error too.
        if !message.isEmpty { Console.write(message + "\n", to: .output) }
        exit(Console.reportFailures() ? Status.usageOrIOError : Status.clean)
    }
    Rekey.exit(withError: error)
}
