import RekeyEdits
import Testing

/// Following a line of a text as read into its rewrite, as the fix summary does to tell a site
/// left from a site fixed.
@Suite struct LineCorrespondenceTests {
    static let before = "import jax\nkey = jax.random.key(0)\na = f(key)\nb = g(key)\n"

    @Test func keptLinesShiftPastInsertions() {
        let after = "import jax\n\n\ndef main():\n    key = jax.random.key(0)\na = f(key)\nb = g(key)\n"
        let lines = LineCorrespondence(old: Array(Self.before.utf8), new: Array(after.utf8))
        #expect(lines.newLines(forOld: 1) == 1..<2)
        // Line 2 was re-indented: it is inside the change that replaced it with lines 2–5.
        #expect(lines.newLines(forOld: 2) == 2..<6)
        #expect(lines.newLines(forOld: 3) == 6..<7)
        #expect(lines.newLines(forOld: 4) == 7..<8)
    }

    @Test func deletedLinesBecomeNothing() {
        let after = "import jax\na = f(key)\nb = g(key)\n"
        let lines = LineCorrespondence(old: Array(Self.before.utf8), new: Array(after.utf8))
        #expect(lines.newLines(forOld: 2).isEmpty)
        #expect(lines.newLines(forOld: 3) == 2..<3)
    }

    @Test func anUnchangedTextMapsEachLineToItself() {
        let lines = LineCorrespondence(old: Array(Self.before.utf8), new: Array(Self.before.utf8))
        for line in 1...4 { #expect(lines.newLines(forOld: line) == line..<(line + 1)) }
    }
}
