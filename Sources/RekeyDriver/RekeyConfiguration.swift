import Foundation
import RekeyRules
import TOMLKit

/// rekey's own settings, `[tool.rekey]` in pyproject.toml, read as ruff reads `[tool.ruff]`:
///
/// ```toml
/// [tool.rekey]
/// select = ["RK0"]                    # only these codes (prefixes and ALL work)
/// ignore = ["RK005"]                  # not these
/// per-file-ignores = { "tests/*" = ["RK004"] }
/// exclude = ["build", "generated"]    # replaces the defaults (__pycache__, build, venv, …)
/// extend-exclude = ["legacy/*.py"]    # adds to them
/// force-exclude = true                # excludes apply to files named on the command line too
/// respect-gitignore = true
/// unsafe-fixes = false
/// line-length = 100                   # over ruff's and black's
/// target-version = "py310"            # over requires-python
/// ```
///
/// The file used is the nearest pyproject.toml with a `[tool.rekey]` table, from the first path
/// given upwards (``nearest(from:)``), or the one `--config` names. Patterns are relative to the
/// file's folder (see ``PathPattern``). An unknown key, a value of the wrong type or an unknown
/// rule code is an error naming the key and the file: a typo never silently changes nothing.
/// The command line's options are a configuration of their own, merged over the file's
/// (``merged(under:)``).
public struct RekeyConfiguration: Sendable, Equatable {
    /// Where the settings were read; nil for the command line's, or when no file has any.
    public var file: String?
    public var select: Set<RuleCode>?
    public var ignore: Set<RuleCode> = []
    public var perFileIgnores: [PerFileIgnore] = []
    public var exclude: [PathPattern]?
    public var extendExclude: [PathPattern] = []
    public var forceExclude: Bool?
    public var respectGitignore: Bool?
    public var unsafeFixes: Bool?
    public var lineLength: Int?
    public var targetVersion: PythonVersion?

    public init() {}

    public struct Problem: Error, Equatable, CustomStringConvertible {
        public let file: String
        public let message: String

        public var description: String { "\(file): \(message)" }
    }

    static let keys = [
        "exclude", "extend-exclude", "force-exclude", "ignore", "line-length", "per-file-ignores",
        "respect-gitignore", "select", "target-version", "unsafe-fixes",
    ]

    /// The `[tool.rekey]` table of the pyproject.toml at `file` (empty settings if it has none).
    public static func load(file: String) throws(Problem) -> RekeyConfiguration {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw Problem(file: file, message: "cannot read the configuration file")
        }
        let text = String(decoding: data, as: UTF8.self)
        return try parse(text, file: file) ?? RekeyConfiguration()
    }

    /// The settings of the nearest pyproject.toml with a `[tool.rekey]` table in the folder of
    /// `path` or above it; empty settings when there is none. A pyproject.toml that does not
    /// mention rekey is not parsed: other tools report their own broken files. With `root` (an
    /// absolute, standardized folder), no folder above it is searched.
    public static func nearest(from path: String, within root: String? = nil) throws(Problem) -> RekeyConfiguration {
        var directory = PathPattern.absolute(path, base: FileManager.default.currentDirectoryPath)
        var isDirectory: ObjCBool = false
        if !(FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) && isDirectory.boolValue) {
            directory = PathText.parent(of: directory)
        }
        while true {
            let file = (directory as NSString).appendingPathComponent("pyproject.toml")
            if let data = FileManager.default.contents(atPath: file) {
                let text = String(decoding: data, as: UTF8.self)
                if text.contains("rekey"), let configuration = try parse(text, file: file) {
                    return configuration
                }
            }
            let parent = PathText.parent(of: directory)
            if parent == directory || parent.isEmpty || directory == root { return RekeyConfiguration() }
            directory = parent
        }
    }

    /// The settings in `[tool.rekey]` of a pyproject.toml's text, or nil when it has no such table.
    static func parse(_ text: String, file: String) throws(Problem) -> RekeyConfiguration? {
        let document: TOMLTable
        do {
            document = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw Problem(file: file, message: "not valid TOML (line \(error.source.begin.line)): \(error.description)")
        } catch {
            throw Problem(file: file, message: "not valid TOML: \(error)")
        }
        guard let tool = document["tool"]?.table, let value = tool["rekey"] else { return nil }
        guard let table = value.table else {
            throw Problem(file: file, message: "[tool.rekey] must be a table, not \(value.type)")
        }
        return try RekeyConfiguration(table: table, file: file)
    }

    init(table: TOMLTable, file: String) throws(Problem) {
        self.file = file
        let reader = KeyReader(file: file)
        let base = PathText.parent(of: file)
        for key in table.keys.sorted() {
            let value = table[key]!
            switch key {
            case "select": select = try reader.codes(value, key: key)
            case "ignore": ignore = try reader.codes(value, key: key)
            case "per-file-ignores":
                guard let globs = value.table else { throw reader.wrongType(key, value, expected: "a table of glob = [codes]") }
                perFileIgnores = try globs.keys.sorted().map { glob throws(Problem) in
                    PerFileIgnore(
                        pattern: PathPattern(glob, base: base),
                        codes: try reader.codes(globs[glob]!, key: "\(key) \"\(glob)\""))
                }
            case "exclude": exclude = try reader.strings(value, key: key).map { PathPattern($0, base: base) }
            case "extend-exclude": extendExclude = try reader.strings(value, key: key).map { PathPattern($0, base: base) }
            case "force-exclude": forceExclude = try reader.bool(value, key: key)
            case "respect-gitignore": respectGitignore = try reader.bool(value, key: key)
            case "unsafe-fixes": unsafeFixes = try reader.bool(value, key: key)
            case "line-length":
                guard value.type == .int, let length = value.int, length > 0 else {
                    throw reader.wrongType(key, value, expected: "a positive integer")
                }
                lineLength = length
            case "target-version":
                guard let text = value.string, let version = PythonVersion(ruffTarget: text) else {
                    throw reader.wrongType(key, value, expected: "a Python version such as \"py310\"")
                }
                targetVersion = version
            default:
                throw Problem(file: file, message: "[tool.rekey]: unknown key '\(key)' (known: \(Self.keys.joined(separator: ", ")))")
            }
        }
    }

    /// These settings (the command line's) over `file`'s: a value set here replaces the file's,
    /// but `ignore`, `extend-exclude` and `per-file-ignores` add to it, as ruff merges them.
    public func merged(under file: RekeyConfiguration) -> RekeyConfiguration {
        var result = file
        result.select = select ?? file.select
        result.ignore = file.ignore.union(ignore)
        result.perFileIgnores = file.perFileIgnores + perFileIgnores
        result.exclude = exclude ?? file.exclude
        result.extendExclude = file.extendExclude + extendExclude
        result.forceExclude = forceExclude ?? file.forceExclude
        result.respectGitignore = respectGitignore ?? file.respectGitignore
        result.unsafeFixes = unsafeFixes ?? file.unsafeFixes
        result.lineLength = lineLength ?? file.lineLength
        result.targetVersion = targetVersion ?? file.targetVersion
        return result
    }

    /// The engine's options under these settings; with `--report-unused-suppressions`, RK100 is
    /// selected too.
    public func engineOptions(reportUnusedSuppressions: Bool) -> Engine.Options {
        let selection = RuleSelection(selected: select, ignored: ignore)
        var options = Engine.Options(
            unsafeFixes: unsafeFixes ?? false,
            selection: reportUnusedSuppressions ? selection.including(Suppressions.unusedSuppressionCode) : selection,
            reportUnusedSuppressions: reportUnusedSuppressions)
        options.discovery = FileDiscovery.Options(
            exclude: (exclude ?? FileDiscovery.defaultExclude) + extendExclude,
            forceExclude: forceExclude ?? false, respectGitignore: respectGitignore ?? true)
        options.perFileIgnores = perFileIgnores
        options.lineLength = lineLength
        options.targetVersion = targetVersion
        return options
    }
}

/// Reads one value of `[tool.rekey]`, or says what is wrong with it, naming the key and the file.
private struct KeyReader {
    let file: String

    func wrongType(_ key: String, _ value: any TOMLValueConvertible, expected: String) -> RekeyConfiguration.Problem {
        RekeyConfiguration.Problem(
            file: file, message: "[tool.rekey] \(key): expected \(expected), found \(value.type) \(value.tomlValue.debugDescription)")
    }

    func strings(_ value: any TOMLValueConvertible, key: String) throws(RekeyConfiguration.Problem) -> [String] {
        guard let array = value.array else { throw wrongType(key, value, expected: "a list of strings") }
        var result: [String] = []
        for item in array {
            guard let text = item.string else { throw wrongType(key, value, expected: "a list of strings") }
            result.append(text)
        }
        return result
    }

    func bool(_ value: any TOMLValueConvertible, key: String) throws(RekeyConfiguration.Problem) -> Bool {
        guard value.type == .bool, let flag = value.bool else { throw wrongType(key, value, expected: "true or false") }
        return flag
    }

    func codes(_ value: any TOMLValueConvertible, key: String) throws(RekeyConfiguration.Problem) -> Set<RuleCode> {
        let names = try strings(value, key: key)
        do {
            return try RuleSelection.codes(names, option: "[tool.rekey] \(key)")
        } catch {
            throw RekeyConfiguration.Problem(file: file, message: error.description)
        }
    }
}
