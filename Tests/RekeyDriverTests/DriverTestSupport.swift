import Foundation
import RekeyDriver
import RekeyEdits
import RekeyRules
import RekeySyntax
import RekeyTestSupport
import Testing

/// A parsed Python sample to hang hand-made findings on: the writers are tested with findings
/// whose every field the test chose, independent of what the rules report today.
struct Sample {
    let tree: SyntaxTree
    let path: String

    init(_ text: String, path: String = "src/model.py") throws {
        self.path = path
        tree = try PythonParser().parse(SourceText(path: path, text: text))
    }

    /// The smallest named node spanning the first occurrence of `needle`.
    func node(_ needle: String) throws -> Node {
        let bytes = tree.source.bytes
        let wanted = Array(needle.utf8)
        let start = try #require(
            (0...(bytes.count - wanted.count)).first { Array(bytes[$0..<($0 + wanted.count)]) == wanted },
            "\(needle) is not in the sample")
        return try #require(tree.root.namedDescendant(for: ByteRange(start, start + wanted.count)))
    }

    func finding(
        _ code: RuleCode, at needle: String, message: String = "a message",
        remedy: Finding.Remedy = .manual(reason: "do it by hand")
    ) throws -> Finding {
        Finding(code: code, node: try node(needle), path: path, message: message, remedy: remedy)
    }
}

/// Parses rendered JSON with Foundation, so a test sees what any JSON reader sees.
func parseJSON(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
}

extension Dictionary where Key == String, Value == Any {
    func object(_ key: String) throws -> [String: Any] { try #require(self[key] as? [String: Any], "\(key) is not an object") }
    func array(_ key: String) throws -> [Any] { try #require(self[key] as? [Any], "\(key) is not an array") }
    func string(_ key: String) throws -> String { try #require(self[key] as? String, "\(key) is not a string") }
    func int(_ key: String) throws -> Int { try #require(self[key] as? Int, "\(key) is not an integer") }
    func isNull(_ key: String) -> Bool { self[key] is NSNull }
}

func objects(_ array: [Any]) throws -> [[String: Any]] {
    try array.map { try #require($0 as? [String: Any]) }
}

/// Python files in a temporary directory, run through `Engine` as the CLI runs them.
/// One snippet checked alone.
func check(
    _ text: String, rules: [any Rule] = RuleRegistry.all, selection: RuleSelection = .all,
    reportUnused: Bool = false
) throws -> Engine.CheckReport {
    let project = try Project(["snippet.py": text])
    defer { project.remove() }
    return project.check(rules: rules, selection: selection, reportUnused: reportUnused)
}

/// `code line:col message`, the parts of a finding the suppression tests compare.
func summary(_ findings: [Finding]) -> [String] {
    findings.map { "\($0.code) \($0.start) \($0.message)" }
}

/// RK001 alone: a committed rule whose behaviour the suppression tests can rely on.
var importTimeKeyRule: any Rule { RuleRegistry.rule("RK001")! }
