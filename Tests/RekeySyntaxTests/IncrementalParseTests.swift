import Foundation
import Testing

@testable import RekeySyntax

/// A text parsed from an earlier text's tree and the changes between them gives the tree a fresh
/// parse gives, or the same problem.
@Suite struct IncrementalParseTests {
    /// What parsing `text` after `changes` of `before` gives, fresh and incrementally.
    static func bothParses(of before: SourceText, after changes: [TextChange]) throws -> (fresh: String, incremental: String) {
        var bytes = before.bytes
        // As FixApplier applies them: an insertion where a replacement starts lands before it.
        for change in changes.sorted(by: { ($0.range.start, $0.range.end) > ($1.range.start, $1.range.end) }) {
            bytes.replaceSubrange(change.range.start..<change.range.end, with: Array(change.replacement.utf8))
        }
        let after = try SourceText(path: before.path, bytes: bytes)
        let parser = try PythonParser()
        func outcome(_ parse: () throws(SourceProblem) -> SyntaxTree) -> String {
            do {
                // Every record, so a difference shows where it is.
                return try parse().nodes.records.map { "\($0)" }.joined(separator: "\n")
            } catch {
                return "\(error)"
            }
        }
        let base = try #require(parser.editableTree(before))
        return (
            outcome { () throws(SourceProblem) in try parser.parseCompilable(after) },
            outcome { () throws(SourceProblem) in try parser.parseCompilable(after, changing: base, by: changes) }
        )
    }

    static let module = """
        import jax


        def f(x):
            if x:
                return jax.random.normal(KEY, (3,))
            return x


        class Model:
            def __init__(self, size):
                self.w = jax.random.normal(KEY, (size,))

        """

    /// The byte range of the first `text` in `source`.
    static func range(of text: String, in source: String) -> ByteRange {
        let found = source.range(of: text)!
        let start = source.utf8.distance(from: source.startIndex, to: found.lowerBound)
        return ByteRange(start, start + text.utf8.count)
    }

    @Test(arguments: [
        // A parameter added, and the call passing it.
        [("def f(x):", "def f(x, key):"), ("normal(KEY, (3,))", "normal(key, (3,))")],
        // A line inserted in a block, which the indentation scanner reads.
        [("        return jax", "        key, sub = jax.random.split(key)\n        return jax")],
        // A line taken away, and one at the end of the text.
        [("    return x\n", ""), ("(size,))\n", "(size,))\n\n\nKEY2 = 1\n")],
        // Non-ASCII text in a replacement.
        [("def f(x):", "def f(ｘ, キー):")],
        // A change that breaks the text: both refuse it with the same problem.
        [("def f(x):", "def f(x:")],
    ])
    func incrementalParseIsTheFreshOne(changes: [(String, String)]) throws {
        let before = SourceText(path: "m.py", text: Self.module)
        let both = try Self.bothParses(
            of: before, after: changes.map { TextChange(range: Self.range(of: $0.0, in: Self.module), replacement: $0.1) })
        #expect(both.incremental == both.fresh)
        #expect(!both.fresh.isEmpty)
    }

    /// Insertions at both ends of a replaced range, given in any order: `KEY` becomes `subkey_2`.
    @Test func insertionsAtTheEndsOfAReplacement() throws {
        let key = Self.range(of: "KEY, (3,)", in: Self.module)
        let name = ByteRange(key.start, key.start + 3)
        let changes = [
            TextChange(range: ByteRange(name.end, name.end), replacement: "_2"),
            TextChange(range: ByteRange(name.start, name.start), replacement: "sub"),
            TextChange(range: name, replacement: "key"),
        ]
        let both = try Self.bothParses(of: SourceText(path: "m.py", text: Self.module), after: changes)
        #expect(both.incremental == both.fresh)
        #expect(both.fresh.split(separator: "\n").count > 50)
    }

    /// Windows and classic Mac line endings: tree-sitter's rows end at line feeds, and rekey parses
    /// a lone carriage return as one.
    @Test(arguments: ["\r\n", "\r"])
    func lineEndingsAreCountedAsTheParserReadsThem(ending: String) throws {
        let text = Self.module.replacingOccurrences(of: "\n", with: ending)
        let before = SourceText(path: "m.py", text: text)
        let insertion = "key, sub = jax.random.split(key)" + ending + "        "
        let at = Self.range(of: "return jax", in: text).start
        let both = try Self.bothParses(of: before, after: [TextChange(range: ByteRange(at, at), replacement: insertion)])
        #expect(both.incremental == both.fresh)
    }
}
