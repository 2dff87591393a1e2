import Foundation
import RekeyTestSupport
import Testing

@testable import RekeyDriver

/// One module name defined by several files of a run (two example folders each with its own
/// `utils.py`, two repositories checked together): each importer is matched with the definition
/// Python would find for it, and one that could find either is left for a hand migration.
@Suite struct ModuleDefinitionsTests {
    static let definitions = ModuleDefinitions(modules: [
        ("/r/a/utils.py", "utils"), ("/r/b/utils.py", "utils"), ("/r/b/deep/utils.py", "utils"),
        ("/r/one/src/pkg/mod.py", "pkg.mod"), ("/r/two/pkg/mod.py", "pkg.mod"),
        ("/r/one/src/pkg/__init__.py", "pkg"), ("/r/two/pkg/__init__.py", "pkg"), ("/r/one/src/pkg/only.py", "pkg.only"),
    ])

    @Test(arguments: [
        // The script's own folder, and the deepest folder holding the importer.
        ("/r/a/train.py", "/r/a/utils.py", "utils", ModuleDefinitions.Resolution.definer),
        ("/r/b/train.py", "/r/a/utils.py", "utils", .other),
        ("/r/b/train.py", "/r/b/utils.py", "utils", .definer),
        ("/r/b/deep/run.py", "/r/b/deep/utils.py", "utils", .definer),
        ("/r/b/deep/run.py", "/r/b/utils.py", "utils", .other),
        // No definition's folder holds it, and two are as near: it may reach either.
        ("/r/c/run.py", "/r/a/utils.py", "utils", .ambiguous),
        ("/r/c/run.py", "/r/b/utils.py", "utils", .ambiguous),
        // A package's top folder is above it, whether a module or the package's `__init__.py` defines the name.
        ("/r/one/tests/test_mod.py", "/r/one/src/pkg/mod.py", "pkg.mod", .definer),
        ("/r/two/tests/test_mod.py", "/r/one/src/pkg/mod.py", "pkg.mod", .other),
        ("/r/two/tests/test_mod.py", "/r/two/pkg/__init__.py", "pkg", .definer),
        ("/r/one/src/pkg/other.py", "/r/one/src/pkg/__init__.py", "pkg", .definer),
        // A name one file defines, and the definer itself.
        ("/r/two/tests/test_mod.py", "/r/one/src/pkg/only.py", "pkg.only", .definer),
        ("/r/a/utils.py", "/r/a/utils.py", "utils", .definer),
    ])
    func importerReachesTheNearestDefinition(
        importer: String, definer: String, module: String, expected: ModuleDefinitions.Resolution
    ) {
        #expect(Self.definitions.resolution(of: module, from: importer, definedIn: definer) == expected)
    }

    /// Two example folders, each a script beside its own `utils.py`; only the first's `f` reads a
    /// key made at import time. Its fix passes a key from its own script and leaves the other
    /// script, whose `utils.f` takes none, alone.
    static let examples = [
        "a/utils.py": "import jax\n\nKEY = jax.random.PRNGKey(0)\n\n\ndef f(x):\n    return x + jax.random.normal(KEY, ())\n",
        "a/train.py": "import utils\n\nif __name__ == \"__main__\":\n    print(utils.f(1.0))\n",
        "b/utils.py": "def f(x):\n    return x * 2\n",
        "b/train.py": "import utils\n\nif __name__ == \"__main__\":\n    print(utils.f(1.0))\n",
    ]

    @Test func aFixCoversTheCallersOfItsOwnDefinitionOnly() throws {
        try TemporaryTree.with(Self.examples, prefix: "rekey-defs") { tree in
            let report = Engine(options: .init(jobs: 1)).fix(paths: [tree.root.path])
            let changed = report.changes.map { String($0.path.dropFirst(tree.root.path.count + 1)) }.sorted()
            #expect(changed == ["a/train.py", "a/utils.py"])
            let train = report.changes.first { $0.path.hasSuffix("a/train.py") }.map { String(decoding: $0.updated, as: UTF8.self) }
            #expect(train?.contains("utils.f(1.0, key=key)") == true)
        }
    }

    /// A third folder's script imports `utils` with neither definition beside it: which one it
    /// reaches depends on how it is run, so the fix is left for a hand migration naming both.
    @Test func anImporterThatMayReachEitherDefinitionLeavesTheFixToAHandMigration() throws {
        var files = Self.examples
        files["c/run.py"] = "import utils\n\nprint(utils.f(2.0))\n"
        try TemporaryTree.with(files, prefix: "rekey-defs") { tree in
            let findings = Engine(options: .init(jobs: 1)).check(paths: [tree.root.path]).findings
            let moduleKey = try #require(findings.first { $0.code == "RK001" })
            #expect(moduleKey.fix == nil)
            guard case .manual(let reason) = moduleKey.remedy else { return }
            #expect(reason.contains("`utils` is defined by more than one file of this run"))
            #expect(reason.contains("c/run.py"))
        }
    }

    /// What a function does to keys is told to each importer as the definition it reaches has
    /// it: `a/lib.scale` consumes its key and `b/lib.scale` ignores it, so calling it twice with
    /// one key is a reuse in `a/main.py` only.
    @Test func eachImporterIsToldTheFactsOfTheDefinitionItReaches() throws {
        let main = "import jax\n\nimport lib\n\n\ndef run(key):\n    return lib.scale(key, 1.0) + lib.scale(key, 2.0)\n"
        let files = [
            "a/lib.py": "import jax\n\n\ndef scale(key, x):\n    return x * jax.random.normal(key, ())\n",
            "b/lib.py": "def scale(key, x):\n    return x * 2.0\n",
            "a/main.py": main, "b/main.py": main,
        ]
        try TemporaryTree.with(files, prefix: "rekey-defs") { tree in
            let findings = Engine(options: .init(jobs: 1)).check(paths: [tree.root.path]).findings
            #expect(findings.filter { $0.path.hasSuffix("a/main.py") }.map(\.code) == ["RK004"])
            #expect(!findings.contains { $0.path.hasSuffix("b/main.py") })
        }
    }
}
