import Foundation
import RekeyRules

/// One entry of `per-file-ignores` (`"tests/*" = ["RK004"]`): rule codes not reported, nor fixed,
/// in the files its pattern matches.
public struct PerFileIgnore: Sendable, Equatable {
    public let pattern: PathPattern
    public let codes: Set<RuleCode>

    public init(pattern: PathPattern, codes: Set<RuleCode>) {
        self.pattern = pattern
        self.codes = codes
    }
}

extension RuleSelection {
    /// This selection for the file at `path` (as given, relative to the working directory or
    /// absolute): the codes the matching `per-file-ignores` entries name are ignored too.
    public func forFile(_ path: String, perFileIgnores: [PerFileIgnore]) -> RuleSelection {
        guard !perFileIgnores.isEmpty else { return self }
        let absolute = PathPattern.absolute(path, base: FileManager.default.currentDirectoryPath)
        let codes = perFileIgnores.filter { $0.pattern.matches(absolute) }.map(\.codes)
        return codes.isEmpty ? self : RuleSelection(selected: selected, ignored: codes.reduce(ignored) { $0.union($1) })
    }
}
