/// What every machine-readable report says about the tool that wrote it.
public enum RekeyTool {
    public static let name = "rekey"
    /// The release version: `rekey --version`, and the `tool.version` of the JSON and SARIF reports.
    public static let version = "0.1.0"
    /// Where the tool is documented, for SARIF's `tool.driver.informationUri`. Nil until rekey has
    /// a public home: an invented address would send readers nowhere, so the field is left out.
    public static let informationURI: String? = nil

    /// The address of a rule's section in MIGRATION.md under the home `base` (a GitHub
    /// repository's layout), for SARIF's `helpUri` and rdjson's `code.url`; nil without a home.
    public static func documentationURI(of rule: RuleInfo, base: String?) -> String? {
        base.map { $0 + "/blob/main/MIGRATION.md#" + rule.anchor }
    }
}
