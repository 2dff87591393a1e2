import Foundation
import RekeyRules
import RekeyTestSupport
import Testing

@testable import RekeyDriver

/// What a project declares, read as pip, poetry, ruff and setuptools write it.
@Suite struct ProjectConfigurationTests {
    @Test(
        arguments: [
            (">=3.9", "3.9"), (">=3.8,<4", "3.8"), ("~=3.10", "3.10"), ("^3.11", "3.11"), ("==3.12.*", "3.12"),
            (">3.7", "3.7"), ("<4", nil), ("", nil), (">= 3.10.2", "3.10"),
        ] as [(String, String?)])
    func lowerBounds(_ specifier: String, _ expected: String?) {
        #expect(PythonVersion(lowerBoundOf: specifier)?.description == expected)
    }

    @Test func ruffTargets() {
        #expect(PythonVersion(ruffTarget: "py310")?.description == "3.10")
        #expect(PythonVersion(ruffTarget: "py38")?.description == "3.8")
        #expect(PythonVersion(ruffTarget: "python3") == nil)
    }

    @Test func pythonRequiresInSetupFiles() {
        #expect(ProjectConfiguration.pythonRequires(in: "[options]\npython_requires = >=3.7\n") == ">=3.7")
        #expect(ProjectConfiguration.pythonRequires(in: "setup(\n    python_requires=\">=3.9\",\n)\n") == ">=3.9")
        #expect(ProjectConfiguration.pythonRequires(in: "setup(name='x')\n") == nil)
    }

    func root(_ files: [String: String]) throws -> String {
        try TemporaryTree(files, prefix: "rekey-config").root.path
    }

    @Test func pyprojectWinsAndLineLengthComesFromRuffThenBlack() throws {
        let project = try root([
            "pyproject.toml": "[project]\nrequires-python = \">=3.10\"\n[tool.black]\nline-length = 100\n",
            "setup.cfg": "[options]\npython_requires = >=3.6\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: project) }
        let settings = ProjectConfiguration.read(root: project)
        #expect(settings.minimumPython == PythonVersion(3, 10))
        #expect(settings.lineLength == 100)
        #expect(settings.supports(PythonVersion(3, 10)) && !settings.supports(PythonVersion(3, 11)))
    }

    @Test func setupPyAloneAndNothingDeclared() throws {
        let legacy = try root(["setup.py": "from setuptools import setup\nsetup(python_requires='>=3.7')\n"])
        let bare = try root(["pyproject.toml": "[build-system]\nrequires = [\"setuptools\"]\n"])
        defer {
            try? FileManager.default.removeItem(atPath: legacy)
            try? FileManager.default.removeItem(atPath: bare)
        }
        #expect(ProjectConfiguration.read(root: legacy).minimumPython == PythonVersion(3, 7))
        #expect(ProjectConfiguration.read(root: bare) == ProjectSettings())
    }
}
