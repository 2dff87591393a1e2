import Foundation
import RekeyRules
import RekeyTestSupport
import Testing

@testable import RekeyDriver

/// Which files a run reads: exclusion globs as ruff matches them, `force-exclude`, what git
/// ignores, and `per-file-ignores`.
@Suite struct FileSelectionTests {
    @Test func namesMatchAnywhereAndPathsFromTheirBase() {
        let name = PathPattern("*_pb2.py", base: "/project")
        #expect(name.matches("/project/src/model_pb2.py") && name.matches("/elsewhere/x_pb2.py"))
        #expect(!name.matches("/project/src/model.py"))
        let anchored = PathPattern("src/legacy/", base: "/project")
        #expect(anchored.matches("/project/src/legacy"))
        #expect(!anchored.matches("/project/other/src/legacy"))
        #expect(anchored.matchesItselfOrAncestor("/project/src/legacy/deep/a.py", below: "/project"))
        let build = PathPattern("build", base: "/")
        #expect(build.matchesItselfOrAncestor("/home/build/project/build/a.py", below: "/home/build/project"))
        #expect(!build.matchesItselfOrAncestor("/home/build/project/src/a.py", below: "/home/build/project"))
        let star = PathPattern("./tests/*", base: "/project")
        #expect(star.matches("/project/tests/unit/test_a.py"))
        #expect(!star.matches("/project/src/tests.py"))
        #expect(PathPattern("../shared/*.py", base: "/project/sub").matches("/project/shared/a.py"))
    }

    static let files = [
        "pyproject.toml": "", "pkg/a.py": "", "pkg/generated/g.py": "", "legacy/old.py": "", "build/b.py": "", "tools/t.py": "",
    ]

    func found(in tree: TemporaryTree, _ paths: [String] = ["."], options: FileDiscovery.Options) -> [String] {
        FileDiscovery.pythonFiles(in: paths.map { $0 == "." ? tree.root.path : tree.path($0) }, options: options).files
            .map { String($0.dropFirst(tree.root.path.count + 1)) }.sorted()
    }

    @Test func excludeReplacesTheDefaultsAndExtendExcludeAdds() throws {
        try TemporaryTree.with(Self.files, prefix: "rekey-select") { tree in
            let base = tree.root.path
            #expect(found(in: tree, options: FileDiscovery.Options()) == ["legacy/old.py", "pkg/a.py", "pkg/generated/g.py", "tools/t.py"])
            let extended = FileDiscovery.Options(
                exclude: FileDiscovery.defaultExclude + [
                    PathPattern("generated", base: base),
                    PathPattern("legacy/*.py", base: base),
                ])
            #expect(found(in: tree, options: extended) == ["pkg/a.py", "tools/t.py"])
            let replaced = FileDiscovery.Options(exclude: [PathPattern("tools", base: base)])
            #expect(found(in: tree, options: replaced) == ["build/b.py", "legacy/old.py", "pkg/a.py", "pkg/generated/g.py"])
        }
    }

    @Test func namedPathsAreExcludedOnlyWithForceExclude() throws {
        try TemporaryTree.with(Self.files, prefix: "rekey-select") { tree in
            let legacy = PathPattern("legacy", base: tree.root.path)
            let named = ["legacy/old.py", "pkg/a.py"]
            #expect(found(in: tree, named, options: FileDiscovery.Options(exclude: [legacy])) == named)
            #expect(found(in: tree, named, options: FileDiscovery.Options(exclude: [legacy], forceExclude: true)) == ["pkg/a.py"])
            #expect(found(in: tree, ["legacy"], options: FileDiscovery.Options(exclude: [legacy], forceExclude: true)) == [])
        }
    }

    func git(_ arguments: [String], in tree: TemporaryTree) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", tree.root.path] + arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
    }

    @Test func whatGitIgnoresIsNotWalked() throws {
        var files = Self.files
        files[".gitignore"] = "generated/\n"
        files["tools/.gitignore"] = "t.py\n"
        files["nested/.gitignore"] = "*.py\n"
        files["nested/n.py"] = ""
        try TemporaryTree.with(files, prefix: "rekey-select") { tree in
            try git(["init", "-q"], in: tree)
            try tree.write("old.py\n", to: ".git/info/exclude")
            #expect(found(in: tree, options: FileDiscovery.Options()) == ["pkg/a.py"])
            #expect(found(in: tree, ["pkg"], options: FileDiscovery.Options()) == ["pkg/a.py"])
            // A tracked file is shown whatever the ignore files say, as git shows it.
            try git(["add", "-f", "tools/t.py"], in: tree)
            #expect(found(in: tree, options: FileDiscovery.Options()) == ["pkg/a.py", "tools/t.py"])
            #expect(found(in: tree, ["legacy/old.py"], options: FileDiscovery.Options()) == ["legacy/old.py"])
            #expect(
                found(in: tree, options: FileDiscovery.Options(respectGitignore: false))
                    == ["legacy/old.py", "nested/n.py", "pkg/a.py", "pkg/generated/g.py", "tools/t.py"])
        }
    }

    /// Folders named by one character: the walk up from `a/b/c.py` through git's listing
    /// reaches `a`, on which `NSString.deletingLastPathComponent` crashes on this toolchain.
    @Test func gitShowsFilesInFoldersNamedByOneCharacter() throws {
        try TemporaryTree.with(["a/b/c.py": "", "é/d.py": "", "e.py": ""], prefix: "rekey-select") { tree in
            try git(["init", "-q"], in: tree)
            #expect(found(in: tree, options: FileDiscovery.Options()) == ["a/b/c.py", "e.py", "é/d.py"])
        }
    }

    @Test func perFileIgnoresDropTheirCodesInMatchingFiles() throws {
        let reuse = "import jax\n\nkey = jax.random.PRNGKey(0)\n\n\ndef f():\n    return jax.random.normal(key, (2,))\n"
        try TemporaryTree.with(["src/a.py": reuse, "tests/test_a.py": reuse], prefix: "rekey-select") { tree in
            var options = Engine.Options(jobs: 1)
            options.perFileIgnores = [PerFileIgnore(pattern: PathPattern("tests/*", base: tree.root.path), codes: ["RK001"])]
            let report = Engine(options: options).check(paths: [tree.root.path])
            let codes = Set(report.findings.map { "\(($0.path as NSString).lastPathComponent) \($0.code)" })
            #expect(codes.contains("a.py RK001"))
            #expect(!codes.contains("test_a.py RK001"))
            #expect(codes.contains { $0.hasPrefix("test_a.py") })
        }
    }
    /// A file reached twice (through a link to the folder walked, a folder inside one walked, or
    /// named itself) is read once, under the spelling that reached it first, with its real path.
    @Test func aFileReachedTwiceIsReadOnce() throws {
        try TemporaryTree.with(["pkg/a.py": "", "pkg/sub/b.py": ""], prefix: "rekey-select") { tree in
            let link = tree.root.deletingLastPathComponent().appendingPathComponent(tree.root.lastPathComponent + "-link").path
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: tree.root.path)
            defer { try? FileManager.default.removeItem(atPath: link) }
            let real = FileDiscovery.realPath(tree.root.path)
            let result = FileDiscovery.pythonFiles(in: [link, tree.root.path, tree.path("pkg/sub"), tree.path("pkg/sub/b.py")])
            #expect(result.files == ["\(link)/pkg/a.py", "\(link)/pkg/sub/b.py"])
            #expect(result.realPaths == ["\(real)/pkg/a.py", "\(real)/pkg/sub/b.py"])
        }
    }

    /// The project roots the settings cache finds folder by folder, sharing the folders above,
    /// are those ``ProjectRoot`` finds walking up from each: a nested project, an installed
    /// package and a virtual environment's folder, asked for deepest first and in turn.
    @Test func eachFoldersProjectIsFoundAsAWalkUpFindsIt() throws {
        let files = [
            "pyproject.toml": "", "a/b/c/x.py": "", "a/y.py": "", "inner/setup.cfg": "", "inner/d/z.py": "",
            "env/pyvenv.cfg": "", "env/lib/site-packages/pkg/m.py": "", "env/tool.py": "", "other/site-packages/w.py": "",
        ]
        try TemporaryTree.with(files, prefix: "rekey-select") { tree in
            let sources = files.keys.filter { $0.hasSuffix(".py") }
            for order in [sources.sorted { $0.count > $1.count }, sources.sorted()] {
                let roots = ProjectSettingsCache()
                for file in order {
                    let path = tree.path(file)
                    #expect(roots.root(forFile: path) == ProjectRoot.root(of: PathText.parent(of: path)), "\(file)")
                }
            }
            let roots = ProjectSettingsCache()
            #expect(roots.root(forFile: tree.path("a/b/c/x.py")) == tree.root.standardizedFileURL.path)
            #expect(roots.root(forFile: tree.path("inner/d/z.py")) == tree.path("inner"))
            #expect(roots.root(forFile: tree.path("env/lib/site-packages/pkg/m.py")) == nil)
            #expect(roots.root(forFile: tree.path("env/tool.py")) == nil)
            #expect(roots.root(forFile: tree.path("other/site-packages/w.py")) == nil)
        }
    }
}
