import Foundation
import RekeyDriver
import RekeyRules
import RekeyTestSupport
import Testing

/// Facts one file gives another: a key made at import time in one module and read through an
/// import in another is reported where it is read, and a helper consuming its key in one module
/// makes calling it twice with one key a reuse in another, even in a file with no JAX cue.
@Suite struct CrossFileFactsTests {
    func package(_ files: [String: String]) throws -> URL {
        try TemporaryTree(files, prefix: "rekey-xfile").root
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
}
