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

    /// `check` says what `fix` would do: a fix that would have to edit another file is no fix here.
    @Test func checkLeavesAFixNeedingAFileNotGivenToHand() throws {
        let root = try project(["pkg/__init__.py": "", "pkg/a.py": moduleKey, "tests/test_a.py": caller])
        defer { try? FileManager.default.removeItem(at: root) }
        let report = Engine(options: .init(unsafeFixes: true, jobs: 1)).check(paths: [root.appendingPathComponent("pkg/a.py").path])
        let rk001 = try #require(report.findings.first { $0.code == "RK001" })
        guard case .manual(let reason) = rk001.remedy else {
            Issue.record("RK001 kept its fix")
            return
        }
        #expect(reason.contains("tests/test_a.py, which is not among the files given"))
        // Given the whole project, the fix is offered.
        #expect(
            Engine(options: .init(unsafeFixes: true, jobs: 1)).check(paths: [root.path]).findings.contains {
                $0.code == "RK001" && $0.fix != nil
            })
    }

    /// Files the configuration excludes are not checked, but they are still the project's: a fix
    /// that would break a call there is refused, not applied behind their back.
    @Test func excludedFilesAreReadForCallers() throws {
        let script = "from pkg.a import f\n\n\ndef main():\n    print(f(1.0))\n"
        let root = try project(["pkg/__init__.py": "", "pkg/a.py": moduleKey, "scripts/run.py": script])
        defer { try? FileManager.default.removeItem(at: root) }
        var options = Engine.Options(unsafeFixes: true, jobs: 1)
        options.discovery.exclude += [PathPattern("scripts", base: root.path)]
        let report = Engine(options: options).fix(paths: [root.path])
        #expect(report.changes.isEmpty)
        let refusal = try #require(report.refusals.first)
        #expect(refusal.reason.contains("scripts/run.py, which is not among the files given"))
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

    // Without a marker, the project is the folder Python imports the file from.

    let testModuleKey = "import jax\n\nKEY = jax.random.PRNGKey(0)\n\n\ndef test_a():\n    assert jax.random.normal(KEY).shape == ()\n"
    let importsTheKey = "import jax\nfrom test_a import KEY\n\n\ndef test_b():\n    assert jax.random.uniform(KEY).shape == ()\n"

    @Test func withoutAMarkerTheFilesFolderIsItsProject() throws {
        try TemporaryTree.with(["tests/test_a.py": testModuleKey, "tests/test_b.py": importsTheKey]) { tree in
            let report = Engine(options: .init(jobs: 1)).fix(paths: [tree.path("tests/test_a.py")])
            #expect(report.changes.isEmpty)
            let refusal = try #require(report.refusals.first)
            #expect(refusal.reason.contains("tests/test_b.py, which is not among the files given"))
        }
    }

    @Test func withoutAMarkerThePackagesParentFolderIsItsProject() throws {
        let files = [
            "pkg/__init__.py": "", "pkg/sub/__init__.py": "", "pkg/sub/a.py": moduleKey,
            "test_a.py": caller.replacing("pkg.a", with: "pkg.sub.a"),
        ]
        try TemporaryTree.with(files) { tree in
            let report = Engine(options: .init(unsafeFixes: true, jobs: 1)).fix(paths: [tree.path("pkg/sub/a.py")])
            #expect(report.changes.isEmpty)
            let refusal = try #require(report.refusals.first)
            #expect(refusal.reason.contains("test_a.py, which is not among the files given"))
        }
    }

    @Test func withoutAMarkerAFixNoOtherFileNeedsIsApplied() throws {
        let unrelated = "import jax\n\n\ndef test_c():\n    assert jax.random.normal(jax.random.PRNGKey(1)).shape == ()\n"
        try TemporaryTree.with(["tests/test_a.py": testModuleKey, "tests/test_c.py": unrelated]) { tree in
            let report = Engine(options: .init(jobs: 1)).fix(paths: [tree.path("tests/test_a.py")])
            #expect(report.refusals.isEmpty)
            #expect(report.changes.map(\.path) == [tree.path("tests/test_a.py")])
        }
    }

    /// A path that does not exist is an error, not a file whose folder is read for callers: here
    /// that folder holds a file that would make the fix of the file given a hand migration.
    @Test func aPathThatDoesNotExistAddsNoContext() throws {
        let files = ["tests/test_a.py": testModuleKey, "elsewhere/test_b.py": importsTheKey]
        try TemporaryTree.with(files) { tree in
            let report = Engine(options: .init(jobs: 1)).fix(paths: [tree.path("tests/test_a.py"), tree.path("missing.py")])
            #expect(report.refusals.isEmpty)
            #expect(report.changes.map(\.path) == [tree.path("tests/test_a.py")])
            #expect(report.diagnostics.contains { $0.path == tree.path("missing.py") })
        }
    }

    /// A folder without a marker holding more files than rekey reads for a loose file (a home
    /// folder): a fix changing a name other files may use is left for a hand migration.
    @Test func withoutAMarkerAFolderTooLargeToReadLeavesSharedNamesToHand() throws {
        var files = ["test_a.py": testModuleKey]
        for index in 0...ProjectRoot.looseFolderLimit { files["other/m\(index).py"] = "" }
        try TemporaryTree.with(files) { tree in
            let report = Engine(options: .init(jobs: 1)).fix(paths: [tree.path("test_a.py")])
            #expect(report.changes.isEmpty)
            let rk001 = try #require(report.remaining.first { $0.code == "RK001" })
            guard case .manual(let reason) = rk001.remedy else {
                Issue.record("RK001 kept its fix")
                return
            }
            #expect(reason.contains("no project marker"))
            #expect(reason.contains("`KEY`"))
        }
    }
}
