import Foundation

/// Expands the command line's PATHs into the Python files to read.
///
/// Directories are walked recursively for `*.py`, skipping hidden folders, virtual
/// environments, `build` and `__pycache__`. Symbolic links are never followed: one pointing
/// outside the PATH it was found under is reported, one inside is skipped because its target is
/// reached (and edited) directly.
public struct FileDiscovery {
    public struct Result {
        public var files: [String] = []
        public var diagnostics: [Diagnostic] = []
    }

    static let skippedDirectories: Set<String> = ["__pycache__", "build", "venv", "site-packages-build"]

    public static func pythonFiles(in paths: [String]) -> Result {
        var result = Result()
        var seen = Set<String>()
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) || isSymlink(path) else {
                result.diagnostics.append(Diagnostic(path: path, message: "no such file or directory"))
                continue
            }
            let root = realPath(isDirectory.boolValue ? path : (path as NSString).deletingLastPathComponent.nonEmpty ?? ".")
            if isSymlink(path) {
                checkSymlink(path, root: root, into: &result)
                continue
            }
            if isDirectory.boolValue {
                walk(path, root: root, into: &result, seen: &seen)
            } else if seen.insert(realPath(path)).inserted {
                result.files.append(path)
            }
        }
        return result
    }

    private static func walk(_ directory: String, root: String, into result: inout Result, seen: inout Set<String>) {
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            result.diagnostics.append(Diagnostic(path: directory, message: "cannot list directory: \(error.localizedDescription)"))
            return
        }
        for entry in entries where !entry.hasPrefix(".") {
            let path = directory == "." ? entry : (directory as NSString).appendingPathComponent(entry)
            if isSymlink(path) {
                if entry.hasSuffix(".py") { checkSymlink(path, root: root, into: &result) }
                continue
            }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                if skippedDirectories.contains(entry)
                    || FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("pyvenv.cfg")) {
                    continue
                }
                walk(path, root: root, into: &result, seen: &seen)
            } else if entry.hasSuffix(".py"), seen.insert(realPath(path)).inserted {
                result.files.append(path)
            }
        }
    }

    private static func checkSymlink(_ path: String, root: String, into result: inout Result) {
        let target = realPath(path)
        if !(target == root || target.hasPrefix(root.hasSuffix("/") ? root : root + "/")) {
            result.diagnostics.append(Diagnostic(
                path: path, message: "skipped: symbolic link to \(target), outside \(root)"))
        }
    }

    static func isSymlink(_ path: String) -> Bool {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil
    }

    static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
