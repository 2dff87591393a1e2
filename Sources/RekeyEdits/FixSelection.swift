import RekeySyntax

/// The fixes that can be applied together, taken greedily in array order: a fix is taken unless an
/// edit of it is out of bounds, overlaps another of its own edits, or overlaps an edit of a fix
/// already taken, or `admits` turns it down. Syntax is not judged here; `FixApplier` re-parses the result.
struct FixSelection {
    private(set) var accepted: [Int] = []
    private(set) var refused: [RefusedFix] = []
    /// Taken edits per file, in the order taken, which `FixApplier.applying` keeps for ties.
    private var taken: [String: [(edit: Edit, fixIndex: Int)]] = [:]

    /// `admits` is asked only about a fix that could be taken, so a fix it turns down leaves room
    /// for the later fixes it would have blocked.
    init(_ fixes: [Fix], sources: [String: SourceText], excluding excluded: Set<Int>, admits: (Int) -> Bool) {
        for (index, fix) in fixes.enumerated() where !excluded.contains(index) {
            if let reason = conflict(of: fix, sources: sources) {
                refused.append(RefusedFix(fixIndex: index, reason: reason))
                continue
            }
            guard admits(index) else { continue }
            accepted.append(index)
            for (path, edits) in fix.edits where !edits.isEmpty {
                taken[path, default: []] += edits.map { (edit: $0, fixIndex: index) }
            }
        }
    }

    /// The files some taken fix edits, sorted so results and refusals come out in a stable order.
    var paths: [String] { taken.keys.sorted() }

    func edits(in path: String) -> [Edit] { taken[path, default: []].map(\.edit) }

    /// The taken fixes that edit `path`, ascending.
    func fixes(touching path: String) -> [Int] {
        Array(Set(taken[path, default: []].map(\.fixIndex))).sorted()
    }

    private func conflict(of fix: Fix, sources: [String: SourceText]) -> RefusedFix.Reason? {
        for (path, edits) in fix.edits.sorted(by: { $0.key < $1.key }) where !edits.isEmpty {
            guard let source = sources[path], edits.allSatisfy({ source.canEdit($0.range) }) else {
                return .outOfBounds(path: path)
            }
            let overlapsItself = edits.indices.contains { position in
                edits[..<position].contains { Self.conflictWithinOneFix($0.range, edits[position].range) }
            }
            if overlapsItself {
                return .overlapsEditsOfItself(path: path)
            }
            let earlier = taken[path, default: []].first { earlier in
                edits.contains { $0.range.overlaps(earlier.edit.range) }
            }
            if let earlier {
                return .overlaps(fixIndex: earlier.fixIndex, path: path)
            }
        }
        return nil
    }

    /// Within one fix, insertions at the same offset do not conflict: their order is the order given.
    /// Between fixes they do, because no order between the two fixes would be the obvious one.
    private static func conflictWithinOneFix(_ lhs: ByteRange, _ rhs: ByteRange) -> Bool {
        lhs.overlaps(rhs) && !(lhs.isEmpty && rhs.isEmpty)
    }
}

extension SourceText {
    /// Whether `range` lies inside the file with both ends on character boundaries: an edit that
    /// split a multi-byte character would leave invalid UTF-8 behind.
    fileprivate func canEdit(_ range: ByteRange) -> Bool {
        isCharacterBoundary(range.start) && isCharacterBoundary(range.end)
    }

    private func isCharacterBoundary(_ offset: Int) -> Bool {
        // UTF-8 continuation bytes are 0b10xxxxxx; every other byte starts a character.
        offset >= 0 && offset <= bytes.count && (offset == bytes.count || bytes[offset] & 0xC0 != 0x80)
    }
}
