/// Two texts compared line by line, as `diff` compares them: each line keeps its terminator, so
/// CRLF and LF lines differ, and equal lines get equal small integers before the edit script runs.
public struct LineDiff {
    public let oldLines: [ArraySlice<UInt8>]
    public let newLines: [ArraySlice<UInt8>]
    public let script: ShortestEditScript

    init(old: [UInt8], new: [UInt8]) {
        self.init(oldLines: Self.lines(of: old), newLines: Self.lines(of: new))
    }

    /// Texts already cut into lines (a notebook's program cuts them as Python does).
    public init(oldLines: [ArraySlice<UInt8>], newLines: [ArraySlice<UInt8>]) {
        self.oldLines = oldLines
        self.newLines = newLines
        var ids: [ArraySlice<UInt8>: Int] = [:]
        func id(_ line: ArraySlice<UInt8>) -> Int {
            if let known = ids[line] { return known }
            ids[line] = ids.count
            return ids.count - 1
        }
        script = ShortestEditScript(old: oldLines.map(id), new: newLines.map(id))
    }

    /// The lines of a file, each keeping its "\n" (and so a "\r" before it); only the last may lack one.
    static func lines(of bytes: [UInt8]) -> [ArraySlice<UInt8>] {
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
}

/// Where each line of a text went in a rewrite of it: a line the rewrite kept has one line it
/// became; a line inside a changed run became that run's new lines (none when it was deleted).
/// This is how a finding in the text as read is found again in the rewritten text.
public struct LineCorrespondence: Sendable {
    private let changes: [(old: Range<Int>, new: Range<Int>)]

    public init(old: [UInt8], new: [UInt8]) {
        changes = LineDiff(old: old, new: new).script.changes.map { ($0.old, $0.new) }
    }

    /// The 1-based lines of the new text that 1-based line `line` of the old text became.
    public func newLines(forOld line: Int) -> Range<Int> {
        let index = line - 1
        var shift = 0
        for change in changes {
            if change.old.contains(index) { return (change.new.lowerBound + 1)..<(change.new.upperBound + 1) }
            guard change.old.upperBound <= index else { break }
            shift += change.new.count - change.old.count
        }
        return (index + shift + 1)..<(index + shift + 2)
    }
}
