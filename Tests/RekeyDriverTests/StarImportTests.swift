import Foundation
import RekeyTestSupport
import Testing

@testable import RekeyDriver

/// A file that imports every name of a module (`from pkg.mlp import *`) reads those names
/// without binding them: a fix changing one of them is left to a hand migration, even unsafe.
@Suite struct StarImportTests {
    static let library = "import jax\n\nKEY = jax.random.PRNGKey(0)\n\n\ndef init(n):\n    return jax.random.normal(KEY, (n,))\n"

    @Test(arguments: [
        (
            "from pkg.mlp import *\n\n\ndef test_init():\n    assert init(3).shape == (3,)\n", "",
            "tests/test_mlp.py imports every name of `pkg.mlp`"
        ),
        ("from pkg.mlp import *\n\nKEYS = [KEY]\n", "", "tests/test_mlp.py imports every name of `pkg.mlp`"),
        // Through the package, which imports every name of the module in turn.
        (
            "from pkg import *\n\n\ndef test_init():\n    assert init(3).shape == (3,)\n", "from .mlp import *\n",
            "tests/test_mlp.py imports every name of `pkg`"
        ),
        // A name the package's `__init__.py` hands on without spelling it.
        (
            "from pkg import KEY\n\nKEYS = [KEY]\n", "from .mlp import *\n",
            "tests/test_mlp.py imports `pkg`, and pkg/__init__.py imports every name of `pkg.mlp`"
        ),
    ])
    func aFixChangingNamesAFileImportsWithAStarIsLeftByHand(test: String, package: String, reasonStart: String) throws {
        let files = [".git/HEAD": "", "pkg/__init__.py": package, "pkg/mlp.py": Self.library, "tests/test_mlp.py": test]
        try TemporaryTree.with(files, prefix: "rekey-star") { tree in
            let report = Engine(options: .init(unsafeFixes: true, jobs: 1)).fix(paths: [tree.root.path])
            #expect(report.changes.isEmpty)
            let moduleKey = try #require(report.remaining.first { $0.code == "RK001" })
            guard case .manual(let reason) = moduleKey.remedy else { return }
            #expect(reason.replacingOccurrences(of: tree.root.path + "/", with: "").hasPrefix(reasonStart), "\(reason)")
        }
    }

    @Test(arguments: [
        ("from m import *", true), ("from m import  \\\n    *", true), ("from m import x", false), ("a = 2 * 3", false),
        ("from m import (x, y)\n*rest, = xs", false),
    ])
    func aStarAfterImportIsLookedForInTheBytes(text: String, expected: Bool) {
        #expect(Prefilter.mayImportEveryName(Array(text.utf8)) == expected)
    }
}
