import Foundation
import RekeyRules

/// The options of a batch run that change what it does to a repository: a repository done under
/// other options (or another rekey) is done again.
public struct BatchOptions: Codable, Sendable, Equatable {
    public var branch: String
    /// `--unsafe-fixes` (true), `--no-unsafe-fixes` (false), or each repository's own setting (nil).
    public var unsafeFixes: Bool?
    /// Rule codes, sorted; nil without `--select`.
    public var select: [String]?
    public var ignore: [String]
    public var reportUnusedSuppressions: Bool

    public init(branch: String, unsafeFixes: Bool?, selection: RuleSelection, reportUnusedSuppressions: Bool) {
        self.branch = branch
        self.unsafeFixes = unsafeFixes
        self.select = selection.selected.map { $0.map(\.rawValue).sorted() }
        self.ignore = selection.ignored.map(\.rawValue).sorted()
        self.reportUnusedSuppressions = reportUnusedSuppressions
    }
}

/// Findings and fixes of one repository (as the `--report` summary counts them), or of all.
public struct BatchCounts: Codable, Sendable, Equatable {
    public var filesChanged = 0
    /// The findings as read: what `rekey check` reports on the repository.
    public var findings = 0
    public var fixedSafe = 0
    public var fixedUnsafe = 0
    public var fixedByOtherFixes = 0
    /// Findings still there after the fixes; `leftByHand` of them have no automatic fix.
    public var left = 0
    public var leftByHand = 0
    /// Files rekey could not read or parse (named in the repository's report).
    public var errors = 0

    public init() {}

    public init(_ outcome: FixOutcome) {
        filesChanged = outcome.changedFiles.count
        findings = outcome.accounting.findings
        fixedSafe = outcome.accounting.fixedSafe
        fixedUnsafe = outcome.accounting.fixedUnsafe
        fixedByOtherFixes = outcome.accounting.fixedByOtherFixes
        left = outcome.accounting.leftTotal
        leftByHand = outcome.accounting.left[.handMigration] ?? 0
        errors = outcome.diagnostics.count { $0.severity == .error }
    }

    static func + (lhs: BatchCounts, rhs: BatchCounts) -> BatchCounts {
        var sum = lhs
        sum.filesChanged += rhs.filesChanged
        sum.findings += rhs.findings
        sum.fixedSafe += rhs.fixedSafe
        sum.fixedUnsafe += rhs.fixedUnsafe
        sum.fixedByOtherFixes += rhs.fixedByOtherFixes
        sum.left += rhs.left
        sum.leftByHand += rhs.leftByHand
        sum.errors += rhs.errors
        return sum
    }
}

/// What `rekey batch` did to one repository.
public struct BatchRepositoryResult: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        /// Migrated: the branch has a commit, `<name>.patch` holds it.
        case changed
        /// Nothing to change (the reports may still list sites left for hand migration).
        case clean
        /// Not migrated; `reason` says why.
        case failed
    }

    public var name: String
    public var source: String
    public var status: Status
    public var reason: String?
    /// The commit migrated: the source's HEAD.
    public var commit: String?
    public var counts = BatchCounts()

    public init(
        name: String, source: String, status: Status, reason: String? = nil, commit: String? = nil, counts: BatchCounts = BatchCounts()
    ) {
        self.name = name
        self.source = source
        self.status = status
        self.reason = reason
        self.commit = commit
        self.counts = counts
    }

    static func failed(_ entry: BatchManifest.Entry, commit: String?, reason: String) -> BatchRepositoryResult {
        BatchRepositoryResult(name: entry.name, source: entry.source, status: .failed, reason: reason, commit: commit)
    }
}

/// `summary.json`: every repository of the run (or of the shard), by name. A shard's summary says
/// which shard it is; `rekey batch merge` joins the shards into the summary the unsharded run
/// writes.
public struct BatchSummary: Codable, Sendable, Equatable {
    public struct Tool: Codable, Sendable, Equatable {
        public var name = RekeyTool.name
        public var version = RekeyTool.version
    }

    public struct Totals: Codable, Sendable, Equatable {
        public var repositories = 0
        public var changed = 0
        public var clean = 0
        public var failed = 0
        public var counts = BatchCounts()
    }

    public static let schemaVersion = "1"

    public var version = BatchSummary.schemaVersion
    public var tool = Tool()
    public var options: BatchOptions
    /// `I/N` in a shard's summary; absent in a whole run's.
    public var shard: String?
    public var totals = Totals()
    public var repositories: [BatchRepositoryResult]

    public init(options: BatchOptions, shard: BatchShard?, repositories: [BatchRepositoryResult]) {
        self.options = options
        self.shard = shard?.description
        self.repositories = repositories.sorted { $0.name < $1.name }
        for repository in self.repositories {
            totals.repositories += 1
            switch repository.status {
            case .changed: totals.changed += 1
            case .clean: totals.clean += 1
            case .failed: totals.failed += 1
            }
            totals.counts = totals.counts + repository.counts
        }
    }

    public struct MergeProblem: Error, CustomStringConvertible {
        public let description: String
    }

    /// The summary of the whole run from its shards' summaries: every shard of one `N` once,
    /// made with the same rekey and options.
    public static func merge(_ shards: [BatchSummary]) throws(MergeProblem) -> BatchSummary {
        guard let first = shards.first else { throw MergeProblem(description: "no summary to merge") }
        for summary in shards where summary.tool != first.tool || summary.version != first.version {
            throw MergeProblem(description: "the summaries come from different versions of rekey")
        }
        for summary in shards where summary.options != first.options {
            throw MergeProblem(description: "the shards were run with different options")
        }
        let parts = shards.map { $0.shard.flatMap(BatchShard.init) }
        guard let count = parts.first??.count, parts.allSatisfy({ $0?.count == count }) else {
            throw MergeProblem(description: "every summary must be a shard's (I/N) of the same N")
        }
        let indices = parts.compactMap { $0?.index }
        guard indices.sorted() == Array(0..<count) else {
            let missing = Set(0..<count).subtracting(indices).sorted().map { "\($0)/\(count)" }
            let repeated = Set(indices.filter { index in indices.count { $0 == index } > 1 }).sorted().map { "\($0)/\(count)" }
            let problems = [("missing shards", missing), ("shards given twice", repeated)].filter { !$0.1.isEmpty }
            throw MergeProblem(description: problems.map { "\($0.0): \($0.1.joined(separator: ", "))" }.joined(separator: "; "))
        }
        let repositories = shards.flatMap(\.repositories)
        if let twice = Dictionary(grouping: repositories, by: \.name).first(where: { $0.value.count > 1 })?.key {
            throw MergeProblem(description: "the repository '\(twice)' is in more than one shard")
        }
        return BatchSummary(options: first.options, shard: nil, repositories: repositories)
    }

    // MARK: Files

    /// The JSON rekey writes for every batch file it reads back: keys sorted, snake_case.
    static func encoded(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        // Encoding plain structs of strings, numbers and booleans cannot fail.
        return ((try? encoder.encode(value)) ?? Data()) + Data("\n".utf8)
    }

    static func decoded<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(type, from: data)
    }

    /// The `summary.json` in `directory`.
    public static func load(from directory: String) throws(MergeProblem) -> BatchSummary {
        let path = (directory as NSString).appendingPathComponent(fileName + ".json")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MergeProblem(description: "\(path): cannot read it (is \(directory) a `rekey batch --out` folder?)")
        }
        do {
            return try decoded(BatchSummary.self, from: data)
        } catch {
            throw MergeProblem(description: "\(path): not a rekey batch summary (\(error))")
        }
    }

    static let fileName = "summary"

    /// `summary.json` and `summary.md` in `directory`.
    public func write(to directory: String) throws {
        let base = (directory as NSString).appendingPathComponent(Self.fileName)
        try Self.encoded(self).write(to: URL(fileURLWithPath: base + ".json"), options: .atomic)
        try Data(BatchSummaryMarkdown.render(self).utf8).write(to: URL(fileURLWithPath: base + ".md"), options: .atomic)
    }
}
