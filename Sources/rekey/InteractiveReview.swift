import Foundation
import RekeyDriver
import RekeyEdits
import RekeyRules

/// `fix --interactive`: each fix as a patch of every file it edits, with its rule, message and
/// tier, on standard error (where the summary goes, so standard output stays empty as in `fix`),
/// answered with a line on standard input, as ast-grep's interactive mode asks: `y` applies it,
/// `n` skips it, `a` applies it and every later fix of its rule without asking, `q` applies
/// nothing more; so does the end of the input (Ctrl-D).
///
/// Unchecked Sendable: the fix loop asks from one thread, one question at a time.
final class InteractiveReview: @unchecked Sendable {
    private var rulesAccepted: Set<RuleCode> = []
    private let coloured: Bool

    init(coloured: Bool) {
        self.coloured = coloured
    }

    func decide(_ proposal: FixProposal) -> FixDecision {
        let code = proposal.finding.code
        if rulesAccepted.contains(code) { return .apply }
        Console.write(question(proposal), to: .error)
        while true {
            Console.write("Apply this fix? [y]es, [n]o, [a]ll of \(code), [q]uit: ", to: .error)
            guard let line = readLine() else {
                Console.write("\n", to: .error)
                return .stop
            }
            switch line.trimmingCharacters(in: .whitespaces).lowercased() {
            case "y", "yes": return .apply
            case "n", "no": return .decline
            case "a", "all":
                rulesAccepted.insert(code)
                return .apply
            case "q", "quit": return .stop
            default: Console.write("Answer y, n, a or q.\n", to: .error)
            }
        }
    }

    /// The finding as `check` prints it, the fix's title, and its patch.
    private func question(_ proposal: FixProposal) -> String {
        let finding = TextReport.findings([proposal.finding], unsafeFixesEnabled: true, summary: false)
        let patch = proposal.files.map { UnifiedDiff.render(path: patchPath($0.path), old: $0.original, new: $0.updated) }.joined()
        let title = "  fix: \(proposal.fix.title)\n"
        return "\n" + (coloured ? Colour.findings(finding) + title + Colour.patch(patch) : finding + title + patch)
    }
}
