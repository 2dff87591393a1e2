import RekeyRules

/// `rekey check --output-format github`: GitHub Actions workflow commands, which the runner turns
/// into annotations on the pull request.
///
/// One line per finding, then one per diagnostic:
///
/// ```text
/// ::warning file=src/model.py,line=12,col=5,endLine=12,endColumn=31,title=rekey (RK004)::`key` is consumed …%0AManual migration: …
/// ::error file=broken.py::skipped: does not parse (syntax error at line 3, column 1)
/// ```
///
/// Escaping follows the runner (actions/toolkit `command.ts`): in the message `%`, CR and LF
/// become `%25`, `%0D`, `%0A`; in property values `:` and `,` also become `%3A` and `%2C`. The
/// message's second line says what to do: the fix and the command that applies it, or the reason
/// the code must be migrated by hand. Columns are 1-based, in Unicode code points; `endColumn` is
/// the column just after the code. In a notebook the position is in the `.ipynb` file's text and
/// the message starts with the cell, line and column (see ``Notebook``).
public enum GitHubReport {
    public static func render(findings: [Finding], diagnostics: [Diagnostic]) -> String {
        var out = ""
        for finding in findings {
            let properties = [
                ("file", finding.path),
                ("line", String(finding.fileStart.line)),
                ("col", String(finding.fileStart.column)),
                ("endLine", String(finding.fileEnd.line)),
                ("endColumn", String(finding.fileEnd.column)),
                ("title", "rekey (\(finding.code))"),
            ]
            out += command("warning", properties, message: finding.messageWithCell + "\n" + ReportText.remedyLine(finding))
        }
        for diagnostic in diagnostics.sorted() {
            out += command(
                diagnostic.severity == .error ? "error" : "warning", [("file", diagnostic.path)],
                message: diagnostic.message)
        }
        return out
    }

    static func command(_ name: String, _ properties: [(String, String)], message: String) -> String {
        let list = properties.map { "\($0.0)=\(escapeProperty($0.1))" }.joined(separator: ",")
        return "::\(name) \(list)::\(escapeData(message))\n"
    }

    /// `%`, CR and LF, as the runner unescapes them in a command's message.
    public static func escapeData(_ text: String) -> String {
        escape(text, also: [:])
    }

    /// The message escapes plus `:` and `,`, which would otherwise end a property.
    public static func escapeProperty(_ text: String) -> String {
        escape(text, also: [":": "%3A", ",": "%2C"])
    }

    private static func escape(_ text: String, also extra: [Unicode.Scalar: String]) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            default:
                if let escaped = extra[scalar] { out += escaped } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}

/// Wording shared by the machine-facing writers.
enum ReportText {
    /// `path` as a path under the working directory `root` (which ends in `/`): leading `./`
    /// dropped, an absolute path inside `root` made relative; nil for an absolute path outside it.
    static func relativePath(_ path: String, root: String) -> String? {
        var path = path
        while path.hasPrefix("./") { path.removeFirst(2) }
        guard path.hasPrefix("/") else { return path }
        guard path.hasPrefix(root) else { return nil }
        return String(path.dropFirst(root.count))
    }

    /// What to do about a finding, in one line.
    static func remedyLine(_ finding: Finding) -> String {
        switch finding.remedy {
        case .manual(let reason):
            return "Manual migration: \(reason)"
        case .fix(let fix):
            switch fix.applicability {
            case .safe: return "Safe fix (`rekey fix`): \(fix.title)"
            case .unsafe: return "Unsafe fix (`rekey fix --unsafe-fixes`): \(fix.title)"
            case .displayOnly: return "Suggested change (never applied automatically): \(fix.title)"
            }
        }
    }
}
