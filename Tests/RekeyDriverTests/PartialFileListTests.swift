import Foundation
import RekeyDriver
import RekeyTestSupport
import Testing

/// Given some files of a project (as pre-commit gives the staged ones), rekey reads the rest of
/// the project for callers: it reports and rewrites only the files given, and refuses a fix that
/// would have to edit another file, instead of changing a signature and leaving callers broken.
@Suite struct PartialFileListTests {
    /// A project folder (with the marker file `marker`) and its files.
    func project(_ files: [String: String], marker: String = "pyproject.toml") throws -> URL {
        try TemporaryTree(files.merging([marker: ""], uniquingKeysWith: { first, _ in first }), prefix: "rekey-partial").root
    }

    let moduleKey = """
        import jax

        KEY = jax.random.PRNGKey(0)


        def f(x):
            return x + jax.random.normal(KEY)

        """
    let caller = """
        from pkg.a import f


        def test_f():
            assert f(1.0) is not None

        """

    @Test func aFixNeedingAFileNotGivenIsRefused() throws {
        let root = try project(["pkg/__init__.py": "", "pkg/a.py": moduleKey, "tests/test_a.py": caller])
        defer { try? FileManager.default.removeItem(at: root) }
        let given = root.appendingPathComponent("pkg/a.py").path
        let report = Engine(options: .init(unsafeFixes: true, jobs: 1)).fix(paths: [given])
        #expect(report.changes.isEmpty)
        let refusal = try #require(report.refusals.first)
        #expect(refusal.code == "RK001")
        #expect(refusal.reason.contains("tests/test_a.py, which is not among the files given"))
        // The caller's file is read, not reported on.
        #expect(report.remaining.allSatisfy { $0.path == given })
    }

    @Test func theWholeProjectGivenIsFixed() throws {
        let root = try project(["pkg/__init__.py": "", "pkg/a.py": moduleKey, "tests/test_a.py": caller])
        defer { try? FileManager.default.removeItem(at: root) }
        let report = Engine(options: .init(unsafeFixes: true, jobs: 1)).fix(paths: [root.path])
        #expect(Set(report.changes.map { URL(fileURLWithPath: $0.path).lastPathComponent }) == ["a.py", "test_a.py"])
    }

    @Test func checkReportsOnlyTheFilesGiven() throws {
        let reuse = "import jax\n\n\ndef g(k):\n    return jax.random.normal(k) + jax.random.normal(k)\n"
        let root = try project(["pkg/__init__.py": "", "pkg/a.py": moduleKey, "pkg/b.py": reuse], marker: ".git/HEAD")
        defer { try? FileManager.default.removeItem(at: root) }
        let given = root.appendingPathComponent("pkg/a.py").path
        let report = Engine(options: .init(jobs: 1)).check(paths: [given])
        // b.py's reuse is not reported: it was not given.
        #expect(!report.findings.isEmpty && report.findings.allSatisfy { $0.path == given })
        #expect(report.filesSeen == 1)
    }

    /// Packages installed in a virtual environment inside a project are not part of it: checking
    /// them reads nothing of the project around the environment.
    @Test func installedPackagesBelongToNoProject() throws {
        let site = ".venv/lib/python3.11/site-packages"
        let root = try project([
            "\(site)/pkg/__init__.py": "", "\(site)/pkg/a.py": moduleKey, ".venv/pyvenv.cfg": "",
            "tests/test_a.py": caller,
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let given = root.appendingPathComponent("\(site)/pkg/a.py").path
        let report = Engine(options: .init(unsafeFixes: true, jobs: 1)).fix(paths: [given])
        #expect(report.refusals.isEmpty)
        #expect(report.changes.map(\.path) == [given])
    }

    @Test func aFixWithinTheFileGivenIsApplied() throws {
        let local = "import jax\n\n\ndef f(x, key=jax.random.PRNGKey(0)):\n    return x + jax.random.normal(key)\n"
        let root = try project([
            "pkg/__init__.py": "", "pkg/a.py": local,
            "tests/test_a.py": "from pkg.a import f\n\n\ndef test_f(k):\n    assert f(1.0, k) is not None\n",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let report = Engine(options: .init(unsafeFixes: true, jobs: 1)).fix(paths: [root.appendingPathComponent("pkg/a.py").path])
        // The caller passes the key by position: the parameter loses its default in place.
        let change = try #require(report.changes.first)
        #expect(String(decoding: change.updated, as: UTF8.self).contains("def f(x, key):"))
    }
}
