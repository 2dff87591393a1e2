import RekeySyntax

/// One change to a file: the bytes in `range` (half-open, UTF-8 offsets) become `replacement`.
/// Built only through the intent-named constructors, so a reader sees whether code inserts,
/// deletes or replaces.
public struct Edit: Hashable, Sendable {
    public let range: ByteRange
    public let replacement: String

    private init(range: ByteRange, replacement: String) {
        self.range = range
        self.replacement = replacement
    }

    public static func insertion(_ text: String, at offset: Int) -> Edit {
        Edit(range: ByteRange(offset, offset), replacement: text)
    }

    public static func deletion(_ range: ByteRange) -> Edit {
        Edit(range: range, replacement: "")
    }

    public static func replacement(_ range: ByteRange, with text: String) -> Edit {
        Edit(range: range, replacement: text)
    }
}

/// How much a fix may be trusted, in ruff's three tiers: `safe` fixes keep behaviour,
/// `unsafe` ones may change it and need opting in, `displayOnly` ones are shown but never applied.
public enum Applicability: Int, Comparable, Sendable, CaseIterable, CustomStringConvertible {
    case displayOnly, unsafe, safe

    public static func < (lhs: Applicability, rhs: Applicability) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    public var description: String {
        switch self {
        case .displayOnly: return "display-only"
        case .unsafe: return "unsafe"
        case .safe: return "safe"
        }
    }
}

/// One logical fix. It may span several files (e.g. a new parameter and its call sites), and is
/// applied entirely or not at all.
public struct Fix: Sendable {
    public let title: String
    public let applicability: Applicability
    /// Edits keyed by file path. Within a file, insertions at the same offset apply in the order
    /// given, and an insertion at the start of a replaced range lands before the replacement.
    public let edits: [String: [Edit]]
    /// Public names (dotted) whose signature the fix changes, or that it removes: callers outside
    /// the tree would break, so the report names them.
    public let publicAPI: [String]

    public init(title: String, applicability: Applicability, edits: [String: [Edit]], publicAPI: [String] = []) {
        self.title = title
        self.applicability = applicability
        self.edits = edits
        self.publicAPI = publicAPI
    }
}
