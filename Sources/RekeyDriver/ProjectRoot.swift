import Foundation

/// The project a file belongs to, found as Python tools find it: the nearest folder above it with
/// a `pyproject.toml`, `setup.py`, `setup.cfg` or `.git`, short of an installed package's
/// `site-packages` or a virtual environment's folder.
///
/// Given only some of a project's files (pre-commit passes the staged ones), rekey still reads the
/// rest of the project: a function in a given file may be called from one that was not given, and
/// changing its signature without updating that caller would break it. Those other files are
/// context: analysed for callers and cross-file facts, never reported on, never written. A fix
/// that would have to edit one is refused with the reason, so `rekey fix a.py` changes `a.py`
/// only when every caller elsewhere keeps working.
enum ProjectRoot {
    static let markers = ["pyproject.toml", "setup.py", "setup.cfg", ".git"]

    /// The project folder holding `path` (a file or folder), or nil when no folder above it has a marker.
    static func root(of path: String) -> String? {
        var directory = URL(fileURLWithPath: path).standardizedFileURL
        var isDirectory: ObjCBool = false
        if !(FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) && isDirectory.boolValue) {
            directory.deleteLastPathComponent()
        }
        while true {
            // Installed code belongs to no project around the environment it is installed in.
            if ["site-packages", "dist-packages"].contains(directory.lastPathComponent)
                || FileManager.default.fileExists(atPath: directory.appendingPathComponent("pyvenv.cfg").path)
            {
                return nil
            }
            if markers.contains(where: { FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path) }) {
                return directory.path
            }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { return nil }
            directory = parent
        }
    }

    /// The Python files of the projects the given paths belong to that are not among `given`,
    /// spelt relative to the working directory when they are under it (as the given ones are).
    static func contextFiles(for paths: [String], given: [String], options: FileDiscovery.Options) -> [String] {
        let givenReal = Set(given.map(FileDiscovery.realPath))
        let roots = Set(paths.compactMap(root(of:)))
        let workingDirectory = FileManager.default.currentDirectoryPath
        var result: [String] = []
        for root in roots.sorted() {
            let relative =
                root == workingDirectory
                ? "."
                : root.hasPrefix(workingDirectory + "/") ? String(root.dropFirst(workingDirectory.count + 1)) : root
            for file in FileDiscovery.pythonFiles(in: [relative], options: options).files
            where !givenReal.contains(FileDiscovery.realPath(file)) {
                result.append(file)
            }
        }
        return result
    }
}
