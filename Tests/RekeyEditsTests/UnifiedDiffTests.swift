import RekeyEdits
import Testing

struct DiffCase: Sendable, CustomTestStringConvertible {
    let name: String
    let old: [UInt8]
    let new: [UInt8]
    /// How many hunks the diff has at the default three lines of context.
    let hunks: Int

    init(_ name: String, old: String, new: String, hunks: Int = 1) {
        self.name = name
        self.old = Array(old.utf8)
        self.new = Array(new.utf8)
        self.hunks = hunks
    }

    var testDescription: String { name }

    /// A 30-line module; the lines numbered in `changed` (1-based) get a different value.
    static func module(changing changed: Set<Int> = [], lines: ClosedRange<Int> = 1...30) -> String {
        lines.map { "value_\($0) = \(changed.contains($0) ? $0 * 100 : $0)\n" }.joined()
    }

    static let all: [DiffCase] = [
        DiffCase(
            "changes far apart get two hunks",
            old: module(), new: module(changing: [5, 25]), hunks: 2),
        DiffCase(
            "changes six lines apart share a hunk",
            old: module(), new: module(changing: [10, 17])),
        DiffCase(
            "changes seven lines apart get two hunks",
            old: module(), new: module(changing: [10, 18]), hunks: 2),
        DiffCase(
            "insertion at the start",
            old: module(), new: "import jax\n" + module()),
        DiffCase(
            "deletion at the end",
            old: module(), new: module(lines: 1...28)),
        DiffCase(
            "old side lacks the final newline",
            old: "a = 1\nb = 2\nc = 3", new: "a = 1\nb = 2\nc = 4\n"),
        DiffCase(
            "new side lacks the final newline",
            old: "a = 1\nb = 2\nc = 3\n", new: "a = 1\nb = 2\nc = 3"),
        DiffCase(
            "both sides lack it, last line is context",
            old: "a = 1\nb = 2\nc = 3", new: "a = 1\nb = 20\nc = 3"),
        DiffCase(
            "both sides lack it, last line changes",
            old: "a = 1\nb = 2\nc = 3", new: "a = 1\nb = 2\nc = 30"),
        DiffCase(
            "CRLF lines stay CRLF",
            old: "import jax\r\nkey = jax.random.PRNGKey(0)\r\nx = 1\r\n",
            new: "import jax\r\nkey = jax.random.key(0)\r\nx = 1\r\n"),
        DiffCase(
            "tabs",
            old: "def f(key):\n\tif key:\n\t\treturn 1\n\treturn 2\n",
            new: "def f(key):\n\tif key:\n\t\treturn 10\n\treturn 2\n"),
        DiffCase(
            "empty old file",
            old: "", new: "a = 1\nb = 2\n"),
        DiffCase(
            "file emptied",
            old: "a = 1\nb = 2\n", new: ""),
        DiffCase(
            "one-line file",
            old: "x = 1\n", new: "x = 2\n"),
        DiffCase(
            "multi-byte characters",
            old: "# 🔑 keys\n键 = 'é'\nx = 键\n",
            new: "# 🔑 keys\n键 = 'ü🙂'\nx = 键\n"),
    ]
}

@Suite struct UnifiedDiffTests {
    let path = "sub/file.py"

    func hunkHeaders(_ diff: String) -> [Substring] {
        diff.split(separator: "\n").filter { $0.hasPrefix("@@ -") }
    }

    @Test func identicalFilesGiveNoDiff() {
        #expect(UnifiedDiff.render(path: path, old: Array("x = 1\n".utf8), new: Array("x = 1\n".utf8)) == "")
    }

    @Test func headerCountsAndMissingNewlineMarker() {
        let diff = UnifiedDiff.render(path: path, old: Array("a\nb\nc".utf8), new: Array("a\nB\nc".utf8))
        #expect(
            diff == """
                diff --git a/sub/file.py b/sub/file.py
                --- a/sub/file.py
                +++ b/sub/file.py
                @@ -1,3 +1,3 @@
                 a
                -b
                +B
                 c
                \\ No newline at end of file

                """)
    }

    @Test func contextLinesWidenAndMergeHunks() {
        let old = Array(DiffCase.module().utf8)
        let new = Array(DiffCase.module(changing: [10, 14]).utf8)
        #expect(
            hunkHeaders(UnifiedDiff.render(path: path, old: old, new: new, contextLines: 0))
                == ["@@ -10 +10 @@", "@@ -14 +14 @@"])
        #expect(
            hunkHeaders(UnifiedDiff.render(path: path, old: old, new: new, contextLines: 1))
                == ["@@ -9,3 +9,3 @@", "@@ -13,3 +13,3 @@"])
        #expect(
            hunkHeaders(UnifiedDiff.render(path: path, old: old, new: new, contextLines: 2))
                == ["@@ -8,9 +8,9 @@"])
    }

    /// The diff must be taken by `git apply` and `patch -p1`, and both must turn old into new exactly.
    @Test(arguments: DiffCase.all)
    func gitApplyAndPatchReproduceTheNewFile(_ diffCase: DiffCase) throws {
        let diff = UnifiedDiff.render(path: path, old: diffCase.old, new: diffCase.new)
        #expect(hunkHeaders(diff).count == diffCase.hunks, "\(diff)")

        let tools = try PatchTools()
        defer { tools.removeAll() }
        try tools.write(Array(diff.utf8), to: "change.patch")
        try tools.write(diffCase.old, to: "git/\(path)")
        try tools.write(diffCase.old, to: "patch/\(path)")

        let gitCheck = try tools.run(["git", "apply", "--check", "../change.patch"], in: "git")
        #expect(gitCheck.status == 0, "git apply --check: \(gitCheck.output)\n\(diff)")
        let patchCheck = try tools.run(["patch", "-p1", "--dry-run", "-i", "../change.patch"], in: "patch")
        #expect(patchCheck.status == 0, "patch --dry-run: \(patchCheck.output)\n\(diff)")

        let gitApply = try tools.run(["git", "apply", "../change.patch"], in: "git")
        #expect(gitApply.status == 0, "git apply: \(gitApply.output)")
        #expect(try tools.read("git/\(path)") == diffCase.new)
        let patchApply = try tools.run(["patch", "-p1", "-i", "../change.patch"], in: "patch")
        #expect(patchApply.status == 0, "patch: \(patchApply.output)")
        #expect(try tools.read("patch/\(path)") == diffCase.new)
    }

    /// Hunks must equal `git diff --no-index`'s, ignoring the index line, the paths, and git's
    /// function-name suffix after "@@".
    @Test(arguments: DiffCase.all, [0, 1, 3])
    func hunksMatchGitDiff(_ diffCase: DiffCase, contextLines: Int) throws {
        let tools = try PatchTools()
        defer { tools.removeAll() }
        try tools.write(diffCase.old, to: "a/\(path)")
        try tools.write(diffCase.new, to: "b/\(path)")
        let git = try tools.run(["git", "diff", "--no-index", "--no-color", "-U\(contextLines)", "a/\(path)", "b/\(path)"])
        #expect(git.status == 1, "\(git.output)")

        let ours = UnifiedDiff.render(path: path, old: diffCase.old, new: diffCase.new, contextLines: contextLines)
        #expect(hunks(of: ours) == hunks(of: git.output))
    }

    /// Everything from the first hunk on, with each "@@ … @@" header cut after its closing "@@".
    func hunks(of diff: String) -> [Substring] {
        let lines = diff.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.firstIndex(where: { $0.hasPrefix("@@ -") }) else { return [] }
        return lines[first...].map { line in
            guard line.hasPrefix("@@ -"), let close = line.range(of: " @@", range: line.index(line.startIndex, offsetBy: 3)..<line.endIndex)
            else { return line }
            return line[..<close.upperBound]
        }
    }
}

@Suite struct PatchPathQuotingTests {
    @Test(arguments: [
        ("plain/path.py", "plain/path.py"),
        ("sp ace.py", "sp ace.py"),
        ("t\tab.py", "\"t\\tab.py\""),
        ("nl\nx.py", "\"nl\\nx.py\""),
        ("q\"uote.py", "\"q\\\"uote.py\""),
        ("back\\slash.py", "\"back\\\\slash.py\""),
        ("é.py", "\"\\303\\251.py\""),
        ("bell\u{07}.py", "\"bell\\a.py\""),
        ("esc\u{1B}.py", "\"esc\\033.py\""),
    ])
    func namesAreQuotedAsGitQuotesThem(name: String, expected: String) {
        // Each expectation is what `git diff` (2.39, default core.quotePath) writes for the name.
        #expect(UnifiedDiff.quoted(name) == expected)
    }

    @Test func headersQuoteBothSidesAndEndANameWithASpaceInATab() {
        let spaced = UnifiedDiff.render(path: "s p\tt.py", old: Array("a\n".utf8), new: Array("b\n".utf8))
        #expect(spaced.hasPrefix("diff --git \"a/s p\\tt.py\" \"b/s p\\tt.py\"\n--- \"a/s p\\tt.py\"\t\n+++ \"b/s p\\tt.py\"\t\n@@"))
        let plain = UnifiedDiff.render(path: "m.py", old: Array("a\n".utf8), new: Array("b\n".utf8))
        #expect(plain.hasPrefix("diff --git a/m.py b/m.py\n--- a/m.py\n+++ b/m.py\n@@"))
    }
}
