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
///
/// With no marker above a file, its project is taken to be the folder Python imports it from
/// (``looseFolder(of:)``), read only when it holds at most ``looseFolderLimit`` Python files;
/// in a larger one (a home folder) which files use a name cannot be known, so fixes that change
/// a name another file may use are left to a hand migration (``Context/unreadFolders``).
public enum ProjectRoot {
    static let markers = ["pyproject.toml", "setup.py", "setup.cfg", ".git"]
    public static let looseFolderLimit = 5_000

    /// The project folder holding `path` (a file or folder), or nil when no folder above it has a marker.
    static func root(of path: String) -> String? {
        if case .project(let root) = place(of: path) { return root }
        return nil
    }

    private enum Place {
        case project(String)
        /// Installed code belongs to no project around the environment it is installed in.
        case installed
        case noMarker(folder: URL)
    }

    private static func place(of path: String) -> Place {
        let start = folder(of: path)
        var directory = start.path
        while true {
            switch mark(of: directory) {
            case .installed: return .installed
            case .project: return .project(directory)
            case .none:
                let parent = PathText.parent(of: directory)
                if parent == directory { return .noMarker(folder: start) }
                directory = parent
            }
        }
    }

    /// What one folder (absolute) says of the project around it.
    enum Mark {
        case installed
        case project
        case none
    }

    static func mark(of directory: String) -> Mark {
        func holds(_ name: String) -> Bool {
            var status = stat()
            return stat(PathText.appending(name, to: directory), &status) == 0
        }
        if ["site-packages", "dist-packages"].contains(PathText.lastComponent(of: directory)) || holds("pyvenv.cfg") {
            return .installed
        }
        return markers.contains(where: holds) ? .project : .none
    }

    /// `path` itself when it is a folder, else the folder holding it.
    private static func folder(of path: String) -> URL {
        var directory = URL(fileURLWithPath: path).standardizedFileURL
        var isDirectory: ObjCBool = false
        if !(FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) && isDirectory.boolValue) {
            directory.deleteLastPathComponent()
        }
        return directory
    }

    /// The folder Python imports a file outside any project from: the one above its outermost
    /// package (the folders around it holding `__init__.py`), which running a script there,
    /// `python -m` and pytest's default import mode put on the import path.
    private static func looseFolder(of folder: URL) -> String {
        var directory = folder
        while FileManager.default.fileExists(atPath: directory.appendingPathComponent("__init__.py").path) {
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { break }
            directory = parent
        }
        return directory.path
    }

    /// The files read as context for a run, and the folders that could not be.
    struct Context {
        /// The Python files of the given paths' projects that are not among the files given.
        var files: [String] = []
        /// Folders without a project marker that hold more than ``looseFolderLimit`` Python
        /// files: given files under them may be used by files rekey did not read.
        var unreadFolders: [String] = []
        /// The documentation files met in those projects (see ``ProjectDocuments``).
        var documents: [String] = []
    }

    /// The one of `folders` (absolute) that holds the file at `path` (as spelt in results), if any.
    static func folder(holding path: String, among folders: [String]) -> String? {
        let absolute = PathPattern.absolute(path, base: FileManager.default.currentDirectoryPath)
        return folders.first { absolute.isSame(orInside: $0) }
    }

    /// The Python files of the projects the given paths belong to that are not among the files
    /// given (`givenRealPaths`, as ``FileDiscovery/Result/realPaths`` spells them),
    /// spelt relative to the working directory when they are under it (as the given ones are).
    /// Files the configuration excludes are among them: they are still the project's, and may
    /// call what a fix changes (only rekey's own exclusions, and what git ignores, are left out).
    /// A folder already given whole, under those same exclusions, is not walked again.
    static func context(for paths: [String], givenRealPaths: [String], options: FileDiscovery.Options) -> Context {
        var walkOptions = options
        walkOptions.exclude = FileDiscovery.defaultExclude
        let givenWhole = options.exclude == walkOptions.exclude
        let givenReal = Set(givenRealPaths)
        let workingDirectory = FileManager.default.currentDirectoryPath
        let givenPaths = paths.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        var roots: [String: Bool] = [:]  // folder: whether it has a project marker
        // A path that does not exist is reported as an error and belongs to no project: its
        // folder would otherwise be read as context for the paths that do.
        for path in paths where FileManager.default.fileExists(atPath: path) {
            switch place(of: path) {
            case .project(let root): roots[root] = true
            case .installed: continue
            case .noMarker(let folder): roots[looseFolder(of: folder)] = false
            }
        }
        var result = Context()
        for (root, hasMarker) in roots.sorted(by: { $0.key < $1.key })
        where !(givenWhole && givenPaths.contains(where: root.isSame(orInside:))) {
            let relative =
                root == workingDirectory
                ? "."
                : root.hasPrefix(workingDirectory + "/") ? String(root.dropFirst(workingDirectory.count + 1)) : root
            let walked = FileDiscovery.pythonFiles(in: [relative], options: walkOptions, limit: hasMarker ? .max : looseFolderLimit)
            if walked.reachedLimit {
                result.unreadFolders.append(root)
                continue
            }
            result.files += zip(walked.files, walked.realPaths).filter { !givenReal.contains($1) }.map(\.0)
            result.documents += walked.documents
        }
        return result
    }
}
