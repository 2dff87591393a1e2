/// `summary.md`: the run's options, then one table row per repository (by name) and a total.
enum BatchSummaryMarkdown {
    static func render(_ summary: BatchSummary) -> String {
        var out = "# rekey batch summary\n\n"
        out += "rekey \(summary.tool.version), branch \(FixReportWriter.codeSpan(summary.options.branch)), \(optionsText(summary.options))"
        if let shard = summary.shard { out += "; shard \(shard) of the manifest" }
        out += ".\n\n"
        let totals = summary.totals
        out +=
            "\(totals.repositories) repositories: \(totals.changed) changed, \(totals.clean) clean, \(totals.failed) failed.\n\n"
        out += "| repository | status | files changed | findings | fixed safe | fixed unsafe | fixed by other fixes "
        out += "| left | left by hand | errors | commit or reason |\n"
        out += "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n"
        for repository in summary.repositories {
            let note =
                repository.reason.map(FixReportWriter.escapeText) ?? repository.commit.map {
                    FixReportWriter.codeSpan(String($0.prefix(12)))
                } ?? ""
            out +=
                "| \(FixReportWriter.escapeText(repository.name)) | \(repository.status.rawValue) | \(cells(repository.counts)) | \(note) |\n"
        }
        out += "| **total** | | \(cells(totals.counts)) | |\n"
        return out
    }

    private static func cells(_ counts: BatchCounts) -> String {
        [
            counts.filesChanged, counts.findings, counts.fixedSafe, counts.fixedUnsafe, counts.fixedByOtherFixes, counts.left,
            counts.leftByHand, counts.errors,
        ].map(String.init).joined(separator: " | ")
    }

    private static func optionsText(_ options: BatchOptions) -> String {
        var parts: [String] = []
        switch options.unsafeFixes {
        case true: parts.append("`--unsafe-fixes`")
        case false: parts.append("`--no-unsafe-fixes`")
        case nil: parts.append("unsafe fixes as each repository's `[tool.rekey]` says (safe fixes only by default)")
        }
        if let select = options.select { parts.append("`--select \(select.joined(separator: ","))`") }
        if !options.ignore.isEmpty { parts.append("`--ignore \(options.ignore.joined(separator: ","))`") }
        if options.reportUnusedSuppressions { parts.append("`--report-unused-suppressions`") }
        return parts.joined(separator: ", ")
    }
}
