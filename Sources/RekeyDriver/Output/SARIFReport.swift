import RekeyEdits
import RekeyRules
import RekeySyntax

/// `rekey check --output-format sarif`: a SARIF 2.1.0 log with one run, for GitHub code scanning
/// and other SARIF viewers. The test suite validates it against the official OASIS schema.
///
/// - `tool.driver`: name, version, `informationUri` (when rekey has a public home: see
///   ``RekeyTool/informationURI``), and `rules[]`: every code rekey can report (the registry's
///   rules and RK100), each with `id`, `name`, `shortDescription`, `fullDescription`, `help` (the
///   rule's documentation as text and markdown), `helpUri` (its section of MIGRATION.md at that
///   home) and `defaultConfiguration.level` "warning".
/// - `results[]`: `ruleId`, `ruleIndex` (into `rules`), `level` "warning", `message.text` (the
///   finding's message, then what to do: the fix or the reason to migrate by hand), one location
///   with a region in 1-based lines and columns (`columnKind` is "unicodeCodePoints"; `endColumn`
///   is exclusive), `partialFingerprints` (`rekeyFinding/v1`: stable across runs and line shifts,
///   see ``FindingFingerprint``), and `fixes[]` when the finding has a fix. A fix's replacements use byte
///   regions of the original file (`deletedRegion.byteOffset`/`byteLength`, `insertedContent.text`)
///   and carry `properties.applicability` (safe, unsafe, display-only): SARIF has no notion of it.
/// - Paths: relative paths are URIs relative to `%SRCROOT%` (forward slashes, percent-encoded,
///   leading `./` dropped); `originalUriBaseIds` gives `%SRCROOT%` as the working directory. An
///   absolute path inside the working directory is made relative to it; one outside becomes a
///   `file://` URI.
/// - `invocations[0]`: `executionSuccessful` is false when an input could not be read or parsed
///   (exit status 2), and each diagnostic is a `toolExecutionNotifications` entry naming its file.
public enum SARIFReport {
    public static let schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    static let sourceRoot = "%SRCROOT%"
    /// The `partialFingerprints` entry rekey fills (see ``FindingFingerprint``); the version
    /// changes if what it hashes does.
    static let fingerprintKey = "rekeyFinding/v1"

    /// `workingDirectory` is the absolute directory relative paths start from (the process's).
    public static func render(findings: [Finding], diagnostics: [Diagnostic], workingDirectory: String) -> String {
        document(findings: findings, diagnostics: diagnostics, workingDirectory: workingDirectory).rendered()
    }

    /// `documentationBase`: rekey's home, for each rule's `helpUri` (see ``RekeyTool/documentationURI(of:base:)``).
    public static func document(
        findings: [Finding], diagnostics: [Diagnostic], workingDirectory: String,
        documentationBase: String? = RekeyTool.informationURI
    ) -> JSONValue {
        let rules = RuleCatalog.all
        var ruleIndex: [RuleCode: Int] = [:]
        for (index, rule) in rules.enumerated() { ruleIndex[rule.code] = index }
        let root = workingDirectory.hasSuffix("/") ? workingDirectory : workingDirectory + "/"

        var driver: [JSONValue.Member] = [.init("name", .string(RekeyTool.name))]
        if let uri = documentationBase { driver.append(.init("informationUri", .string(uri))) }
        driver.append(.init("version", .string(RekeyTool.version)))
        driver.append(.init("rules", .array(rules.map { ruleDescriptor($0, documentationBase: documentationBase) })))

        let notifications: [JSONValue] = diagnostics.sorted().map { diagnostic in
            [
                "level": diagnostic.severity == .error ? "error" : "warning",
                "message": ["text": .string(diagnostic.message)],
                "locations": [["physicalLocation": ["artifactLocation": artifactLocation(diagnostic.path, root: root)]]],
            ]
        }
        let run: JSONValue = [
            "tool": ["driver": .object(driver)],
            "invocations": [
                [
                    "executionSuccessful": .bool(!diagnostics.contains { $0.severity == .error }),
                    "toolExecutionNotifications": .array(notifications),
                ]
            ],
            "originalUriBaseIds": [sourceRoot: ["uri": .string("file://" + percentEncode(root))]],
            "columnKind": "unicodeCodePoints",
            "results": .array(findings.map { result($0, ruleIndex: ruleIndex[$0.code], root: root) }),
        ]
        return [
            "$schema": .string(schemaURI),
            "version": "2.1.0",
            "runs": [run],
        ]
    }

    static func ruleDescriptor(_ rule: RuleInfo, documentationBase: String?) -> JSONValue {
        var members: [JSONValue.Member] = [
            .init("id", .string(rule.code.rawValue)),
            .init("name", .string(rule.name)),
            .init("shortDescription", ["text": .string(rule.summary)]),
            .init("fullDescription", ["text": .string(rule.fullDescription)]),
            .init("help", ["text": .string(rule.helpMarkdown), "markdown": .string(rule.helpMarkdown)]),
        ]
        if let uri = RekeyTool.documentationURI(of: rule, base: documentationBase) { members.append(.init("helpUri", .string(uri))) }
        members.append(.init("defaultConfiguration", ["level": "warning"]))
        return .object(members)
    }

    static func result(_ finding: Finding, ruleIndex: Int?, root: String) -> JSONValue {
        var members: [JSONValue.Member] = [.init("ruleId", .string(finding.code.rawValue))]
        if let ruleIndex { members.append(.init("ruleIndex", .number(ruleIndex))) }
        members += [
            .init("level", "warning"),
            .init("message", ["text": .string(finding.message + "\n" + ReportText.remedyLine(finding))]),
            .init(
                "locations",
                [
                    [
                        "physicalLocation": [
                            "artifactLocation": artifactLocation(finding.path, root: root),
                            "region": [
                                "startLine": .number(finding.start.line),
                                "startColumn": .number(finding.start.column),
                                "endLine": .number(finding.end.line),
                                "endColumn": .number(finding.end.column),
                            ],
                        ]
                    ]
                ]),
        ]
        if !finding.fingerprint.isEmpty {
            members.append(.init("partialFingerprints", [fingerprintKey: .string(finding.fingerprint)]))
        }
        if let fix = finding.fix, let sarifFix = self.fix(fix, root: root) {
            members.append(.init("fixes", [sarifFix]))
        }
        return .object(members)
    }

    /// Nil when the fix has no edit (SARIF requires at least one change).
    static func fix(_ fix: Fix, root: String) -> JSONValue? {
        let changes: [JSONValue] = fix.edits.sorted { $0.key < $1.key }.compactMap { path, edits in
            guard !edits.isEmpty else { return nil }
            return [
                "artifactLocation": artifactLocation(path, root: root),
                "replacements": .array(
                    edits.map { edit in
                        var replacement: [JSONValue.Member] = [
                            .init("deletedRegion", ["byteOffset": .number(edit.range.start), "byteLength": .number(edit.range.length)])
                        ]
                        if !edit.replacement.isEmpty {
                            replacement.append(.init("insertedContent", ["text": .string(edit.replacement)]))
                        }
                        return .object(replacement)
                    }),
            ]
        }
        guard !changes.isEmpty else { return nil }
        return [
            "description": ["text": .string(fix.title)],
            "artifactChanges": .array(changes),
            "properties": ["applicability": .string(fix.applicability.description)],
        ]
    }

    // MARK: URIs

    /// A relative path as a URI reference under `%SRCROOT%`; an absolute one relative to the
    /// working directory `root` (which ends in `/`) when inside it, else as a `file://` URI.
    static func artifactLocation(_ path: String, root: String) -> JSONValue {
        guard let relative = ReportText.relativePath(path, root: root) else { return ["uri": .string("file://" + percentEncode(path))] }
        return ["uri": .string(percentEncode(relative)), "uriBaseId": .string(sourceRoot)]
    }

    /// RFC 3986: every byte but the unreserved characters and `/` is percent-encoded, so spaces,
    /// `#`, `%`, `:`, backslashes and non-ASCII names make valid URI references.
    public static func percentEncode(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return out
    }
}
