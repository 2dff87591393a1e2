import Foundation
import Testing

@testable import RekeySyntax

/// A text parsed from an earlier text's tree and the changes between them gives the tree a fresh
/// parse gives, or the same problem.
@Suite struct IncrementalParseTests {
    /// Each record of a tree, as a line: what a table holds, compared whole.
    static func records(_ tree: SyntaxTree) -> [String] {
        tree.nodes.records.map {
            "\($0.startByte) \($0.endByte) \($0.parent) \($0.nextSibling) \($0.kind) \($0.storedField) \($0.flags.rawValue)"
        }
    }

    /// What parsing `text` after `changes` of `before` gives, fresh and incrementally.
    static func bothParses(of before: SourceText, after changes: [TextChange]) throws -> (fresh: String, incremental: String) {
        var bytes = before.bytes
        for change in changes.sorted(by: { $0.range.start > $1.range.start }) {
            bytes.replaceSubrange(change.range.start..<change.range.end, with: Array(change.replacement.utf8))
        }
        let after = try SourceText(path: before.path, bytes: bytes)
        let parser = try PythonParser()
        func outcome(_ parse: () throws(SourceProblem) -> SyntaxTree) -> String {
            do {
                return try records(parse()).joined(separator: "\n")
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
