import Foundation
import RekeyRules
import RekeyTestSupport
import Testing

@testable import RekeyDriver

/// `[tool.rekey]`: what each key reads, what a wrong one says, which file is used, and how the
/// command line's options go over the file's.
@Suite struct RekeyConfigurationTests {
    func load(_ toml: String) throws -> RekeyConfiguration {
        try TemporaryTree.with(["pyproject.toml": toml], prefix: "rekey-config") { tree in
            try RekeyConfiguration.load(file: tree.path("pyproject.toml"))
        }
    }

    func problem(_ toml: String) throws -> RekeyConfiguration.Problem? {
        try TemporaryTree.with(["pyproject.toml": toml], prefix: "rekey-config") { tree -> RekeyConfiguration.Problem? in
            let file = tree.path("pyproject.toml")
            do {
                _ = try RekeyConfiguration.load(file: file)
                return nil
            } catch let problem as RekeyConfiguration.Problem {
                #expect(problem.file == file)
                return problem
            }
        }
    }

    @Test func everyKeyIsRead() throws {
        let configuration = try load(
            """
            [tool.rekey]
            select = ["RK00"]
            ignore = ["rk005"]
            per-file-ignores = { "tests/*" = ["RK004", "RK001"] }
            exclude = ["generated"]
            extend-exclude = ["legacy/*.py"]
            force-exclude = true
            respect-gitignore = false
            unsafe-fixes = true
            line-length = 100
            target-version = "py310"
            """)
        #expect(configuration.select == Set(RuleSelection.knownCodes.filter { $0.rawValue.hasPrefix("RK00") }))
        #expect(configuration.ignore == ["RK005"])
        #expect(configuration.perFileIgnores.map(\.pattern.description) == ["tests/*"])
        #expect(configuration.perFileIgnores.first?.codes == ["RK001", "RK004"])
        #expect(configuration.exclude?.map(\.description) == ["generated"])
        #expect(configuration.extendExclude.map(\.description) == ["legacy/*.py"])
        #expect(configuration.forceExclude == true && configuration.respectGitignore == false)
        #expect(configuration.unsafeFixes == true)
        #expect(configuration.lineLength == 100)
        #expect(configuration.targetVersion == PythonVersion(3, 10))
    }

    @Test func noTableMeansNoSettings() throws {
        let configuration = try load("[tool.ruff]\nline-length = 120\n")
        #expect(configuration == RekeyConfiguration())
    }

    @Test(arguments: [
        ("[tool.rekey]\nselec = [\"RK001\"]\n", "unknown key 'selec'"),
        ("[tool.rekey]\nselect = \"RK001\"\n", "[tool.rekey] select: expected a list of strings"),
        ("[tool.rekey]\nignore = [1]\n", "[tool.rekey] ignore: expected a list of strings"),
        ("[tool.rekey]\nunsafe-fixes = \"yes\"\n", "[tool.rekey] unsafe-fixes: expected true or false"),
        ("[tool.rekey]\nline-length = 0\n", "[tool.rekey] line-length: expected a positive integer"),
        ("[tool.rekey]\nline-length = 88.5\n", "[tool.rekey] line-length: expected a positive integer"),
        ("[tool.rekey]\ntarget-version = \"3.10\"\n", "[tool.rekey] target-version: expected a Python version"),
        ("[tool.rekey]\nper-file-ignores = [\"tests\"]\n", "[tool.rekey] per-file-ignores: expected a table"),
        ("[tool.rekey]\nselect = [\"RK999\"]\n", "[tool.rekey] select: unknown rule code 'RK999'"),
        (
            "[tool.rekey.per-file-ignores]\n\"tests/*\" = [\"E501\"]\n",
            "[tool.rekey] per-file-ignores \"tests/*\": unknown rule code 'E501'"
        ),
        ("[tool]\nrekey = 1\n", "[tool.rekey] must be a table"),
        ("[tool.rekey\nselect = []\n", "not valid TOML"),
    ])
    func wrongSettingsNameTheKey(_ toml: String, _ expected: String) throws {
        let problem = try #require(try problem(toml))
        #expect(problem.message.contains(expected), "\(problem.message)")
    }

    @Test func theNearestFileWithATableIsUsed() throws {
        try TemporaryTree.with(
            [
                "pyproject.toml": "[tool.rekey]\nignore = [\"RK005\"]\n",
                "sub/pyproject.toml": "[project]\nname = \"sub\"\n",
                "sub/pkg/a.py": "",
                "other/pyproject.toml": "[tool.rekey]\nignore = [\"RK004\"]\n",
            ], prefix: "rekey-config"
        ) { tree in
            let fromFile = try RekeyConfiguration.nearest(from: tree.path("sub/pkg/a.py"))
            #expect(fromFile.ignore == ["RK005"])
            #expect(fromFile.file == tree.path("pyproject.toml"))
            #expect(try RekeyConfiguration.nearest(from: tree.path("other")).ignore == ["RK004"])
        }
    }

    @Test func aBrokenPyprojectNotAboutRekeyIsPassedOver() throws {
        try TemporaryTree.with(
            [
                "pyproject.toml": "[tool.rekey]\nignore = [\"RK005\"]\n",
                "sub/pyproject.toml": "[project\nname = \n",
            ], prefix: "rekey-config"
        ) { tree in
            let configuration = try RekeyConfiguration.nearest(from: tree.path("sub"))
            #expect(configuration.ignore == ["RK005"])
        }
    }

    @Test func theCommandLineGoesOverTheFile() throws {
        let file = try load(
            """
            [tool.rekey]
            select = ["RK001", "RK004"]
            ignore = ["RK004"]
            exclude = ["generated"]
            extend-exclude = ["legacy"]
            unsafe-fixes = true
            line-length = 100
            """)
        var commandLine = RekeyConfiguration()
        #expect(commandLine.merged(under: file) == file)
        commandLine.select = ["RK005"]
        commandLine.ignore = ["RK001"]
        commandLine.extendExclude = [PathPattern("old", base: "/")]
        commandLine.unsafeFixes = false
        let merged = commandLine.merged(under: file)
        #expect(merged.select == ["RK005"])
        #expect(merged.ignore == ["RK001", "RK004"])
        #expect(merged.exclude?.map(\.description) == ["generated"])
        #expect(merged.extendExclude.map(\.description) == ["legacy", "old"])
        #expect(merged.unsafeFixes == false)
        #expect(merged.lineLength == 100)
        commandLine.exclude = [PathPattern("vendor", base: "/")]
        #expect(commandLine.merged(under: file).exclude?.map(\.description) == ["vendor"])
    }

    @Test func engineOptionsCarryEverySetting() throws {
        let options = try load(
            """
            [tool.rekey]
            ignore = ["RK004"]
            extend-exclude = ["legacy"]
            respect-gitignore = false
            unsafe-fixes = true
            line-length = 100
            target-version = "py39"
            """
        ).engineOptions(reportUnusedSuppressions: false)
        #expect(!options.selection.isEnabled("RK004") && options.selection.isEnabled("RK001"))
        #expect(options.discovery.exclude.map(\.description) == FileDiscovery.defaultExclude.map(\.description) + ["legacy"])
        #expect(!options.discovery.respectGitignore && !options.discovery.forceExclude)
        #expect(options.unsafeFixes)
        #expect(options.lineLength == 100 && options.targetVersion == PythonVersion(3, 9))
        let defaults = RekeyConfiguration().engineOptions(reportUnusedSuppressions: false)
        #expect(defaults.selection == .all && defaults.discovery == FileDiscovery.Options() && !defaults.unsafeFixes)
    }

    @Test func rekeysLineLengthAndTargetWinOverTheProjects() throws {
        try TemporaryTree.with(
            [
                "pyproject.toml": "[project]\nrequires-python = \">=3.8\"\n[tool.black]\nline-length = 120\n",
                "a.py": "",
            ], prefix: "rekey-config"
        ) { tree in
            let declared = ProjectSettingsCache().settings(forFile: tree.path("a.py"))
            #expect(declared.lineLength == 120 && declared.minimumPython == PythonVersion(3, 8))
            let configured = ProjectSettingsCache(lineLength: 79, minimumPython: PythonVersion(3, 11)).settings(forFile: tree.path("a.py"))
            #expect(configured.lineLength == 79 && configured.minimumPython == PythonVersion(3, 11))
        }
    }
}
