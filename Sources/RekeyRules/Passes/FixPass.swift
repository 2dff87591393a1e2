/// What a migration pass is, for the people and tests that rely on it: its title, the rules whose
/// fixes it makes, and what it does. MIGRATION.md's list of passes and the fixture tests' table of
/// which rules a pass's fixtures exercise (`rekey rule --all --format json`) are read from here.
public struct PassDescription: Sendable {
    public let title: String
    public let rules: [RuleCode]
    /// The fixtures of a pass that serves several rules live in `Fixtures/<group>/`; nil when its
    /// fixtures sit under its rules' codes.
    public let fixtureGroup: String?
    /// One paragraph for the guide (markdown).
    public let summary: String
}

/// A migration pass: the rewrite behind one or more rules' fixes. A rule finds; its pass plans the
/// edits for one finding, as a ``PassPlan`` (the fix, or why it is left for hand migration).
protocol FixPass {
    static var description: PassDescription { get }
}

/// Every pass, in the order the guide presents them.
public enum PassCatalogue {
    public static let all: [PassDescription] = [
        GlobalKeyThreading.description, ParametrizeOverSeeds.description, RequiredKeyParameter.description,
        RequiredKeyField.description, KeyParameterForModule.description, SplitBeforeReuse.description,
        PerCallKey.description, KeyThreading.description,
    ]
}
