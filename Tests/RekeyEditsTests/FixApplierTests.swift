import RekeyEdits
import RekeySyntax
import Testing

@Suite struct FixApplierTests {
    let parser: PythonParser

    init() throws {
        parser = try PythonParser()
    }

    /// The UTF-8 byte range of the first `needle` in `text` (after `skipping` earlier matches).
    func range(of needle: String, in text: String, skipping: Int = 0) throws -> ByteRange {
        var searchStart = text.startIndex
        for _ in 0..<skipping {
            searchStart = try #require(text.range(of: needle, range: searchStart..<text.endIndex)).upperBound
        }
        let found = try #require(text.range(of: needle, range: searchStart..<text.endIndex))
        let start = text.utf8.distance(from: text.startIndex, to: found.lowerBound)
        return ByteRange(start, start + needle.utf8.count)
    }

    func fix(_ edits: [String: [Edit]], _ title: String = "fix") -> Fix {
        Fix(title: title, applicability: .safe, edits: edits)
    }

    func sources(_ files: [String: String]) -> [String: SourceText] {
        files.reduce(into: [:]) { $0[$1.key] = SourceText(path: $1.key, text: $1.value) }
    }

    func apply(_ fixes: [Fix], to files: [String: String]) -> FixApplication {
        FixApplier.apply(fixes, to: sources(files), parser: parser)
    }

    /// The first syntax error the parser reports in `text`, for comparing with a refusal.
    func firstError(in text: String) throws -> SourcePosition {
        try #require(try parser.parse(SourceText(path: "t.py", text: text)).firstError?.startPosition)
    }

    // MARK: Edits

    @Test func constructorsSayWhatTheyDo() {
        #expect(Edit.insertion("x", at: 3).range == ByteRange(3, 3))
        #expect(Edit.deletion(ByteRange(1, 4)).replacement == "")
        let replacement = Edit.replacement(ByteRange(1, 4), with: "y")
        #expect(replacement.range == ByteRange(1, 4) && replacement.replacement == "y")
    }

    @Test func applicabilityIsOrderedLikeRuff() {
        #expect(Applicability.allCases.sorted() == [.displayOnly, .unsafe, .safe])
        #expect(Applicability.allCases.map(\.description) == ["display-only", "unsafe", "safe"])
    }

    @Test func applyingSortsEditsAndKeepsTheGivenOrderOfSameOffsetInsertions() {
        let source = SourceText(path: "t.py", text: "abcdef")
        let edits: [Edit] = [
            .replacement(ByteRange(4, 5), with: "E"),
            .insertion("1", at: 0),
            .insertion(">", at: 5),
            .insertion("<", at: 4),
            .insertion("2", at: 0),
            .deletion(ByteRange(1, 2)),
        ]
        #expect(String(decoding: FixApplier.applying(edits, to: source), as: UTF8.self) == "12acd<E>f")
    }

    // MARK: Overlaps

    @Test func insertionsAtTheEdgesOfAnotherFixsReplacementDoNotOverlapIt() throws {
        let text = "x = key\n"
        let key = try range(of: "key", in: text)
        let result = apply(
            [
                fix(["t.py": [.replacement(key, with: "subkey")]]),
                fix(["t.py": [.insertion("(", at: key.start)]]),
                fix(["t.py": [.insertion(")", at: key.end)]]),
            ], to: ["t.py": text])
        #expect(result.applied == [0, 1, 2])
        #expect(result.refused.isEmpty)
        #expect(result.changed["t.py"]?.string == "x = (subkey)\n")
    }

    @Test func sameOffsetInsertionsOverlapAcrossFixesButNotWithinOne() {
        let result = apply(
            [
                fix(["t.py": [.insertion("import jax\n", at: 0), .insertion("import numpy\n", at: 0)]]),
                fix(["t.py": [.insertion("import os\n", at: 0)]]),
            ], to: ["t.py": "x = 1\n"])
        #expect(result.applied == [0])
        #expect(result.refused == [RefusedFix(fixIndex: 1, reason: .overlaps(fixIndex: 0, path: "t.py"))])
        #expect(result.changed["t.py"]?.string == "import jax\nimport numpy\nx = 1\n")
    }

    @Test func anOverlapIsRefusedNamingTheEarlierFix() throws {
        let text = "a = key_one + key_two\n"
        let result = apply(
            [
                fix(["t.py": [.replacement(try range(of: "a", in: text), with: "b")]]),
                fix(["t.py": [.replacement(try range(of: "key_one", in: text), with: "k1")]]),
                fix(["t.py": [.replacement(try range(of: "one + key", in: text), with: "x")]]),
            ], to: ["t.py": text])
        #expect(result.applied == [0, 1])
        #expect(result.refused == [RefusedFix(fixIndex: 2, reason: .overlaps(fixIndex: 1, path: "t.py"))])
        #expect(result.changed["t.py"]?.string == "b = k1 + key_two\n")
    }

    @Test func aFixWhoseOwnEditsOverlapIsRefused() {
        let result = apply(
            [
                fix(["t.py": [.replacement(ByteRange(0, 3), with: "a"), .deletion(ByteRange(2, 4))]])
            ], to: ["t.py": "xyzw = 1\n"])
        #expect(result.applied.isEmpty)
        #expect(result.refused == [RefusedFix(fixIndex: 0, reason: .overlapsEditsOfItself(path: "t.py"))])
        #expect(result.changed.isEmpty)
    }

    @Test func editsOutsideTheFileOrInsideACharacterAreRefused() throws {
        let text = "s = 'é'\n"
        let accent = try range(of: "é", in: text)
        let result = apply(
            [
                fix(["t.py": [.insertion("x", at: text.utf8.count + 1)]]),
                fix(["missing.py": [.insertion("x", at: 0)]]),
                fix(["t.py": [.insertion("x", at: accent.start + 1)]]),
                fix(["t.py": [.replacement(accent, with: "e")]]),
            ], to: ["t.py": text])
        #expect(result.applied == [3])
        #expect(
            result.refused == [
                RefusedFix(fixIndex: 0, reason: .outOfBounds(path: "t.py")),
                RefusedFix(fixIndex: 1, reason: .outOfBounds(path: "missing.py")),
                RefusedFix(fixIndex: 2, reason: .outOfBounds(path: "t.py")),
            ])
        #expect(result.changed["t.py"]?.string == "s = 'e'\n")
    }

    @Test func aFixIsAppliedInAllItsFilesOrInNone() throws {
        let files = ["a.py": "x = 1\n", "b.py": "y = 2\n"]
        let one = try range(of: "1", in: files["a.py"]!)
        let two = try range(of: "2", in: files["b.py"]!)
        let result = apply(
            [
                fix(["b.py": [.replacement(two, with: "3")]]),
                fix(["a.py": [.replacement(one, with: "10")], "b.py": [.replacement(two, with: "20")]]),
            ], to: files)
        #expect(result.applied == [0])
        #expect(result.refused == [RefusedFix(fixIndex: 1, reason: .overlaps(fixIndex: 0, path: "b.py"))])
        #expect(result.changed.keys.sorted() == ["b.py"])
        #expect(result.changed["b.py"]?.string == "y = 3\n")
    }

    // MARK: Re-parsing

    @Test func aFixThatBreaksSyntaxIsRefusedAndAFixElsewhereStillApplies() throws {
        let files = ["a.py": "def f():\n    pass\n", "b.py": "key = 1\n"]
        let result = apply(
            [
                fix(["a.py": [.deletion(try range(of: ")", in: files["a.py"]!))]]),
                fix(["b.py": [.replacement(try range(of: "1", in: files["b.py"]!), with: "2")]]),
            ], to: files)
        let error = try firstError(in: "def f(:\n    pass\n")
        #expect(
            result.refused == [
                RefusedFix(
                    fixIndex: 0,
                    reason: .introducesSyntaxError(
                        path: "a.py", line: error.line, column: error.column))
            ])
        #expect(error.line == 1)
        #expect(result.applied == [1])
        #expect(result.changed.keys.sorted() == ["b.py"])
        #expect(result.changed["b.py"]?.string == "key = 2\n")
    }

    @Test func bystandersInABrokenFileAreRefusedInEveryFile() throws {
        let files = ["a.py": "def f(x):\n    return x\n", "c.py": "y = 1\n"]
        let result = apply(
            [
                fix([
                    "a.py": [.replacement(try range(of: "return", in: files["a.py"]!), with: "yield")],
                    "c.py": [.replacement(try range(of: "1", in: files["c.py"]!), with: "2")],
                ]),
                fix(["a.py": [.deletion(try range(of: ":", in: files["a.py"]!))]]),
            ], to: files)
        let error = try firstError(in: "def f(x)\n    return x\n")
        #expect(result.applied.isEmpty)
        #expect(
            result.refused == [
                RefusedFix(fixIndex: 0, reason: .fileRefusedByAnotherFix(path: "a.py")),
                RefusedFix(fixIndex: 1, reason: .introducesSyntaxError(path: "a.py", line: error.line, column: error.column)),
            ])
        #expect(result.changed.isEmpty)
    }

    @Test func whenOnlyTheCombinationBreaksSyntaxEveryFixInItIsBlamed() throws {
        // Either deletion alone leaves an expression; both leave an assignment with no value.
        let text = "x = f(a)\n"
        let result = apply(
            [
                fix(["t.py": [.deletion(try range(of: "f", in: text))]]),
                fix(["t.py": [.deletion(try range(of: "(a)", in: text))]]),
            ], to: ["t.py": text])
        let error = try firstError(in: "x = \n")
        let blamed = RefusedFix.Reason.introducesSyntaxError(path: "t.py", line: error.line, column: error.column)
        #expect(result.refused == [RefusedFix(fixIndex: 0, reason: blamed), RefusedFix(fixIndex: 1, reason: blamed)])
        #expect(result.changed.isEmpty)
    }

    @Test func aFixThatLostToARefusedFixIsReconsidered() throws {
        let text = "x = f(1)\n"
        let result = apply(
            [
                fix(["t.py": [.replacement(try range(of: "(1)", in: text), with: "(1")]]),
                fix(["t.py": [.replacement(try range(of: "1", in: text), with: "2")]]),
            ], to: ["t.py": text])
        #expect(result.applied == [1])
        #expect(result.refused.map(\.fixIndex) == [0])
        #expect(result.changed["t.py"]?.string == "x = f(2)\n")
    }

    @Test func aFileThatAlreadyHadErrorsIsNotJudged() throws {
        let text = "def f(:\n    pass\nx = 1\n"
        let result = apply([fix(["t.py": [.replacement(try range(of: "1", in: text), with: "2")]])], to: ["t.py": text])
        #expect(result.applied == [0])
        #expect(result.changed["t.py"]?.string == "def f(:\n    pass\nx = 2\n")
    }

    @Test func keptTreesAreTheParsesThatCheckedTheOutputs() throws {
        let files = ["a.py": "x = 1\n", "broken.py": "def f(:\n    pass\nx = 1\n"]
        let fixes = try files.map { path, text in fix([path: [.replacement(try range(of: "1", in: text), with: "2")]]) }
        let kept = FixApplier.apply(fixes, to: sources(files), parser: parser, keepingTrees: true)
        #expect(kept.changed.keys.sorted() == ["a.py", "broken.py"])
        // A file whose input had errors is not checked, so it has no tree.
        #expect(kept.trees.keys.sorted() == ["a.py"])
        let tree = try #require(kept.trees["a.py"])
        #expect(tree.source === kept.changed["a.py"])
        #expect(tree.root.text == "x = 2\n" && !tree.hasError)
        #expect(apply(fixes, to: files).trees.isEmpty)
    }

    @Test func anInputTheCallerKnowsCompilesIsNotParsedAgainAndItsOutputIsStillJudged() throws {
        // The caller's word is taken: this input has errors, yet its output is judged as if it had none.
        let text = "def f(:\n    pass\nx = 1\n"
        let edit = fix(["t.py": [.replacement(try range(of: "1", in: text), with: "2")]])
        let trusted = FixApplier.apply([edit], to: sources(["t.py": text]), parser: parser, cleanInputs: ["t.py"])
        #expect(trusted.applied.isEmpty)
        #expect(trusted.refused.map(\.fixIndex) == [0])
        #expect(apply([edit], to: ["t.py": text]).applied == [0])
    }

    @Test func aFixThatChangesNothingIsAppliedButChangesNoFile() throws {
        let text = "x = 1\n"
        let result = apply([fix(["t.py": [.replacement(try range(of: "1", in: text), with: "1")]])], to: ["t.py": text])
        #expect(result.applied == [0])
        #expect(result.changed.isEmpty)
    }

    // MARK: Encoding

    @Test func multiByteTextKeepsUTF8Offsets() throws {
        let text = "# 🔑 密钥\n键 = 'é🙂'\nkey = 键\n"
        let result = apply(
            [
                fix(["t.py": [.replacement(try range(of: "key", in: text), with: "subkey")]]),
                fix(["t.py": [.replacement(try range(of: "键", in: text, skipping: 1), with: "新键")]]),
                fix(["t.py": [.insertion("  # 🙂", at: try range(of: "'é🙂'", in: text).end)]]),
            ], to: ["t.py": text])
        #expect(result.applied == [0, 1, 2])
        #expect(result.changed["t.py"]?.string == "# 🔑 密钥\n键 = 'é🙂'  # 🙂\nsubkey = 新键\n")
    }
}
