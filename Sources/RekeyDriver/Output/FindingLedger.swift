import RekeyEdits
import RekeyRules

/// Which findings as read a `diff` or `fix` run left, found again among the findings of the
/// rewritten text: a finding's line is followed through the rewrite (``LineCorrespondence``), and
/// a finding there of the same rule on the line it became (or among the lines that replaced it)
/// is the same site, one for one, the same message and column preferred. A finding as read with
/// no such counterpart was fixed; a finding after the run with none is new, exposed by the
/// rewrite.
enum FindingLedger {
    /// For one file: the index in `after` of each finding of `asRead` that is still there, by
    /// its index in `asRead`. `correspondence` is nil when the file was not rewritten.
    static func match(
        asRead: [Finding], after: [Finding], correspondence: LineCorrespondence?
    ) -> [Int: Int] {
        var taken = Set<Int>()
        var matches: [Int: Int] = [:]
        for (index, finding) in asRead.enumerated() {
            let lines =
                correspondence?.newLines(forOld: finding.start.line)
                ?? finding.start.line..<(finding.start.line + 1)
            var best: (index: Int, score: Int)?
            for (candidateIndex, candidate) in after.enumerated()
            where !taken.contains(candidateIndex) && candidate.code == finding.code
                && lines.contains(candidate.start.line)
            {
                let score =
                    (candidate.message == finding.message ? 0 : 2)
                    + (candidate.start.column == finding.start.column ? 0 : 1)
                if best == nil || score < best!.score { best = (candidateIndex, score) }
            }
            if let best {
                taken.insert(best.index)
                matches[index] = best.index
            }
        }
        return matches
    }
}
