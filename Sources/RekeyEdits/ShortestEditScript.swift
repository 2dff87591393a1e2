/// Which elements a shortest edit script between two sequences deletes from the old one and
/// inserts from the new one: Myers' O(ND) algorithm in its linear-space form ("An O(ND) Difference
/// Algorithm and Its Variations", 1986, section 4b), the one GNU diff and git's xdiff build on.
/// Linear space matters because a whole-file rewrite has D close to N, and the plain variant
/// keeps O(D²) of history.
public struct ShortestEditScript: Sendable {
    /// `deleted[i]`: old element `i` is not part of the longest common subsequence.
    private(set) var deleted: [Bool]
    /// `inserted[j]`: new element `j` is not part of the longest common subsequence.
    private(set) var inserted: [Bool]

    /// A maximal run of deletions and insertions between two common elements.
    public struct Change: Equatable, Sendable {
        public var old: Range<Int>
        public var new: Range<Int>
    }

    public init(old: [Int], new: [Int]) {
        deleted = Array(repeating: false, count: old.count)
        inserted = Array(repeating: false, count: new.count)
        var box = Box(old: old, new: new, x: 0..<old.count, y: 0..<new.count)
        mark(&box)
    }

    /// The changes in order; the elements between two changes are common and pair up one to one.
    public var changes: [Change] {
        var result: [Change] = []
        var i = 0
        var j = 0
        while i < deleted.count || j < inserted.count {
            let (oldStart, newStart) = (i, j)
            while i < deleted.count && deleted[i] { i += 1 }
            while j < inserted.count && inserted[j] { j += 1 }
            if i == oldStart && j == newStart {
                i += 1
                j += 1
            } else {
                result.append(Change(old: oldStart..<i, new: newStart..<j))
            }
        }
        return result
    }

    /// A rectangle of the edit graph: old elements `x` against new elements `y`.
    private struct Box {
        let old: [Int]
        let new: [Int]
        var x: Range<Int>
        var y: Range<Int>

        func sub(x: Range<Int>, y: Range<Int>) -> Box { Box(old: old, new: new, x: x, y: y) }

        /// Drops the common prefix and suffix, which every shortest script keeps.
        mutating func trim() {
            while !x.isEmpty, !y.isEmpty, old[x.lowerBound] == new[y.lowerBound] {
                x = x.dropFirst()
                y = y.dropFirst()
            }
            while !x.isEmpty, !y.isEmpty, old[x.upperBound - 1] == new[y.upperBound - 1] {
                x = x.dropLast()
                y = y.dropLast()
            }
        }
    }

    private mutating func mark(_ box: inout Box) {
        box.trim()
        if box.x.isEmpty || box.y.isEmpty {
            for i in box.x { deleted[i] = true }
            for j in box.y { inserted[j] = true }
            return
        }
        // After trimming, D >= 2, so the middle snake splits the box into strictly smaller ones.
        let (start, end) = Self.middleSnake(box)
        var before = box.sub(x: box.x.lowerBound..<start.x, y: box.y.lowerBound..<start.y)
        var snake = box.sub(x: start.x..<end.x, y: start.y..<end.y)
        var after = box.sub(x: end.x..<box.x.upperBound, y: end.y..<box.y.upperBound)
        mark(&before)
        mark(&snake)
        mark(&after)
    }

    /// The middle snake of a shortest path through `box`: searches forward from the top-left
    /// and backward from the bottom-right, one edit at a time, until the two meet. Returns the
    /// snake's top-left and bottom-right points; it holds at most one edit plus a diagonal.
    private static func middleSnake(_ box: Box) -> (start: (x: Int, y: Int), end: (x: Int, y: Int)) {
        let (left, top, right, bottom) = (box.x.lowerBound, box.y.lowerBound, box.x.upperBound, box.y.upperBound)
        let delta = box.x.count - box.y.count
        let limit = (box.x.count + box.y.count + 1) / 2
        // Diagonal k (x - left - (y - top)) lives at index k + offset; one slot of slack each side.
        let offset = limit + 1
        var forward = Array(repeating: 0, count: 2 * limit + 3)  // furthest x reached on diagonal k
        var backward = Array(repeating: 0, count: 2 * limit + 3)  // smallest y reached on diagonal c = k - delta
        forward[1 + offset] = left
        backward[1 + offset] = bottom

        for d in 0...limit {
            for k in stride(from: d, through: -d, by: -2) {
                let down = k == -d || (k != d && forward[k - 1 + offset] < forward[k + 1 + offset])
                let previousX = down ? forward[k + 1 + offset] : forward[k - 1 + offset]
                var x = down ? previousX : previousX + 1
                var y = top + (x - left) - k
                let previousY = (d == 0 || !down) ? y : y - 1
                while x < right && y < bottom && box.old[x] == box.new[y] {
                    x += 1
                    y += 1
                }
                forward[k + offset] = x
                let c = k - delta
                if delta % 2 != 0 && abs(c) <= d - 1 && y >= backward[c + offset] {
                    return ((previousX, previousY), (x, y))
                }
            }
            for c in stride(from: d, through: -d, by: -2) {
                let up = !(c == -d || (c != d && backward[c - 1 + offset] > backward[c + 1 + offset]))
                let previousY = up ? backward[c - 1 + offset] : backward[c + 1 + offset]
                var y = up ? previousY - 1 : previousY
                let k = c + delta
                var x = left + (y - top) + k
                let previousX = (d == 0 || up) ? x : x + 1
                while x > left && y > top && box.old[x - 1] == box.new[y - 1] {
                    x -= 1
                    y -= 1
                }
                backward[c + offset] = y
                if delta % 2 == 0 && abs(k) <= d && x <= forward[k + offset] {
                    return ((x, y), (previousX, previousY))
                }
            }
        }
        preconditionFailure("the forward and backward searches always meet by D/2")
    }
}
