import Foundation
import RekeyAnalysis
import RekeyRules
import RekeySyntax
import RekeyTestSupport
import Testing

@testable import RekeyDriver

/// Facts one file gives another: a key made at import time in one module and read through an
/// import in another is reported where it is read, and a helper consuming its key in one module
/// makes calling it twice with one key a reuse in another, even in a file with no JAX cue.
@Suite struct CrossFileFactsTests {
    func package(_ files: [String: String]) throws -> URL {
        try TemporaryTree(files, prefix: "rekey-xfile").root
    }

    /// `fix --unsafe-fixes` of the package at `root`: the new text of the file at `path`, which
    /// it must change.
    private func fixedText(of path: String, in root: URL) throws -> String {
        let report = Engine(options: .init(unsafeFixes: true, jobs: 1)).fix(paths: [root.path])
        let change = try #require(report.changes.first { $0.path.hasSuffix(path) })
        return String(decoding: change.updated, as: UTF8.self)
    }

    /// `fix --unsafe-fixes` of the package at `root` rewrites nothing and leaves RK001 for a hand
    /// migration: its reason (nil, with the issue recorded, when RK001 is fixable).
    private func handMigrationOfTheKey(in root: URL) throws -> String? {
        let report = Engine(options: .init(unsafeFixes: true, jobs: 1)).fix(paths: [root.path])
        #expect(report.changes.isEmpty)
        let rk001 = try #require(report.remaining.first { $0.code == "RK001" })
        guard case .manual(let reason) = rk001.remedy else {
            Issue.record("expected a hand migration: \(rk001.message)")
            return nil
        }
        return reason
    }

    @Test func importedKeyIsReportedWhereItIsRead() throws {
        let root = try package([
            "pkg/__init__.py": "",
            "pkg/seeds.py": "import jax\n\nKEY = jax.random.PRNGKey(0)\n",
            "pkg/model.py": "import jax\n\nfrom .seeds import KEY\n\n\ndef weights():\n    return jax.random.normal(KEY, (2,))\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let findings = Engine(options: .init(jobs: 1)).check(paths: [root.path]).findings
        let rk003 = findings.filter { $0.code == "RK003" }
        #expect(rk003.count == 1)
        #expect(rk003.first?.path.hasSuffix("pkg/model.py") == true)
        #expect(rk003.first?.message.contains("`pkg.seeds` creates at import time") == true)
    }

    @Test func helperConsumingItsKeyCalledTwiceFromAFileWithoutJax() throws {
        let root = try package([
            "pkg/__init__.py": "",
            "pkg/ops.py": "import jax\n\n\ndef noise(key):\n    return jax.random.normal(key, (2,))\n",
            "pkg/use.py": "from pkg.ops import noise\n\n\ndef twice(k):\n    return noise(k) + noise(k)\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let findings = Engine(options: .init(jobs: 1)).check(paths: [root.path]).findings
        let reuse = findings.filter { $0.code == "RK004" }
        #expect(reuse.count == 1)
        #expect(reuse.first?.path.hasSuffix("pkg/use.py") == true)
    }

    /// `seeds.KEY` in another file reads the global RK001's fix would remove: the fix is left
    /// for a hand migration naming that read, and nothing is rewritten.
    @Test func keyReadAsAModuleAttributeElsewhereIsMigratedByHand() throws {
        try expectReadOfSeedsKeyMigratedByHand(
            in: "pkg/test_b.py",
            "import jax\n\nfrom pkg import seeds\n\n\ndef test_b():\n    assert jax.random.normal(seeds.KEY, (1,)).shape == (1,)\n",
            atLine: 7)
    }

    /// The same read in a file the prefilter skips (it names no JAX library), whether the scan
    /// made on reading it vouches for its imports or cannot (an import after `:`): either way it
    /// may import the module, so it is parsed and the read found.
    @Test(arguments: ["from pkg import seeds\n", "if True: from pkg import seeds\n"])
    func keyReadAsAModuleAttributeInAFileWithoutJaxIsMigratedByHand(importing: String) throws {
        try expectReadOfSeedsKeyMigratedByHand(in: "pkg/b.py", importing + "\n\ndef b():\n    return seeds.KEY\n", atLine: 5)
    }

    /// `pkg.seeds` makes `KEY` at import time; `reader` at `path` reads it as `seeds.KEY` at
    /// `line`. `fix --unsafe-fixes` rewrites nothing and leaves RK001 for a hand migration naming
    /// that read.
    private func expectReadOfSeedsKeyMigratedByHand(in path: String, _ reader: String, atLine line: Int) throws {
        let root = try package([
            "pkg/__init__.py": "",
            "pkg/seeds.py":
                "import jax\n\nKEY = jax.random.PRNGKey(0)\n\n\ndef test_a():\n    assert jax.random.normal(KEY, (1,)).shape == (1,)\n",
            path: reader,
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        guard let reason = try handMigrationOfTheKey(in: root) else { return }
        #expect(reason.contains("`KEY` is read as `seeds.KEY` in"), "\(reason)")
        #expect(reason.contains("\(path) at line \(line)"), "\(reason)")
    }

    /// A subclass in another file whose `__init__` names itself to `super` is given the key
    /// parameter too, and its callers pass a key; a use of it as a value is left for a hand
    /// migration whose reason names the subclass's file.
    @Test(arguments: [false, true])
    func aSubclassElsewhereNamingItselfToSuperIsThreaded(alsoUsedAsAValue: Bool) throws {
        let subclass =
            "from pkg.model import Base\n\n\nclass Wide(Base):\n    def __init__(self, n):\n"
            + "        super(Wide, self).__init__(2 * n)\n\n\ndef test_wide():\n    assert Wide(2).w.shape == (4,)\n"
            + (alsoUsedAsAValue ? "\n\nKINDS = [Wide]\n" : "")
        let root = try package([
            "pkg/__init__.py": "",
            "pkg/model.py":
                "import jax\n\nKEY = jax.random.PRNGKey(0)\n\n\nclass Base:\n    def __init__(self, n):\n"
                + "        self.w = jax.random.normal(KEY, (n,))\n",
            "tests/test_wide.py": subclass,
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        guard alsoUsedAsAValue else {
            let fixed = try fixedText(of: "tests/test_wide.py", in: root)
            #expect(fixed.contains("super(Wide, self).__init__(2 * n, key=key)"), "\(fixed)")
            #expect(fixed.contains("Wide(2, key=key)"), "\(fixed)")
            return
        }
        guard let reason = try handMigrationOfTheKey(in: root) else { return }
        let expected = "`Wide` is used as a value at line 13, not instantiated directly in \(root.path)/tests/test_wide.py"
        #expect(reason.contains(expected), "\(reason)")
    }

    /// An NNX layer given `rngs` is instantiated, in a test that imports no Flax, from an
    /// `nnx.Rngs` the fix imports `nnx` for; where `nnx` names something else there, the fix is
    /// left for a hand migration saying so.
    @Test(arguments: ["", "import numpy as nnx\n"])
    func aCallerWithoutAnNNXImportIsGivenOne(bindingNnx: String) throws {
        let root = try package([
            "pkg/__init__.py": "",
            "pkg/layers.py":
                "import jax\nfrom flax import nnx\n\nKEY = jax.random.PRNGKey(0)\n\n\nclass Linear(nnx.Module):\n"
                + "    def __init__(self, n):\n        self.w = nnx.Param(jax.random.normal(KEY, (n,)))\n",
            "tests/test_layers.py":
                bindingNnx + "from pkg.layers import Linear\n\n\ndef test_linear():\n    assert Linear(2).w.shape == (2,)\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        guard !bindingNnx.isEmpty else {
            let fixed = try fixedText(of: "tests/test_layers.py", in: root)
            #expect(fixed.hasPrefix("from flax import nnx\n\nfrom pkg.layers import Linear\n"), "\(fixed)")
            #expect(fixed.contains("    rngs = nnx.Rngs(0)\n    assert Linear(2, rngs=rngs).w.shape"), "\(fixed)")
            return
        }
        guard let reason = try handMigrationOfTheKey(in: root) else { return }
        #expect(reason.contains("test_layers.py does not import `flax.nnx`, and `nnx` names something else there"), "\(reason)")
    }

    /// Facts rounds analyse again only the files that call a function whose facts changed: here
    /// `use.py` once (it calls `noise`), and then nothing, since no file calls `twice`; `other.py`,
    /// which calls no project function, is never analysed again.
    @Test func onlyCallersOfChangedFunctionsAreAnalysedAgain() throws {
        let root = try package([
            "pkg/__init__.py": "",
            "pkg/ops.py": "import jax\n\n\ndef noise(key):\n    return jax.random.normal(key, (2,))\n",
            "pkg/use.py": "from pkg.ops import noise\n\n\ndef twice(k):\n    return noise(k) + noise(k)\n",
            "pkg/other.py": "import jax\n\n\ndef draw(key):\n    return jax.random.uniform(key)\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let report = Engine(options: .init(jobs: 1)).check(paths: [root.path])
        #expect(report.factRounds == [1])
    }

    /// A file with no JAX cue is parsed for another file's facts only when it spells every part
    /// of the name its imports leave out. `reach.py` calls `pkg.ops.noise` after `import pkg`.
    /// `miss.py` calls `pkg.noise`, the package's re-export, which the key flow does not resolve
    /// to `pkg.ops.noise`, so it is not parsed. Neither is `check.py`, which calls only
    /// `validate`: it takes a key and consumes nothing.
    @Test func aFileWithoutJaxIsParsedOnlyForNamesItCanReach() throws {
        let root = try package([
            "pkg/__init__.py": "from pkg import ops\nfrom pkg.ops import noise\n",
            "pkg/ops.py":
                "import jax\n\n\ndef noise(key):\n    return jax.random.normal(key, (2,))\n\n\n"
                + "def validate(key):\n    return jax.random.key_data(key).shape\n",
            "pkg/reach.py": "import pkg\n\n\ndef twice(k):\n    return pkg.ops.noise(k) + pkg.ops.noise(k)\n",
            "pkg/miss.py": "import pkg\n\n\ndef twice(k):\n    return pkg.noise(k) + pkg.noise(k)\n",
            "pkg/check.py": "from pkg.ops import validate\n\n\ndef twice(k):\n    return validate(k), validate(k)\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let report = Engine(options: .init(jobs: 1)).check(paths: [root.path])
        #expect(report.findings.map { URL(fileURLWithPath: $0.path).lastPathComponent } == ["reach.py"])
        // ops.py, reach.py, and __init__.py, which imports `pkg.ops.noise` (and says nothing).
        #expect(report.filesParsed == 3)
    }

    /// Nor is a file with no JAX cue parsed for a function that only hands its parameters on
    /// (`keep` stores its key on an object, for code rekey cannot see to draw from): that
    /// consumes only known keys, and such a file knows none. A known key handed to it is
    /// consumed all the same in a file that has one.
    @Test func aFileWithoutJaxIsNotParsedForAFunctionThatOnlyHandsOn() throws {
        let root = try package([
            "pkg/__init__.py": "",
            "pkg/ops.py":
                "import jax\n\n\nclass Box:\n    pass\n\n\nBOX = Box()\n\n\n"
                + "def keep(key):\n    BOX.value = key\n\n\n"
                + "def noise(key):\n    return jax.random.normal(key, (2,))\n",
            "pkg/hands.py": "from pkg.ops import keep\n\n\ndef twice(k):\n    keep(k)\n    keep(k)\n",
            "pkg/draws.py": "from pkg.ops import noise\n\n\ndef twice(k):\n    return noise(k) + noise(k)\n",
            "pkg/known.py":
                "import jax\n\nfrom pkg.ops import keep\n\n\ndef twice():\n    key = jax.random.key(0)\n"
                + "    keep(key)\n    keep(key)\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let report = Engine(options: .init(jobs: 1)).check(paths: [root.path])
        #expect(Set(report.findings.map { URL(fileURLWithPath: $0.path).lastPathComponent }) == ["draws.py", "known.py"])
        // ops.py and known.py, and draws.py for `noise`; not hands.py.
        #expect(report.filesParsed == 3)
    }
}

/// The first analysis takes each file after the files it imports, with their facts: a chain of
/// helpers is followed however deep, with no round of analysing files again, where rounds alone
/// stop at four files.
@Suite struct ImportOrderTests {
    /// `pkg/h0.py` … `pkg/h5.py`: h5 only reads its key's data (`key_data` does not consume);
    /// each other `hN(key)` hands it to h(N+1). Taken for unknown, any of them consumes the key
    /// it is given; rounds alone, four of them, leave `h0` taken for a consumer.
    static func chain() -> [String: String] {
        var files = ["pkg/__init__.py": ""]
        files["pkg/h5.py"] = "import jax.random\n\n\ndef h5(key):\n    return jax.random.key_data(key)\n"
        for level in 0..<5 {
            files["pkg/h\(level).py"] =
                "import jax.random\n\nfrom pkg.h\(level + 1) import h\(level + 1)\n\n\ndef h\(level)(key):\n    return h\(level + 1)(key)\n"
        }
        files["pkg/use.py"] =
            "import jax\n\nfrom pkg.h0 import h0\n\n\ndef run():\n    key = jax.random.PRNGKey(0)\n    h0(key)\n    return jax.random.normal(key)\n"
        return files
    }

    @Test func aChainOfHelpersDeeperThanTheRoundsIsFollowed() throws {
        let root = try TemporaryTree(Self.chain(), prefix: "rekey-chain").root
        defer { try? FileManager.default.removeItem(at: root) }
        for jobs in [1, 2] {
            let report = Engine(options: .init(jobs: jobs)).check(paths: [root.path])
            // `h0` only inspects the key, through five files: `run` draws from it once.
            #expect(report.findings.filter { $0.code == "RK004" }.isEmpty, "\(report.findings.map(\.message))")
            #expect(report.factRounds.isEmpty)
        }
    }

    @Test func importsAreReadWithoutParsing() {
        let source = """
            import os, jax.random as jr
            from . import ops
            from ..models.mlp import (
                MLP,  # a comment
                init as make,
            )
            if True:
                from pkg.util import *
            x = 1  # import nothing
            from a.b \\
                import c
            \"\"\"
            import in_a_docstring
            \"\"\"

            """
        let modules = ImportScan.importedModules(Array(source.utf8), package: "pkg.sub")
        #expect(
            modules == [
                "os", "jax.random", "pkg.sub", "pkg.sub.ops", "pkg.models.mlp", "pkg.models.mlp.MLP", "pkg.models.mlp.init",
                "pkg.util", "a.b", "a.b.c", "in_a_docstring",
            ])
    }

    @Test func importsOfAFileWithWindowsLineEndingsEndAtTheLine() {
        let source = "import os\r\nfrom pkg.models import (\r\n    mlp,\r\n)\r\nimport jax.random as jr\r\n"
        #expect(ImportScan.importedModules(Array(source.utf8), package: "pkg") == ["os", "pkg.models", "pkg.models.mlp", "jax.random"])
    }

    /// The cross-file guard trusts a scan's "does not import" only when the scan read every
    /// import statement: each `import` word must belong to a statement it read.
    @Test func aScanVouchesForEveryImportOnlyWhenEachImportWordIsAStatementItRead() {
        func all(_ text: String) -> [String]? { ImportScan.allImportedModules(Array(text.utf8), package: "pkg") }
        #expect(all("import os\nfrom .models import (\n    mlp,\n)\nx = 1\n") == ["os", "pkg.models", "pkg.models.mlp"])
        #expect(all("\"\"\"\nimport in_a_docstring\n\"\"\"\n") == ["in_a_docstring"])  // more is harmless
        #expect(all("x = important(1)\n") == [])
        for missed in [
            "x = 1; import m\n",  // after a `;`
            "import a; import m\n",  // one statement read as `a;`, `import`, `m`
            "if flag: import m\n",  // after a `:`
            "try: import m\nexcept ImportError: pass\n",
            "\u{FEFF}import m\n",  // a byte-order mark before the first statement
            "from . . import m\n",  // dots apart
            "from a import*\n",
            "x = 1\rimport m\r",  // lone carriage returns end lines too
            "import a \u{0301}b\n",  // words split at ASCII bytes, where Python sees characters
            // Counted in the code alone, the docstring's line is no statement to stand for `m`'s.
            "\"\"\"\nimport a\n\"\"\"\nif flag: import m\n",
        ] {
            #expect(all(missed) == nil, "\(missed.debugDescription)")
        }
        // Counted again in the code alone, an `import` of a comment or a docstring is none, and a
        // docstring's line no statement.
        #expect(all("from a import (b,  # import c later\n    d)\n") == ["a", "a.b", "a.d"])
        #expect(all("\"\"\">>> import jax\"\"\"\nimport m\n") == ["m"])
        #expect(all("s = \"\"\"\nfrom (\n\"\"\"\nimport m\n") == ["m"])  // a docstring line that opens a bracket
        #expect(all("s = \"\"\"\nfrom importer (\n\"\"\"\nimport m\n") == ["m"])
    }

    /// Whenever the scan vouches for a file's imports, they include every module its parse
    /// finds: checked on every Python file of the repository's Fixtures and Tests, and of the
    /// folder `REKEY_IMPORT_SCAN_CORPUS` names, if set (a tree of real projects, say).
    @Test func aScanThatVouchesForAFileFindsEveryImportItsParseFinds() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var folders = [root.appendingPathComponent("Fixtures").path, root.appendingPathComponent("Tests").path]
        if let corpus = ProcessInfo.processInfo.environment["REKEY_IMPORT_SCAN_CORPUS"] { folders.append(corpus) }
        let parser = try PythonParser()
        var vouched = 0
        for folder in folders {
            let files = FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".py") } ?? []
            for file in files {
                let path = folder + "/" + file
                guard let bytes = FileManager.default.contents(atPath: path).map(Array.init),
                    let source = try? SourceText(path: path, bytes: bytes), let tree = try? parser.parse(source), !tree.hasError
                else { continue }
                let package = ModuleImports.package(of: path, moduleName: "pkg.m")
                guard let scanned = ImportScan.allImportedModules(bytes, package: package) else { continue }
                vouched += 1
                let parsed = ModuleImports(path: path, tree: tree, moduleName: "pkg.m").imported
                #expect(parsed.isSubset(of: Set(scanned)), "\(path): \(parsed.subtracting(scanned).sorted())")
            }
        }
        #expect(vouched > 100)
    }

    @Test func cyclesAreCutAndOtherEdgesKept() {
        // a → b → c → b (a cycle of b and c), d → a and c, e alone; "x" and "a.f" are no files
        // of the run, and a file importing itself is no edge.
        let modules = ["a", "b", "c", "d", "e"].map { ("/p/\($0).py", $0) }
        let graph = ImportGraph(
            modules: modules, imports: [["b", "x"], ["c"], ["b", "c"], ["a", "a.f", "c"], []],
            definitions: ModuleDefinitions(modules: modules))
        #expect(graph.dependencies == [[1], [], [], [0, 2], []])
    }

    /// Where two files define `utils`, each script's edge leads to the one beside it, and a
    /// script that may reach either has none.
    @Test func anImportOfAModuleDefinedTwiceLeadsToTheDefinitionReached() {
        let modules = [
            ("/p/a/utils.py", "utils"), ("/p/b/utils.py", "utils"), ("/p/a/run.py", "run"), ("/p/b/run.py", "run"), ("/p/c/go.py", "go"),
        ]
        let graph = ImportGraph(
            modules: modules, imports: [[], [], ["utils"], ["utils"], ["utils"]], definitions: ModuleDefinitions(modules: modules))
        #expect(graph.dependencies == [[], [], [0], [1], []])
    }

    @Test func aModuleIsImportedUnderItsOwnNameOrASubmodules() {
        let imported = ImportedModules(["a.b.c", "d", "e.f", "d"])
        for module in ["a", "a.b", "a.b.c", "d", "e", "e.f"] { #expect(imported.contains(moduleOrParent: module), "\(module)") }
        for module in ["a.b.c.d", "a.c", "b", "b.c", "de", "e.f.g", "a.", ""] {
            #expect(!imported.contains(moduleOrParent: module), "\(module)")
        }
    }

    @Test func eachItemRunsAfterItsDependenciesAndSeesTheirOutputs() {
        // Item i depends on every item below it that divides it: a deep, wide order.
        let count = 200
        let dependencies = (0..<count).map { item in (1..<max(item, 1)).filter { item % $0 == 0 } }
        for workers in [1, 2, 4] {
            let outputs = parallelInDependencyOrder(
                count: count, dependencies: dependencies, priority: { $0 }, workers: workers, makeState: {}
            ) { _, item, output in
                // The sum of the dependencies' outputs plus one: wrong if any ran later.
                dependencies[item].map(output).reduce(1, +)
            }
            let expected = (0..<count).reduce(into: [Int]()) { done, item in done.append(dependencies[item].map { done[$0] }.reduce(1, +)) }
            #expect(outputs == expected)
        }
    }
}
