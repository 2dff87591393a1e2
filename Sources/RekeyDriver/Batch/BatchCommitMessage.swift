/// The message of the one commit `rekey batch` makes in a repository: what was fixed, by rule,
/// and what is left, so a reviewer reads the migration's extent before the diff.
enum BatchCommitMessage {
    static func text(_ outcome: FixOutcome, options: BatchOptions) -> String {
        let account = outcome.accounting
        var out = "Migrate to explicit JAX PRNG keys (rekey \(RekeyTool.version))\n\n"
        out +=
            "`rekey fix` changed \(TextReport.plural(outcome.changedFiles.count, "file")): "
            + "\(account.fixed) of \(TextReport.plural(account.findings, "finding")) fixed (safe \(account.fixedSafe), "
            + "unsafe \(account.fixedUnsafe), by other fixes \(account.fixedByOtherFixes)); \(account.leftTotal) left, "
            + "\(account.left[.handMigration] ?? 0) of them for hand migration.\n"
        if !outcome.appliedByCode.isEmpty {
            out += "\nFixes applied:\n"
            for (code, count) in outcome.appliedByCode { out += "- \(code) \(RuleCatalog.name(of: code)): \(count)\n" }
        }
        if !outcome.publicAPIChanges.isEmpty {
            out += "\nPublic API changed (update callers outside this repository):\n"
            for name in outcome.publicAPIChanges { out += "- \(name)\n" }
        }
        out += outcome.unsafeFixesEnabled ? "\nUnsafe fixes were applied: they may change the numbers drawn.\n" : ""
        if let select = options.select { out += "\nRules selected: \(select.joined(separator: ", "))\n" }
        if !options.ignore.isEmpty { out += "\nRules ignored: \(options.ignore.joined(separator: ", "))\n" }
        return out
    }
}
