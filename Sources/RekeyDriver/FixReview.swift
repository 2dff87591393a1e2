import RekeyEdits
import RekeyRules
import RekeySyntax

/// A fix the fix loop is about to take, put to ``Engine/Options/review`` (`fix --interactive`):
/// its finding, and what it does to each file it edits, in this round's text.
public struct FixProposal: Sendable {
    public let finding: Finding
    public let fix: Fix
    /// Every file the fix edits, by path: its text in this round, and that text with the fix alone.
    public let files: [Engine.FileChange]
}

/// What the reviewer answers about one fix.
public enum FixDecision: Sendable {
    case apply
    case decline
    /// Apply nothing more: this fix and every later one are declined, and the loop ends after
    /// this round (which applies the fixes already accepted).
    case stop
}

/// The fix loop's side of a review: asks about each fix once where the selection would take it,
/// remembers the answer for the round (the selection is recomputed when a fix is refused), and
/// keeps what was declined out of later rounds.
struct FixReview {
    private let decide: @Sendable (FixProposal) -> FixDecision
    /// The findings whose fix was declined, as the rounds found them; a finding is recognised in
    /// later rounds by its fingerprint, which holds while its line is unchanged.
    private(set) var declined: [Finding] = []
    private var declinedFingerprints = Set<String>()
    private var answers: [Int: Bool] = [:]
    private(set) var stopped = false
    /// The run's notebooks as read: a proposal shows a notebook's file and cells, not its program.
    private let notebooks: [String: Notebook]

    init(_ decide: @escaping @Sendable (FixProposal) -> FixDecision, notebooks: [String: Notebook] = [:]) {
        self.decide = decide
        self.notebooks = notebooks
    }

    /// Forgets the last round's answers, which were given by candidate index.
    mutating func startRound() {
        answers = [:]
    }

    func wasDeclined(_ finding: Finding) -> Bool {
        declinedFingerprints.contains(finding.fingerprint)
    }

    /// Whether the fix of `finding`, candidate `index` of this round, is to be applied; asks
    /// the first time. `sources` are this round's texts of the files it edits.
    mutating func admits(_ finding: Finding, index: Int, sources: [String: SourceText]) -> Bool {
        if let answer = answers[index] { return answer }
        let decision = stopped ? .stop : decide(proposal(finding, sources: sources))
        switch decision {
        case .apply: break
        case .decline:
            declined.append(finding)
            declinedFingerprints.insert(finding.fingerprint)
        case .stop: stopped = true
        }
        answers[index] = decision == .apply
        return decision == .apply
    }

    /// A notebook's change is shown as its file before and after (its program when the fix cannot
    /// be written into its cells, which the round then refuses), its finding placed in its cells.
    private func proposal(_ finding: Finding, sources: [String: SourceText]) -> FixProposal {
        let fix = finding.fix!
        var shownNotebooks: [String: Notebook] = [:]
        let files = fix.edits.keys.sorted().compactMap { path -> Engine.FileChange? in
            guard let source = sources[path] else { return nil }
            let updated = FixApplier.applying(fix.edits[path]!, to: source)
            guard let notebook = notebooks[path], let before = try? notebook.writingBack(source.bytes),
                let after = try? notebook.writingBack(updated)
            else { return Engine.FileChange(path: path, original: source.bytes, updated: updated) }
            shownNotebooks[path] = before
            return Engine.FileChange(path: path, original: before.bytes, updated: after.bytes, analysed: (source.bytes, updated))
        }
        let shown = NotebookLines(notebooks: shownNotebooks).placed([finding], path: finding.path)[0]
        return FixProposal(finding: shown, fix: fix, files: files)
    }
}
