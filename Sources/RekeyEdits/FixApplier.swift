import RekeySyntax

/// A fix that was not applied, and why.
public struct RefusedFix: Sendable, Equatable {
    public let fixIndex: Int
    public let reason: Reason

    public init(fixIndex: Int, reason: Reason) {
        self.fixIndex = fixIndex
        self.reason = reason
    }

    public enum Reason: Sendable, Equatable, CustomStringConvertible {
        case overlapsEditsOfItself(path: String)
        /// An earlier accepted fix touches the same bytes.
        case overlaps(fixIndex: Int, path: String)
        /// The re-parsed result has an ERROR/MISSING node the input did not have; the position is
        /// in the edited text.
        case introducesSyntaxError(path: String, line: Int, column: Int)
        /// The result parses, but fails a check its input passed: CPython would refuse it (a
        /// keyword argument or parameter repeated, …), or it is nested beyond rekey's limits.
        case wouldNotBeAccepted(path: String, problem: SourceProblem)
        /// Another fix broke the syntax of `path`, so no fix touching it is applied, and a fix is
        /// applied everywhere or nowhere.
        case fileRefusedByAnotherFix(path: String)
        /// An edit lies outside the file or splits a UTF-8 character, or the file is not among the sources.
        case outOfBounds(path: String)

        public var description: String {
            switch self {
            case .overlapsEditsOfItself(let path):
                return "its own edits in \(path) overlap"
            case .overlaps(let fixIndex, let path):
                return "it overlaps fix \(fixIndex) in \(path)"
            case .introducesSyntaxError(let path, let line, let column):
                return "it introduces a syntax error at \(path):\(line):\(column)"
            case .wouldNotBeAccepted(let path, let problem):
                return "its result in \(path) would not be accepted: \(problem)"
            case .fileRefusedByAnotherFix(let path):
                return "another fix breaks the syntax of \(path), so no fix to it is applied"
            case .outOfBounds(let path):
                return "an edit is outside \(path) or splits a UTF-8 character"
            }
        }
    }
}

public struct FixApplication: Sendable {
    /// New contents of the files that changed, already re-parsed and checked: they have no syntax
    /// error, and nothing else CPython would refuse, that their input did not have.
    public let changed: [String: SourceText]
    /// The tree of each changed file parsed to check it, when `apply` was asked to keep them (a
    /// file whose input did not pass is not checked, so it has none).
    public let trees: [String: SyntaxTree]
    /// Indices (into the input array) of the fixes applied, ascending.
    public let applied: [Int]
    /// Ascending by `fixIndex`.
    public let refused: [RefusedFix]
}

public enum FixApplier {
    /// Applies fixes in array order (callers sort by priority). A fix is all-or-nothing across all
    /// its files. Same-offset insertions from *different* fixes count as overlapping (the order
    /// would be ambiguous); within one fix, insertions at the same offset apply in the order given.
    /// An insertion exactly at the start or end of another edit's range does not overlap it, and
    /// lands before or after that edit's replacement respectively.
    /// Applicability is not consulted: callers pass only the fixes they want applied.
    /// After applying, each changed file is re-parsed and checked (``OutputVerifier``); if the
    /// input passed and the output does not, every fix touching that file is refused and application is recomputed
    /// without them (repeat until stable), so a multi-file fix is never half applied. A fix that
    /// lost to a refused one is reconsidered in the recomputed round.
    /// Fixes in `excluded` are left out without being reported (the caller refused them), and so
    /// are those `admits` turns down when the selection reaches them (`fix --interactive` asks
    /// there, once a fix could be taken); it may be asked again about a fix while this
    /// application is recomputed, and must answer the same.
    /// `cleanInputs`, `keepingTrees` and `editing` save parses (see ``OutputVerifier``): the files
    /// the caller knows compile, whether to give the caller the checked outputs' trees, and
    /// trees of inputs to parse their outputs from.
    public static func apply(
        _ fixes: [Fix], to sources: [String: SourceText], parser: PythonParser,
        excluding excluded: Set<Int> = [], admits: (Int) -> Bool = { _ in true },
        cleanInputs: Set<String> = [], keepingTrees: Bool = false, editing bases: [String: EditableTree] = [:]
    ) -> FixApplication {
        var verifier = OutputVerifier(
            sources: sources, parser: parser, cleanInputs: cleanInputs, keepsTrees: keepingTrees, bases: bases)
        var syntaxRefusals: [Int: RefusedFix.Reason] = [:]
        while true {
            let selection = FixSelection(
                fixes, sources: sources, excluding: excluded.union(syntaxRefusals.keys), admits: admits)
            var changed: [String: SourceText] = [:]
            var trees: [String: SyntaxTree] = [:]
            var newRefusals: [Int: RefusedFix.Reason] = [:]
            for path in selection.paths {
                switch verifier.verify(selection.edits(in: path), in: path) {
                case .unchanged:
                    break
                case .accepted(let output, let tree):
                    changed[path] = output
                    trees[path] = tree
                case .rejected(let problem):
                    let blamed = blame(selection.fixes(touching: path), of: fixes, for: problem, in: path, verifier: verifier)
                    // A fix refused for two files keeps the reason that blames it over the bystander one.
                    newRefusals.merge(blamed) { earlier, later in
                        if case .fileRefusedByAnotherFix = earlier { return later }
                        return earlier
                    }
                }
            }
            if newRefusals.isEmpty {
                let refused = selection.refused + syntaxRefusals.map { RefusedFix(fixIndex: $0.key, reason: $0.value) }
                return FixApplication(
                    changed: changed,
                    trees: trees,
                    applied: selection.accepted,
                    refused: refused.sorted { $0.fixIndex < $1.fixIndex })
            }
            syntaxRefusals.merge(newRefusals) { earlier, _ in earlier }
        }
    }

    /// Applies pre-validated, non-overlapping edits of one file; precondition-fails on overlap.
    /// Edits are sorted by range; ties (insertions at one offset) keep the order given.
    public static func applying(_ edits: [Edit], to source: SourceText) -> [UInt8] {
        let ordered = edits.enumerated().sorted {
            ($0.element.range.start, $0.element.range.end, $0.offset)
                < ($1.element.range.start, $1.element.range.end, $1.offset)
        }
        var result: [UInt8] = []
        result.reserveCapacity(source.bytes.count + edits.reduce(0) { $0 + $1.replacement.utf8.count })
        var cursor = 0
        for (_, edit) in ordered {
            precondition(
                edit.range.start >= cursor && edit.range.end <= source.bytes.count,
                "edit \(edit.range) overlaps another edit or lies outside \(source.path)")
            result += source.bytes[cursor..<edit.range.start]
            result += edit.replacement.utf8
            cursor = edit.range.end
        }
        result += source.bytes[cursor...]
        return result
    }

    private static func reason(_ problem: SourceProblem, in path: String) -> RefusedFix.Reason {
        problem.kind == .syntaxError
            ? .introducesSyntaxError(path: path, line: problem.position.line, column: problem.position.column)
            : .wouldNotBeAccepted(path: path, problem: problem)
    }

    /// Which of the fixes touching a file that no longer passes are to blame. A fix that breaks the
    /// file on its own is blamed; the others are refused only because the file is. When no fix
    /// breaks it alone, their combination does, and all are blamed.
    private static func blame(
        _ fixIndices: [Int], of fixes: [Fix], for problem: SourceProblem, in path: String, verifier: OutputVerifier
    ) -> [Int: RefusedFix.Reason] {
        let combined = reason(problem, in: path)
        guard fixIndices.count > 1 else {  // alone, the fix is the combination: no need to re-parse
            return Dictionary(uniqueKeysWithValues: fixIndices.map { ($0, combined) })
        }
        var culprits: [Int: RefusedFix.Reason] = [:]
        for index in fixIndices {
            if let alone = verifier.problem(after: fixes[index].edits[path, default: []], in: path) {
                culprits[index] = reason(alone, in: path)
            }
        }
        return Dictionary(
            uniqueKeysWithValues: fixIndices.map { index in
                (index, culprits.isEmpty ? combined : culprits[index] ?? .fileRefusedByAnotherFix(path: path))
            })
    }
}
