import RekeyRules

/// Which rule codes a run reports: `--select` and `--ignore`, as ruff spells them.
///
/// Each option takes comma-separated codes and may be repeated (`--select RK001,RK004
/// --select RK005`). A code is matched case-insensitively; a prefix (`RK00`) stands for every known
/// code that starts with it, and `ALL` for every code. A rule is enabled when `--select` is absent
/// or names it, and `--ignore` does not name it: ignore wins over select. A name that is no known
/// code and no prefix of one is a usage error (status 2), so a typo cannot silently select nothing.
///
/// Findings of rules that are not enabled are dropped before fixes are chosen, so `diff` and `fix`
/// never apply them either.
public struct RuleSelection: Sendable, Equatable {
    /// The codes `--select` named, expanded; nil when it was not given (every code).
    public private(set) var selected: Set<RuleCode>?
    /// The codes `--ignore` named, expanded.
    public private(set) var ignored: Set<RuleCode>

    /// Every rule enabled: no `--select`, no `--ignore`.
    public static let all = RuleSelection(selected: nil, ignored: [])

    public init(selected: Set<RuleCode>?, ignored: Set<RuleCode>) {
        self.selected = selected
        self.ignored = ignored
    }

    public struct UnknownCode: Error, Equatable, CustomStringConvertible {
        public let option: String
        public let code: String
        public let known: [RuleCode]

        public var description: String {
            "\(option): unknown rule code '\(code)' (known: \(known.map(\.rawValue).joined(separator: ", ")); "
                + "a prefix such as RK00 or ALL also works)"
        }
    }

    /// Parses the values of `--select` and `--ignore` (each possibly comma-separated) against the
    /// codes rekey knows. Empty items (`RK001,`) are skipped.
    public init(select: [String], ignore: [String], known: [RuleCode] = RuleSelection.knownCodes) throws(UnknownCode) {
        let known = Array(Set(known)).sorted()
        selected = select.isEmpty ? nil : try Self.codes(select, option: "--select", known: known)
        ignored = try Self.codes(ignore, option: "--ignore", known: known)
    }

    /// Every code the options accept: the registry's rules.
    public static var knownCodes: [RuleCode] {
        Array(Set(RuleRegistry.all.map(\.code))).sorted()
    }

    public func isEnabled(_ code: RuleCode) -> Bool {
        (selected?.contains(code) ?? true) && !ignored.contains(code)
    }

    /// The same selection with `code` selected too (unless it is ignored): what
    /// `--report-unused-suppressions` does for RK100, so `--select RK004` does not hide it.
    public func including(_ code: RuleCode) -> RuleSelection {
        var copy = self
        copy.selected?.insert(code)
        return copy
    }

    /// The codes `values` name, each possibly comma-separated, prefixes and `ALL` expanded; an
    /// unknown one is reported under `option` (a flag, or a configuration key).
    public static func codes(_ values: [String], option: String, known: [RuleCode] = RuleSelection.knownCodes) throws(UnknownCode) -> Set<
        RuleCode
    > {
        let known = Array(Set(known)).sorted()
        var codes = Set<RuleCode>()
        for value in values {
            for item in value.split(separator: ",") {
                let name = item.trimmingWhitespace().uppercased()
                if name.isEmpty { continue }
                let matches = name == "ALL" ? known : known.filter { $0.rawValue.hasPrefix(name) }
                guard !matches.isEmpty else { throw UnknownCode(option: option, code: String(item.trimmingWhitespace()), known: known) }
                codes.formUnion(matches)
            }
        }
        return codes
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var result = self
        while let first = result.first, first.isWhitespace { result.removeFirst() }
        while let last = result.last, last.isWhitespace { result.removeLast() }
        return result
    }
}
