import RekeySyntax
import Testing

@testable import RekeyDriver

/// Trees kept between rounds of cross-file facts stay within their budget, and a tree kept again
/// by the same file is not counted twice.
@Suite struct KeptTreesTests {
    func tree(_ text: String) throws -> SyntaxTree {
        try PythonParser().parse(SourceText(path: "m.py", text: text))
    }

    @Test func treesAreKeptUntilTheBudgetIsSpent() throws {
        let first = try tree("import jax\nkey = jax.random.key(0)\n")
        let second = try tree("x = 1\n")
        let kept = KeptTrees(bytes: first.memoryBytes + second.memoryBytes - 1)
        #expect(kept.keep(first, had: nil) === first)
        #expect(kept.keep(first, had: first) === first)  // the same file's tree again: no more room taken
        #expect(kept.keep(second, had: nil) == nil)
    }
}
