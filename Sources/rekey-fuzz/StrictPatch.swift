/// Applies a one-file unified diff as `patch --fuzz=0` would with no offset allowed: every hunk
/// header must name exactly where its lines are, context and removed lines must match byte for
/// byte (with their line terminators), and hunks come in order. An independent reading of what
/// `UnifiedDiff.render` writes, so a diff it renders wrongly is caught in-process.
enum StrictPatch {
    struct Problem: Error { let reason: String }

    static func apply(_ diff: [UInt8], to original: [UInt8]) -> Result<[UInt8], Problem> {
        let oldLines = lines(of: original)
        let diffLines = lines(of: diff)
        guard diffLines.count >= 3,
            diffLines[0].starts(with: Array("diff --git ".utf8)),
            diffLines[1].starts(with: Array("--- ".utf8)),
            diffLines[2].starts(with: Array("+++ ".utf8))
        else {
            return .failure(Problem(reason: "no git diff header"))
        }
        var out: [UInt8] = []
        var nextOld = 0  // index of the first old line not yet copied
        var emitted = 0  // lines written to `out`
        var index = 3
        while index < diffLines.count {
            let header = String(decoding: diffLines[index], as: UTF8.self)
            guard let ranges = hunkHeader(header) else { return .failure(Problem(reason: "bad hunk header \(header)")) }
            index += 1
            // A range of count 0 names the line before it.
            let oldStart = ranges.oldCount == 0 ? ranges.oldStart : ranges.oldStart - 1
            guard oldStart >= nextOld, oldStart + ranges.oldCount <= oldLines.count else {
                return .failure(Problem(reason: "hunk \(header) is out of order or out of the file"))
            }
            out += oldLines[nextOld..<oldStart].joined()
            emitted += oldStart - nextOld
            guard emitted == (ranges.newCount == 0 ? ranges.newStart : ranges.newStart - 1) else {
                return .failure(Problem(reason: "hunk \(header): the new start does not match"))
            }
            var old = oldStart
            var (removed, added) = (0, 0)
            while index < diffLines.count, !diffLines[index].starts(with: Array("@@ ".utf8)) {
                var line = diffLines[index]
                guard let marker = line.first else { return .failure(Problem(reason: "an empty line in hunk \(header)")) }
                index += 1
                if index < diffLines.count, diffLines[index].starts(with: Array("\\ No newline at end of file".utf8)) {
                    guard line.last == 10 else { return .failure(Problem(reason: "a bad no-newline marker")) }
                    line = line.dropLast()
                    index += 1
                }
                let body = Array(line.dropFirst())
                switch marker {
                case UInt8(ascii: " "), UInt8(ascii: "-"):
                    guard old < oldLines.count, Array(oldLines[old]) == body else {
                        return .failure(Problem(reason: "hunk \(header): line \(old + 1) does not match"))
                    }
                    old += 1
                    if marker == UInt8(ascii: " ") {
                        out += body
                        added += 1
                    }
                    removed += 1
                case UInt8(ascii: "+"):
                    out += body
                    added += 1
                default:
                    return .failure(Problem(reason: "hunk \(header): a line starts with neither ' ', '-' nor '+'"))
                }
            }
            emitted += added
            guard removed == ranges.oldCount, added == ranges.newCount else {
                return .failure(Problem(reason: "hunk \(header) holds \(removed) old and \(added) new lines"))
            }
            nextOld = old
        }
        out += oldLines[nextOld...].joined()
        return .success(out)
    }

    /// "@@ -a[,b] +c[,d] @@" → (a, b, c, d), a count of 1 when omitted.
    private static func hunkHeader(_ line: String) -> (oldStart: Int, oldCount: Int, newStart: Int, newCount: Int)? {
        let parts = line.split(separator: " ")
        guard parts.count == 4, parts[0] == "@@", parts[3] == "@@\n",
            parts[1].first == "-", parts[2].first == "+"
        else { return nil }
        func range(_ text: Substring) -> (Int, Int)? {
            let numbers = text.dropFirst().split(separator: ",", omittingEmptySubsequences: false)
            guard let start = Int(numbers[0]) else { return nil }
            if numbers.count == 1 { return (start, 1) }
            guard numbers.count == 2, let count = Int(numbers[1]), count != 1 else { return nil }
            return (start, count)
        }
        guard let old = range(parts[1]), let new = range(parts[2]) else { return nil }
        return (old.0, old.1, new.0, new.1)
    }

    /// Lines each keeping its "\n"; only the last may lack one.
    private static func lines(of bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == 10 {
            result.append(bytes[start...index])
            start = index + 1
        }
        if start < bytes.count { result.append(bytes[start...]) }
        return result
    }
}
