/// Unified diffs in the format git emits, so `git apply` and `patch -p1` take them as they are.
public enum UnifiedDiff {
    /// A unified diff of one file, "" when old == new. Header lines exactly
    /// "diff --git a/PATH b/PATH\n--- a/PATH\n+++ b/PATH\n" (each name quoted as git quotes
    /// it, see ``quoted(_:)``; the ---/+++ lines end in a tab when PATH has a space, as git
    /// writes them for patch(1)), then "@@ -l,s +l,s @@" hunks with
    /// `contextLines` lines of context. As in git and GNU diff, a count of 1 is written without
    /// ",1", an empty side names the line before it ("-0,0" for an empty file), and two changes at
    /// most 2 × `contextLines` lines apart share a hunk. Lines are compared byte for byte with
    /// their terminator, so CRLF stays CRLF; a last line without "\n" is followed by
    /// "\ No newline at end of file". Git's function-name suffix after "@@" is not written.
    public static func render(path: String, old oldBytes: [UInt8], new newBytes: [UInt8], contextLines: Int = 3) -> String {
        guard oldBytes != newBytes else { return "" }
        let diff = LineDiff(old: oldBytes, new: newBytes)
        let (oldLines, newLines, script) = (diff.oldLines, diff.newLines, diff.script)

        let (old, new) = (quoted("a/" + path), quoted("b/" + path))
        // As git does: a name with a space ends at a tab on the ---/+++ lines, where patch(1)
        // would otherwise stop reading it at the space.
        let end = path.contains(" ") ? "\t" : ""
        var out: [UInt8] = Array("diff --git \(old) \(new)\n--- \(old)\(end)\n+++ \(new)\(end)\n".utf8)
        for hunk in hunks(script.changes, oldCount: oldLines.count, contextLines: contextLines) {
            out += "@@ -\(hunk.old.header) +\(hunk.new.header) @@\n".utf8
            var i = hunk.old.lowerBound
            for change in hunk.changes {
                for line in oldLines[i..<change.old.lowerBound] { append(" ", line, to: &out) }
                for line in oldLines[change.old] { append("-", line, to: &out) }
                for line in newLines[change.new] { append("+", line, to: &out) }
                i = change.old.upperBound
            }
            for line in oldLines[i..<hunk.old.upperBound] { append(" ", line, to: &out) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `path` as git writes it in a patch: in double quotes, with C escapes, when it holds a
    /// control character, `"`, `\\` or a byte outside ASCII (git's default `core.quotePath`);
    /// as it is otherwise. Both `git apply` and GNU patch read the quoted form.
    public static func quoted(_ path: String) -> String {
        func needsQuoting(_ byte: UInt8) -> Bool {
            byte < 0x20 || byte >= 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
        }
        guard path.utf8.contains(where: needsQuoting) else { return path }
        var out = "\""
        for byte in path.utf8 {
            switch byte {
            case 0x07: out += "\\a"
            case 0x08: out += "\\b"
            case 0x09: out += "\\t"
            case 0x0A: out += "\\n"
            case 0x0B: out += "\\v"
            case 0x0C: out += "\\f"
            case 0x0D: out += "\\r"
            case UInt8(ascii: "\""): out += "\\\""
            case UInt8(ascii: "\\"): out += "\\\\"
            default:
                if needsQuoting(byte) {
                    let octal = String(byte, radix: 8)
                    out += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
                } else {
                    out.unicodeScalars.append(UnicodeScalar(byte))
                }
            }
        }
        return out + "\""
    }

    private struct Hunk {
        var old: Range<Int>
        var new: Range<Int>
        var changes: [ShortestEditScript.Change]
    }

    /// Groups changes into hunks, each widened by up to `contextLines` common lines on either side.
    private static func hunks(
        _ changes: [ShortestEditScript.Change], oldCount: Int, contextLines: Int
    ) -> [Hunk] {
        var groups: [[ShortestEditScript.Change]] = []
        for change in changes {
            if let previous = groups.last?.last, change.old.lowerBound - previous.old.upperBound <= 2 * contextLines {
                groups[groups.count - 1].append(change)
            } else {
                groups.append([change])
            }
        }
        return groups.map { group in
            let (first, last) = (group[0], group[group.count - 1])
            // Common lines pair up one to one, so context is the same length on both sides.
            let leading = min(contextLines, first.old.lowerBound)
            let trailing = min(contextLines, oldCount - last.old.upperBound)
            return Hunk(
                old: (first.old.lowerBound - leading)..<(last.old.upperBound + trailing),
                new: (first.new.lowerBound - leading)..<(last.new.upperBound + trailing),
                changes: group)
        }
    }

    private static func append(_ prefix: Unicode.Scalar, _ line: ArraySlice<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: prefix))
        out += line
        if line.last != UInt8(ascii: "\n") {
            out += "\n\\ No newline at end of file\n".utf8
        }
    }
}

extension Range<Int> {
    /// "start,count" with a 1-based start; git writes a lone line as "start" and an empty range
    /// as the line before it, ",0".
    fileprivate var header: String {
        switch count {
        case 0: return "\(lowerBound),0"
        case 1: return "\(lowerBound + 1)"
        default: return "\(lowerBound + 1),\(count)"
        }
    }
}
