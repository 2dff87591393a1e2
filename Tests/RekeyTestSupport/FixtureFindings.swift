import Foundation
import RekeyDriver
import RekeyRules

/// The repository's `Fixtures` folder.
public let fixturesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures").path

/// Each finding as one line: where, its rule and message, and its remedy (a fix's title,
/// applicability and edits, or the reason it is left to a hand migration), for comparing what
/// two runs found. A fix's edits are kept by path in no particular order, so they are sorted.
public func renderedFindings(_ findings: [Finding]) -> [String] {
    findings.map { finding in
        let remedy: String
        switch finding.remedy {
        case .fix(let fix):
            remedy = "\(fix.title) \(fix.applicability) " + fix.edits.sorted { $0.key < $1.key }.map { "\($0)" }.joined()
        case .manual(let reason):
            remedy = reason
        }
        return "\(finding.path) \(finding.range) \(finding.code) \(finding.message) \(remedy)"
    }
}
