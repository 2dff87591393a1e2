import RekeyEdits
import RekeySyntax
import Testing

/// The reliability issue's item 9: output tree-sitter parses and CPython refuses is never applied.
@Suite struct OutputValidityTests {
    func apply(_ text: String, replacing old: String, with new: String) throws -> FixApplication {
        let start = text.utf8.distance(from: text.startIndex, to: try #require(text.range(of: old)).lowerBound)
        let fix = Fix(
            title: "fix", applicability: .safe,
            edits: ["m.py": [.replacement(ByteRange(start, start + old.utf8.count), with: new)]])
        return FixApplier.apply([fix], to: ["m.py": SourceText(path: "m.py", text: text)], parser: try PythonParser())
    }

    func refusal(_ application: FixApplication) -> String? {
        application.refused.first.map(\.reason.description)
    }

    @Test func aRepeatedKeywordArgumentIsRefused() throws {
        let result = try apply("def main():\n    f(key=1)\n", replacing: "f(key=1)", with: "f(key=1, key=key)")
        #expect(result.applied.isEmpty && result.changed.isEmpty)
        #expect(
            refusal(result) == "its result in m.py would not be accepted: CPython would refuse it: "
                + "keyword argument repeated: key (line 2, column 14)")
    }

    @Test func aParameterRepeatedAfterNFKCNormalisationIsRefused() throws {
        let result = try apply("def f(x, ｋｅｙ=None):\n    return x\n", replacing: "ｋｅｙ=None", with: "ｋｅｙ=None, *, key")
        #expect(result.applied.isEmpty)
        #expect(
            refusal(result) == "its result in m.py would not be accepted: CPython would refuse it: "
                + "duplicate argument 'key' in function definition (line 1, column 23)")
    }

    @Test func anIndentationTheInsertedLineGetsWrongIsRefused() throws {
        let result = try apply("def f():\n    x = 1\n    return x\n", replacing: "    return x", with: "      y = 2\n    return x")
        #expect(result.applied.isEmpty)
        #expect(refusal(result)?.contains("unexpected indent (line 3, column 7)") == true)
    }

    @Test func aValidOutputIsApplied() throws {
        let result = try apply("def main():\n    f(x=1)\n", replacing: "f(x=1)", with: "f(x=1, key=key)")
        #expect(result.applied == [0])
        #expect(result.changed["m.py"]?.string == "def main():\n    f(x=1, key=key)\n")
    }

    @Test func anInputCPythonAlreadyRefusesIsNotJudged() throws {
        // Its problem was there before the fix: the verifier cannot tell what the fix did.
        let result = try apply("f(key=1, key=2)\nx = 1\n", replacing: "x = 1", with: "x = 2")
        #expect(result.applied == [0])
    }
}
