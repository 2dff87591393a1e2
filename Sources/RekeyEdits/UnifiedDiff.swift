/// Unified diffs in the format git emits, so `git apply` and `patch -p1` take them as they are.
public enum UnifiedDiff {
    /// A unified diff of one file, "" when old == new. Header lines exactly
    /// "diff --git a/PATH b/PATH\n--- a/PATH\n+++ b/PATH\n", then "@@ -l,s +l,s @@" hunks with
    /// `contextLines` lines of context. As in git and GNU diff, a count of 1 is written without
    /// ",1", an empty side names the line before it ("-0,0" for an empty file), and two changes at
    /// most 2 × `contextLines` lines apart share a hunk. Lines are compared byte for byte with
    /// their terminator, so CRLF stays CRLF; a last line without "\n" is followed by
    /// "\ No newline at end of file". Git's function-name suffix after "@@" is not written.
    public static func render(path: String, old: [UInt8], new: [UInt8], contextLines: Int = 3) -> String {
        guard old != new else { return "" }
        let oldLines = lines(of: old)
        let newLines = lines(of: new)
        // Equal lines get equal small integers, so the diff compares integers, not byte strings.
        var ids: [ArraySlice<UInt8>: Int] = [:]
        func id(_ line: ArraySlice<UInt8>) -> Int {
            if let known = ids[line] { return known }
            ids[line] = ids.count
            return ids.count - 1
        }
        let script = ShortestEditScript(old: oldLines.map(id), new: newLines.map(id))

        var out: [UInt8] = Array("diff --git a/\(path) b/\(path)\n--- a/\(path)\n+++ b/\(path)\n".utf8)
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

    /// The lines of a file, each keeping its "\n" (and so a "\r" before it); only the last may lack one.
    private static func lines(of bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            lines.append(bytes[start...index])
            start = index + 1
        }
        if start < bytes.count {
            lines.append(bytes[start...])
        }
        return lines
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
