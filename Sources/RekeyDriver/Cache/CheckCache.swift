import Foundation
import RekeyRules

/// `.rekey_cache/`: the report of a `check` kept for the next run over the same inputs, as ruff
/// keeps `.ruff_cache/`. A re-run whose inputs are all unchanged reads the files (to compare
/// them) and prints the stored report without parsing anything.
///
/// An entry is found by the invocation (rekey's build, the options that shape findings, the
/// working directory and the paths given) and its report is used only if its inputs are the same
/// too: every file the run read, given or context, by path, size and content hash, with its
/// project's settings (line length, target Python) and any problem reading it. Otherwise (a file
/// added, removed, edited, a `pyproject.toml` changed) the entry's analyses still serve: a file
/// whose text, settings and the facts of the files it imports are unchanged is not parsed or
/// analysed again (``CachedAnalysis``), and the run's cross-file stages work from them. A rebuilt
/// rekey starts afresh. Each run replaces its entry. Entries are written through ``FileTransaction``; a cache that
/// cannot be read or written only costs time, never the run.
public struct CheckCache: Sendable {
    /// The folder, created on first write with a `.gitignore` of `*` and a `CACHEDIR.TAG`, so
    /// git and backup tools leave it alone.
    public let directory: String
    /// The newest entries kept (one per invocation), so the folder stays small.
    static let entriesKept = 32
    /// Part of every entry's name: a change of layout starts afresh.
    static let layoutVersion = "check-v1"

    public init(directory: String) {
        self.directory = directory
    }

    public static let folderName = ".rekey_cache"

    /// `.rekey_cache` in the project of the first path (see ``ProjectRoot``), else in the working
    /// directory.
    public static func defaultDirectory(for paths: [String]) -> String {
        let root = paths.first.flatMap(ProjectRoot.root(of:)) ?? FileManager.default.currentDirectoryPath
        return (root as NSString).appendingPathComponent(folderName)
    }

    /// Names one run's entry and checks that its inputs are the ones stored.
    struct Key {
        let invocation: String
        let inputs: String
    }

    private struct Entry: Codable {
        let inputs: String
        let report: CachedCheckReport
    }

    /// The entry's two files: the report (read first, and alone when the inputs are the same)
    /// and the files' analyses, by path (read when they are not).
    private func entryPaths(_ key: Key) -> (report: String, analyses: String) {
        var hash = StableHash()
        hash.add(field: Self.layoutVersion)
        hash.add(field: key.invocation)
        let stem = (directory as NSString).appendingPathComponent("\(Self.layoutVersion)-\(hash.hex)")
        return (stem + ".json", stem + ".analyses.json")
    }

    func lookup(_ key: Key) -> Engine.CheckReport? {
        guard let data = FileManager.default.contents(atPath: entryPaths(key).report),
            let entry = try? JSONDecoder().decode(Entry.self, from: data), entry.inputs == key.inputs
        else { return nil }
        return entry.report.report
    }

    /// The analyses the last run of this invocation kept; each is used only if its own key matches.
    func analyses(for key: Key) -> [String: CachedAnalysis] {
        guard let data = FileManager.default.contents(atPath: entryPaths(key).analyses) else { return [:] }
        return (try? JSONDecoder().decode([String: CachedAnalysis].self, from: data)) ?? [:]
    }

    func store(_ report: Engine.CheckReport, analyses: [String: CachedAnalysis], for key: Key) {
        let encoder = JSONEncoder()
        guard prepareFolder(), let reportData = try? encoder.encode(Entry(inputs: key.inputs, report: CachedCheckReport(report))),
            let analysesData = try? encoder.encode(analyses)
        else { return }
        let paths = entryPaths(key)
        try? FileTransaction.commit([
            FileTransaction.Change(path: paths.analyses, expected: nil, contents: Array(analysesData)),
            FileTransaction.Change(path: paths.report, expected: nil, contents: Array(reportData)),
        ])
        pruneOldEntries()
    }

    /// Creates the folder and its markers if missing; false if it cannot be used.
    private func prepareFolder() -> Bool {
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        if files.fileExists(atPath: directory, isDirectory: &isDirectory) { return isDirectory.boolValue }
        guard (try? files.createDirectory(atPath: directory, withIntermediateDirectories: true)) != nil else { return false }
        let markers = [
            ".gitignore": "# Created by rekey: its check cache, safe to delete.\n*\n",
            "CACHEDIR.TAG": "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by rekey.\n",
        ]
        for (name, text) in markers {
            try? FileTransaction.commit([
                FileTransaction.Change(
                    path: (directory as NSString).appendingPathComponent(name), expected: nil, contents: Array(text.utf8))
            ])
        }
        return true
    }

    private func pruneOldEntries() {
        let files = FileManager.default
        guard let names = try? files.contentsOfDirectory(atPath: directory) else { return }
        let entries = names.filter { $0.hasPrefix(Self.layoutVersion + "-") && !$0.hasSuffix(".analyses.json") }.compactMap {
            name -> (String, Date)? in
            let path = (directory as NSString).appendingPathComponent(name)
            guard let modified = (try? files.attributesOfItem(atPath: path))?[.modificationDate] as? Date else { return nil }
            return (path, modified)
        }
        guard entries.count > Self.entriesKept else { return }
        for (path, _) in entries.sorted(by: { $0.1 > $1.1 }).dropFirst(Self.entriesKept) {
            try? files.removeItem(atPath: path)
            try? files.removeItem(atPath: String(path.dropLast(".json".count)) + ".analyses.json")
        }
    }

    /// rekey's build: its version and its executable's size and modification time, so a rebuilt
    /// rekey (whose rules may differ) never reads the reports of another.
    static let buildIdentity: String = {
        var status = stat()
        guard stat("/proc/self/exe", &status) == 0 else { return RekeyTool.version + " unknown build \(UUID())" }
        return "\(RekeyTool.version) \(status.st_size) \(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec)"
    }()
}

extension Engine.Options {
    /// Every option that can change what `check` reports, spelt out in a stable order. (The
    /// files discovery chose, and their contents, are the key's inputs.)
    var checkCacheIdentity: String {
        let codes = { (codes: Set<RuleCode>) in codes.map(\.rawValue).sorted().joined(separator: ",") }
        var fields = [
            "unsafe-fixes=\(unsafeFixes)", "prefilter=\(prefilter)",
            "select=\(selection.selected.map(codes) ?? "ALL")", "ignore=\(codes(selection.ignored))",
            "unused-suppressions=\(reportUnusedSuppressions)", "max-file-bytes=\(maximumFileBytes)",
            "line-length=\(lineLength.map(String.init) ?? "-")", "target-version=\(targetVersion.map(\.description) ?? "-")",
        ]
        fields += perFileIgnores.map { "per-file-ignore=\($0.pattern.identity):\(codes($0.codes))" }
        return fields.joined(separator: "\n")
    }
}
