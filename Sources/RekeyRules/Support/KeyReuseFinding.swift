import RekeyAnalysis
import RekeyEdits
import RekeySyntax

/// The three reuse rules read one shared analysis (``FileKeyFlow``) and differ only in which
/// kind of reuse they report; this is the one place their findings are built.
enum KeyReuseFinding {
    static func findings(of kinds: Set<KeyReuse.Kind>, code: RuleCode, in file: FileContext) -> [Finding] {
        file.keyFlow.reuses.filter { kinds.contains($0.kind) }.map { reuse in
            Finding(
                code: code, node: reuse.use, path: file.path, message: message(reuse),
                plan: SplitBeforeReuse.plan(for: reuse, in: file))
        }
    }

    /// The finding planned again with the other files in view (a method that takes a key per
    /// call, whose instances there then pass one too).
    static func replan(_ finding: Finding, in file: FileContext, project: ProjectView) -> Finding? {
        guard let reuse = file.keyFlow.reuses.first(where: { $0.use.byteRange == finding.range }) else { return nil }
        return Finding(
            code: finding.code, node: reuse.use, path: file.path, message: finding.message,
            plan: SplitBeforeReuse.plan(for: reuse, in: file, project: project))
    }

    static func message(_ reuse: KeyReuse) -> String {
        let first = reuse.earlier.startPosition.line
        let second = reuse.use.startPosition.line
        switch reuse.kind {
        case .reused:
            return
                "`\(reuse.keyText)` is consumed at line \(first) by `\(reuse.earlierCallee)` and again at line \(second) by `\(reuse.useCallee)`"
        case .consumedInLoop:
            return
                "`\(reuse.keyText)` is consumed by `\(reuse.useCallee)` at line \(second) on every iteration of a loop without a per-iteration split"
        case .usedAfterSplit:
            return
                "`\(reuse.keyText)` is used at line \(second) by `\(reuse.useCallee)` after `jax.random.split` consumed it at line \(first)"
        case .storedKeyNotReplaced:
            return
                "`\(reuse.keyText)` is stored on the object and consumed at line \(second) by `\(reuse.useCallee)` without being replaced; every later call consumes it again"
        }
    }
}
