import Foundation
import RekeyTestSupport
import Testing

@testable import RekeyDriver

/// Scripts and exported notebooks have no import time: a key made at their top level is the run's
/// own (no RK001, no RK002), while the reuse rules still apply. A module the project imports, a
/// library module and a test module are not scripts.
@Suite struct ScriptFilesTests {
    let program = """
        import jax

        key = jax.random.PRNGKey(0)
        key, sub = jax.random.split(key)
        print(jax.random.normal(sub, (3,)))

        """

    func codes(_ files: [String: String], checking target: String) throws -> Set<String> {
        let tree = try TemporaryTree(
            files.merging(["pyproject.toml": ""], uniquingKeysWith: { first, _ in first }), prefix: "rekey-scripts")
        defer { tree.remove() }
        let report = Engine(options: .init(jobs: 1)).check(paths: [tree.path(target)])
        return Set(report.findings.map(\.code.rawValue))
    }

    @Test func anExampleScriptHasNoImportTime() throws {
        #expect(try codes(["examples/train.py": program], checking: "examples/train.py").isEmpty)
    }

    @Test func aFileOutsideAnyPackageThatRunsCodeIsAScript() throws {
        #expect(try codes(["train.py": program], checking: "train.py").isEmpty)
    }

    @Test func aCellMarkedFileInAPackageIsAScript() throws {
        #expect(try codes(["pkg/__init__.py": "", "pkg/explore.py": "# %%\n" + program], checking: "pkg/explore.py").isEmpty)
    }

    @Test func aLibraryModuleHasAnImportTime() throws {
        #expect(try codes(["pkg/__init__.py": "", "pkg/lib.py": program], checking: "pkg/lib.py").contains("RK001"))
    }

    @Test func aScriptAnotherModuleImportsIsAModule() throws {
        let codes = try codes(["train.py": program, "main.py": "import train\n"], checking: "train.py")
        #expect(codes.contains("RK001") && codes.contains("RK002"))
    }

    @Test func aTestModuleIsNotAScript() throws {
        #expect(try codes(["tests/test_model.py": program], checking: "tests/test_model.py").contains("RK001"))
    }

    @Test func reuseIsStillReuseInAScript() throws {
        let reuse = "import jax\n\nkey = jax.random.PRNGKey(0)\nprint(jax.random.normal(key), jax.random.normal(key))\n"
        #expect(try codes(["examples/reuse.py": reuse], checking: "examples/reuse.py") == ["RK004"])
    }

    /// A file rekey did not parse is read for imports of the script's module: a package that only
    /// shares a word with it (`gpjax.kernels.multioutput` against the notebook `multioutput.py`)
    /// does not import it.
    @Test(
        arguments: [
            ("import multioutput\n", "multioutput", true),
            ("from multioutput import fit\n", "multioutput", true),
            ("from gpjax.kernels.multioutput.base import Kernel\n", "multioutput", false),
            ("import gpjax.kernels.multioutput as mo\n", "multioutput", false),
            ("from examples import train\n", "examples.train", true),
            ("from . import train\n", "examples.train", true),
            ("from .train import main\n", "examples.train", true),
            ("x = 1  # train\n", "examples.train", false),
            // Lines are found however they end, and wherever the statement is indented.
            ("x = 1\r\nimport train\r\n", "train", true),
            ("x = 1\rimport train\r", "train", true),
            ("x = 1\u{2028}import train", "train", true),
            ("x = 1\u{85}from train import fit", "train", true),
            ("def f():\n    from train import fit\n", "train", true),
            ("def f():\n    imported = train\n", "train", false),
            // Only lines holding `import` or `from` are read, each once however many it holds,
            // a non-ASCII one by Character.
            ("\"\"\"Data from files.\"\"\"\nimport os, train\n", "train", true),
            ("import\ttrain  # from here, import later\n", "train", true),
            ("from café import train\n", "café.train", true),
            ("from café import train\n", "cafe.train", false),
            ("from train \\\n    import fit\n", "train", true),
        ] as [(String, String, Bool)])
    func importLinesOfUnparsedFiles(_ text: String, _ module: String, _ imports: Bool) {
        #expect(ScriptFiles.ImportLines(Array(text.utf8)).mayImport(module) == imports)
    }
}
