import RekeyDriver
import RekeyRules

/// A small project in a temporary folder, run through ``Engine`` as the CLI runs it: discovery,
/// the prefilter, analysis, the cross-file guard and fix application to a fixed point. Nothing is
/// written back: `fix` reports the rewritten bytes.
public struct Project: Sendable {
    public let tree: TemporaryTree

    public init(_ files: [String: String]) throws {
        tree = try TemporaryTree(files, prefix: "rekey-project")
    }

    /// A file's or folder's path; `.` is the project's folder.
    public func path(_ name: String) -> String { name == "." ? tree.root.path : tree.path(name) }

    /// `rekey check NAME` (a file or a folder; `.` is the whole project).
    public func check(
        _ name: String = "snippet.py", rules: [any Rule] = RuleRegistry.all,
        selection: RuleSelection = .all, reportUnused: Bool = false
    ) -> Engine.CheckReport {
        let options = Engine.Options(jobs: 1, selection: selection, reportUnusedSuppressions: reportUnused)
        return Engine(options: options, rules: rules).check(paths: [path(name)])
    }

    /// `rekey diff NAME`, `--unsafe-fixes` when asked.
    public func fix(
        _ name: String = "snippet.py", rules: [any Rule] = RuleRegistry.all,
        selection: RuleSelection = .all, unsafeFixes: Bool = false
    ) -> Engine.FixReport {
        let options = Engine.Options(unsafeFixes: unsafeFixes, jobs: 1, selection: selection)
        return Engine(options: options, rules: rules).fix(paths: [path(name)])
    }

    public func remove() { tree.remove() }
}
