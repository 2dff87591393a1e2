import ArgumentParser
import Foundation
import RekeyDriver

/// `--config`, `--isolated`, and the options that choose which files a walk leaves out.
struct ConfigurationOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Read [tool.rekey] from this pyproject.toml instead of the nearest one above the first path.",
            valueName: "FILE"))
    var config: String?

    @Flag(help: "Read no configuration file: only the command line's options apply.")
    var isolated = false

    @Option(
        parsing: .singleValue,
        help: ArgumentHelp(
            "Files and folders not to check (globs, comma-separated, repeatable); replaces exclude in [tool.rekey] and the defaults (__pycache__, build, venv).",
            valueName: "globs"))
    var exclude: [String] = []

    @Option(
        parsing: .singleValue,
        help: ArgumentHelp(
            "More files and folders not to check (globs, comma-separated, repeatable), added to the others.",
            valueName: "globs"))
    var extendExclude: [String] = []

    @Flag(help: "Apply the exclusions to paths named on the command line too (as pre-commit passes every staged file).")
    var forceExclude = false

    @Flag(help: "Also check files that git ignores (.gitignore, .git/info/exclude).")
    var noRespectGitignore = false

    func validate() throws {
        if config != nil, isolated { throw ValidationError("--config and --isolated exclude each other") }
    }
}

/// What check, diff and fix share: the paths, and the settings of the run, the command line's
/// over `[tool.rekey]`'s.
struct RunSettings: ParsableArguments {
    @OptionGroup var paths: PathArguments
    @OptionGroup var fixOptions: FixOptions
    @OptionGroup var selectionOptions: SelectionOptions
    @OptionGroup var configurationOptions: ConfigurationOptions

    /// The engine's options; a configuration file that cannot be used ends the run with status 2,
    /// naming the file and the key.
    func engineOptions() throws -> Engine.Options {
        let file: RekeyConfiguration
        do {
            file = try configurationFile()
        } catch {
            Console.write("rekey: \(Diagnostic(path: error.file, message: error.message))\n", to: .error)
            throw ExitCode(Status.usageOrIOError)
        }
        var options = try commandLine().merged(under: file)
            .engineOptions(reportUnusedSuppressions: selectionOptions.reportUnusedSuppressions)
        options.maximumFileBytes = paths.maximumFileBytes
        if let line = TerminalProgress.shared {
            options.progress = { @Sendable progress in line.report(progress) }
        }
        return options
    }

    private func configurationFile() throws(RekeyConfiguration.Problem) -> RekeyConfiguration {
        let options = configurationOptions
        if options.isolated { return RekeyConfiguration() }
        if let config = options.config { return try RekeyConfiguration.load(file: config) }
        return try RekeyConfiguration.nearest(from: paths.paths[0])
    }

    /// The command line's settings, as a configuration of their own; patterns in them are
    /// relative to the working directory.
    private func commandLine() throws -> RekeyConfiguration {
        let selection = try selectionOptions.selection()
        let options = configurationOptions
        let workingDirectory = FileManager.default.currentDirectoryPath
        func patterns(_ values: [String]) -> [PathPattern] {
            values.flatMap { $0.split(separator: ",") }.map { PathPattern(String($0), base: workingDirectory) }
        }
        var settings = RekeyConfiguration()
        settings.select = selection.selected
        settings.ignore = selection.ignored
        settings.exclude = options.exclude.isEmpty ? nil : patterns(options.exclude)
        settings.extendExclude = patterns(options.extendExclude)
        settings.forceExclude = options.forceExclude ? true : nil
        settings.respectGitignore = options.noRespectGitignore ? false : nil
        settings.unsafeFixes = fixOptions.unsafeFixes
        return settings
    }
}
