import Foundation
import RekeyAnalysis
import RekeyRules
import RekeySyntax

/// One analysis of a file (what the rules found with the facts it was given, and what it tells
/// other files), as the check cache keeps it, under a key naming everything the analysis read
/// (see `Engine.analysisCacheKey`): a later run whose inputs differ somewhere still takes an
/// analysis from here when the file, its project's settings and the facts it is given are the
/// same, and parses only the files a change reaches.
struct CachedAnalysis: Codable {
    let findings: [CachedCheckReport.CachedFinding]
    let moduleName: String
    let factsRead: FactsRead
    let looksLikeScript: Bool
    let isScript: Bool
    let importedModules: [String]
    let exports: [String: FunctionKeySummary]
    let exportedKeys: [String]
    /// `TouchableRanges`, as start and end pairs; nil when it has no fix.
    let signatureHeaders: [[Int]]?

    init(_ state: Engine.FileState) {
        findings = state.findings.map(CachedCheckReport.CachedFinding.init)
        moduleName = state.moduleName
        factsRead = state.factsRead
        looksLikeScript = state.looksLikeScript
        isScript = state.isScript
        importedModules = state.importedModules.sorted()
        exports = state.exports
        exportedKeys = state.exportedKeys.sorted()
        signatureHeaders = state.signatureHeaders.map { $0.merged.map { [$0.start, $0.end] } }
    }

    /// `state` (as read) with this analysis, or nil if a part of the record does not make sense.
    func restored(into state: Engine.FileState) -> Engine.FileState? {
        var state = state
        var restored: [Finding] = []
        for cached in findings {
            guard let finding = cached.finding else { return nil }
            restored.append(finding)
        }
        if let signatureHeaders {
            var ranges: [ByteRange] = []
            for pair in signatureHeaders {
                guard pair.count == 2, let range = CachedCheckReport.range(pair[0], pair[1]) else { return nil }
                ranges.append(range)
            }
            state.signatureHeaders = TouchableRanges(ranges)
        }
        state.findings = restored
        state.parsed = true
        state.moduleName = moduleName
        state.factsRead = factsRead
        state.looksLikeScript = looksLikeScript
        state.isScript = isScript
        state.importedModules = Set(importedModules)
        state.exports = exports
        state.exportedKeys = Set(exportedKeys)
        return state
    }

    /// Facts (a file's exports and module-level keys, or a round's for the whole project),
    /// hashed in a stable order: part of the keys of the analyses given them. Every field of a
    /// summary counts, by reflection, so a field added later cannot be forgotten here.
    static func digest(summaries: [String: FunctionKeySummary], keys: Set<String>) -> UInt64 {
        var hash = StableHash()
        for (name, summary) in summaries.sorted(by: { $0.key < $1.key }) {
            hash.add(field: name)
            for field in Mirror(reflecting: summary).children {
                hash.add(field: field.label ?? "")
                switch field.value {
                case let numbers as Set<Int>: hash.add(field: numbers.sorted().map(String.init).joined(separator: ","))
                case let names as Set<String>: hash.add(field: names.sorted().joined(separator: ","))
                case let flag as Bool: hash.add(field: String(flag))
                case let number as Int: hash.add(field: String(number))
                // A kind of field this does not know how to hash stably: never equal, never reused.
                default: hash.add(field: UUID().uuidString)
                }
            }
        }
        hash.add(field: "keys")
        for key in keys.sorted() { hash.add(field: key) }
        return hash.value
    }
}
