import Foundation
import RekeyTestSupport
import Testing

@testable import RekeyDriver

/// A file in folders without `__init__.py` may be imported by the names those folders make, up to
/// its project's top folder; a fix that changes its names is left to a hand migration when a file
/// imports it so.
@Suite struct NamespaceAliasesTests {
    static let files = [
        "pyproject.toml": "", "models/mlp.py": "", "models/deep/net.py": "", "src/pkg/__init__.py": "", "src/pkg/mod.py": "",
        "top.py": "", "my-scripts/run.py": "",
    ]

    @Test func eachFolderUpToTheProjectGivesAName() throws {
        try TemporaryTree.with(Self.files, prefix: "rekey-aliases") { tree in
            let aliases = NamespaceAliases(roots: ProjectSettingsCache())
            #expect(aliases.of(tree.path("models/mlp.py"), module: "mlp") == ["models.mlp"])
            #expect(aliases.of(tree.path("models/deep/net.py"), module: "net") == ["deep.net", "models.deep.net"])
            #expect(aliases.of(tree.path("src/pkg/mod.py"), module: "pkg.mod") == ["src.pkg.mod"])
            #expect(aliases.of(tree.path("src/pkg/__init__.py"), module: "pkg") == ["src.pkg"])
            #expect(aliases.of(tree.path("top.py"), module: "top") == [])
            // A folder whose name is no identifier cannot be imported through.
            #expect(aliases.of(tree.path("my-scripts/run.py"), module: "run") == [])
        }
    }

    @Test func noNamesOutsideAProject() throws {
        try TemporaryTree.with(["models/mlp.py": ""], prefix: "rekey-aliases") { tree in
            #expect(NamespaceAliases(roots: ProjectSettingsCache()).of(tree.path("models/mlp.py"), module: "mlp") == [])
        }
    }

    /// A test imports the key's module as `models.mlp`; the fix removing the key (and giving
    /// `init` a parameter) is left for a hand migration naming that import, and nothing is
    /// rewritten.
    @Test(arguments: [
        "from models.mlp import init\n\n\ndef test_init():\n    assert init(3).shape == (3,)\n", "from models.mlp import KEY\n",
    ])
    func aFileImportingThroughAFolderWithoutInitKeepsTheFixByHand(test: String) throws {
        let files = [
            ".git/HEAD": "",
            "models/mlp.py": "import jax\n\nKEY = jax.random.PRNGKey(0)\n\n\ndef init(n):\n    return jax.random.normal(KEY, (n,))\n",
            "tests/test_mlp.py": test,
        ]
        try TemporaryTree.with(files, prefix: "rekey-aliases") { tree in
            let report = Engine(options: .init(unsafeFixes: true, jobs: 1)).fix(paths: [tree.root.path])
            #expect(report.changes.isEmpty)
            let moduleKey = try #require(report.remaining.first { $0.code == "RK001" })
            guard case .manual(let reason) = moduleKey.remedy else { return }
            #expect(reason.contains("tests/test_mlp.py imports this file as `models.mlp`"), "\(reason)")
        }
    }
}
