import Foundation
import RekeyRules
import TOMLKit

/// A project's settings, read from its configuration files once per project root (see
/// ``ProjectRoot``), for every file under it: the oldest Python it supports and its line length.
///
/// Oldest Python: `[project] requires-python` in pyproject.toml, else poetry's `python`
/// dependency, else ruff's `target-version`, else `python_requires` in setup.cfg or setup.py.
/// Line length: `[tool.ruff] line-length`, else `[tool.black] line-length`, else 88. A file that
/// cannot be read or parsed declares nothing. rekey's own `line-length` and `target-version`
/// (see ``RekeyConfiguration``), when set, win over all of these.
final class ProjectSettingsCache: @unchecked Sendable {
    private let lock = NSLock()
    private var byRoot: [String: ProjectSettings] = [:]
    private var rootByDirectory: [String: String?] = [:]
    private var rootByFolder: [String: String?] = [:]
    private let lineLength: Int?
    private let minimumPython: PythonVersion?

    init(lineLength: Int? = nil, minimumPython: PythonVersion? = nil) {
        self.lineLength = lineLength
        self.minimumPython = minimumPython
    }

    func settings(forFile path: String) -> ProjectSettings {
        guard let root = root(forFile: path) else { return configured(ProjectSettings()) }
        lock.lock()
        defer { lock.unlock() }
        if let known = byRoot[root] { return known }
        let settings = configured(ProjectConfiguration.read(root: root))
        byRoot[root] = settings
        return settings
    }

    /// The project folder holding the file at `path` (see ``ProjectRoot``), found once per folder.
    func root(forFile path: String) -> String? {
        let directory = PathText.parent(of: path)
        lock.lock()
        defer { lock.unlock() }
        if let known = rootByDirectory[directory] { return known }
        let root = root(ofFolder: URL(fileURLWithPath: directory.isEmpty ? "." : directory).standardizedFileURL.path)
        rootByDirectory[directory] = root
        return root
    }

    /// As ``ProjectRoot/root(of:)`` walks up, each folder's answer kept (by absolute path): the
    /// folders of a tree share the folders above them.
    private func root(ofFolder folder: String) -> String? {
        if let known = rootByFolder[folder] { return known }
        let root: String?
        switch ProjectRoot.mark(of: folder) {
        case .installed: root = nil
        case .project: root = folder
        case .none:
            let parent = PathText.parent(of: folder)
            root = parent == folder ? nil : self.root(ofFolder: parent)
        }
        rootByFolder[folder] = root
        return root
    }

    private func configured(_ declared: ProjectSettings) -> ProjectSettings {
        var settings = declared
        if let lineLength { settings.lineLength = lineLength }
        if let minimumPython { settings.minimumPython = minimumPython }
        return settings
    }
}

enum ProjectConfiguration {
    static func read(root: String) -> ProjectSettings {
        var settings = ProjectSettings()
        let pyproject = text(root, "pyproject.toml").flatMap { try? TOMLTable(string: $0) }
        if let pyproject {
            let tool = pyproject["tool"]?.table
            settings.minimumPython =
                pyproject["project"]?["requires-python"]?.string.flatMap(PythonVersion.init(lowerBoundOf:))
                ?? tool?["poetry"]?["dependencies"]?["python"]?.string.flatMap(PythonVersion.init(lowerBoundOf:))
                ?? tool?["ruff"]?["target-version"]?.string.flatMap(PythonVersion.init(ruffTarget:))
            if let length = tool?["ruff"]?["line-length"]?.int ?? tool?["black"]?["line-length"]?.int, length > 0 {
                settings.lineLength = length
            }
        }
        if settings.minimumPython == nil {
            settings.minimumPython = [text(root, "setup.cfg"), text(root, "setup.py")].lazy.compactMap { $0 }
                .compactMap(pythonRequires).first.flatMap(PythonVersion.init(lowerBoundOf:))
        }
        return settings
    }

    private static func text(_ root: String, _ name: String) -> String? {
        FileManager.default.contents(atPath: (root as NSString).appendingPathComponent(name))
            .flatMap { String(data: $0, encoding: .utf8) }
    }

    /// The value of `python_requires` in setup.cfg (`python_requires = >=3.8`) or setup.py
    /// (`python_requires=">=3.8"`).
    static func pythonRequires(in text: String) -> String? {
        for line in text.split(whereSeparator: \.isNewline) {
            guard let found = line.range(of: "python_requires") else { continue }
            let value = line[found.upperBound...].drop { $0 == " " || $0 == "=" || $0 == ":" }
            let unquoted = value.drop { $0 == "\"" || $0 == "'" }.prefix { $0 != "\"" && $0 != "'" && $0 != "#" }
            let result = unquoted.trimmingCharacters(in: .whitespaces)
            if !result.isEmpty { return result }
        }
        return nil
    }
}
