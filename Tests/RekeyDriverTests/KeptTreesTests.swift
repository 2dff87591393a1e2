import Foundation
import RekeySyntax
import RekeyTestSupport
import Testing

@testable import RekeyDriver

/// Trees kept for later stages stay within their budget, and a tree kept again
/// by the same file is not counted twice.
@Suite struct KeptTreesTests {
    func tree(_ text: String) throws -> SyntaxTree {
        try PythonParser().parse(SourceText(path: "m.py", text: text))
    }

    @Test func treesAreKeptUntilTheBudgetIsSpent() throws {
        let first = try tree("import jax\nkey = jax.random.key(0)\n")
        let second = try tree("x = 1\n")
        let kept = KeptTrees(bytes: first.memoryBytes + second.memoryBytes - 1)
        #expect(kept.keep(first, had: nil, wanted: true) === first)
        #expect(kept.keep(first, had: first, wanted: true) === first)  // the same file's tree again: no more room taken
        #expect(kept.keep(second, had: nil, wanted: true) == nil)
    }

    /// The last quarter of the budget is kept for trees a later stage is likely to read: those
    /// of files with fixes, and of files importing a module whose fix changes a name.
    @Test func theReserveIsForTreesLikelyToBeReadAgain() throws {
        let (large, small) = (try tree(String(repeating: "x = [1, 2, 3]\n", count: 30)), try tree("x = 1\n"))
        let kept = KeptTrees(bytes: large.memoryBytes * 4 / 3 + small.memoryBytes / 2)
        #expect(kept.keep(large, had: nil, wanted: false) === large)
        #expect(kept.keep(small, had: nil, wanted: false) == nil)  // only the reserve is left
        #expect(kept.keep(small, had: nil, wanted: true) === small)

        #expect(!kept.importsModuleChangingNames(["pkg.models"]))
        kept.noteChangingNames(in: "pkg.models")
        #expect(kept.importsModuleChangingNames(["numpy", "pkg.models.mlp"]))
        #expect(kept.importsModuleChangingNames(["pkg.models"]))
        #expect(!kept.importsModuleChangingNames(["pkg", "pkg.modelsx", "other.pkg.models"]))
    }

    /// The trees kept serve the rounds of cross-file facts, the cross-file guard and screening;
    /// with no room for any, each stage parses what it reads, and finds the same. Over the
    /// repository's Fixtures: findings, their fixes and the reasons fixes were refused.
    @Test func keptTreesChangeNothingFound() throws {
        func findings(keeping bytes: Int) -> [String] {
            var options = Engine.Options(unsafeFixes: true, jobs: 2)
            options.keptTreeBytes = bytes
            return renderedFindings(Engine(options: options).check(paths: [fixturesFolder]).findings)
        }
        let kept = findings(keeping: Engine.keptTreeBytes)
        #expect(kept.count > 250)
        #expect(findings(keeping: 0) == kept)
    }
}
