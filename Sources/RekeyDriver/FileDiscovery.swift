import Foundation

/// Expands the command line's PATHs into the Python files to read.
///
/// Directories are walked recursively for `*.py` and `*.ipynb`, skipping hidden entries, virtual environments,
/// what ``Options/exclude`` names (`build` and `__pycache__` unless configured otherwise) and,
/// inside a git work tree, what git ignores (see ``GitVisibleFiles``). A PATH named on the command
/// line is taken as the user names it (unless ``Options/forceExclude`` is set): a symbolic link
/// to a file is read (and, by `fix`, written through to its target, the link kept), a symbolic
/// link to a directory is walked like the directory. Inside a walk, symbolic links are
/// never followed: one pointing outside the PATH it was found under is reported, one inside is
/// skipped because its target is reached (and edited) directly; a dangling or looping one, or a
/// `*.py` that is a FIFO, socket or device, is reported as what it is and skipped. Names are read
/// as bytes: a `*.py` whose name is not UTF-8 (which rekey's paths cannot carry) is reported with
/// its bytes escaped, not mistaken for a missing file. A file reached twice (two PATHs, or a link
/// and its target) is read once.
public struct FileDiscovery {
    public struct Result {
        public var files: [String] = []
        /// The real path of each of `files`, in order.
        public var realPaths: [String] = []
        public var diagnostics: [Diagnostic] = []
        /// Journals of interrupted commits met in the walk (see `TransactionJournal`).
        public var journals: [String] = []
        /// Documentation files met in the walk, whose examples may call the project's functions
        /// (see ``ProjectDocuments``).
        public var documents: [String] = []
        /// The walk stopped when it had found more files than its limit.
        public var reachedLimit = false
    }

    /// What a walk leaves out, as `exclude`, `extend-exclude`, `force-exclude` and
    /// `respect-gitignore` set it (see ``RekeyConfiguration``).
    public struct Options: Sendable, Equatable {
        /// Files and folders not walked into.
        public var exclude: [PathPattern] = FileDiscovery.defaultExclude
        /// The exclusions also apply to the paths named on the command line (pre-commit names
        /// every staged file, excluded or not).
        public var forceExclude = false
        /// Inside a git work tree, files git ignores are not walked.
        public var respectGitignore = true

        public init(
            exclude: [PathPattern] = FileDiscovery.defaultExclude, forceExclude: Bool = false,
            respectGitignore: Bool = true
        ) {
            self.exclude = exclude
            self.forceExclude = forceExclude
            self.respectGitignore = respectGitignore
        }
    }

    public static let defaultExclude = ["__pycache__", "build", "venv", "site-packages-build"].map { PathPattern($0, base: "/") }

    /// `limit`: the walk stops (``Result/reachedLimit``) once it has found more files than this.
    public static func pythonFiles(in paths: [String], options: Options = Options(), limit: Int = .max) -> Result {
        var result = Result()
        var seen = Set<String>()
        let workingDirectory = FileManager.default.currentDirectoryPath
        for path in paths {
            let absolute = PathPattern.absolute(path, base: workingDirectory)
            if options.forceExclude, isExcluded(absolute, by: options.exclude, workingDirectory: workingDirectory) { continue }
            var status = stat()
            guard lstat(path, &status) == 0 else {
                result.diagnostics.append(Diagnostic(path: path, message: "no such file or directory"))
                continue
            }
            if status.st_mode & S_IFMT == S_IFLNK {
                guard let target = followedLink(path, into: &result, severity: .error) else { continue }
                status = target
            }
            if status.st_mode & S_IFMT == S_IFDIR {
                let root = realPath(path)
                let place = WalkPlace(
                    path: path, absolute: absolute, real: root, relative: "",
                    visible: options.respectGitignore && !GitVisibleFiles.ignoresWhole(path)
                        ? GitVisibleFiles.listing(path) : nil)
                walk(place, root: root, options: options, limit: limit, into: &result, seen: &seen)
            } else if case let real = realPath(path), seen.insert(real).inserted {
                // Any file named explicitly is read, whatever its name; a FIFO or device is
                // reported when it is opened (``SourceLoader/readBytes(_:)``), never waited on.
                result.files.append(path)
                result.realPaths.append(real)
            }
        }
        return result
    }

    /// A path named on the command line under `--force-exclude`: excluded when it, or a folder
    /// above it inside its project (or the working directory, outside any), matches.
    private static func isExcluded(_ absolute: String, by exclude: [PathPattern], workingDirectory: String) -> Bool {
        let top = ProjectRoot.root(of: absolute) ?? workingDirectory
        return exclude.contains { $0.matchesItselfOrAncestor(absolute, below: top) }
    }

    /// The status of what the link at `path` leads to, or nil (with a diagnostic) when it
    /// dangles or loops.
    private static func followedLink(_ path: String, into result: inout Result, severity: Diagnostic.Severity) -> stat? {
        var target = stat()
        if stat(path, &target) == 0 { return target }
        let destination = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
        let message =
            errno == ELOOP
            ? "skipped: symbolic link loop (\(path) -> \(destination) never reaches a file)"
            : "skipped: dangling symbolic link (its target \(destination) does not exist)"
        result.diagnostics.append(Diagnostic(path: path, message: message, severity: severity))
        return nil
    }

    /// A folder being walked: as it is spelt in results, absolute (for exclusions), its real
    /// path (a walk enters no link, so a child's is its parent's and its name: no `realpath`
    /// per file), and relative to the folder git listed (nil outside a work tree or when
    /// gitignore is not respected).
    private struct WalkPlace {
        let path: String
        let absolute: String
        let real: String
        let relative: String
        let visible: GitVisibleFiles?

        func child(_ name: String, path: String) -> WalkPlace {
            WalkPlace(
                path: path, absolute: (absolute as NSString).appendingPathComponent(name),
                real: PathText.appending(name, to: real),
                relative: relative.isEmpty ? name : (relative as NSString).appendingPathComponent(name), visible: visible)
        }
    }

    private static func walk(
        _ place: WalkPlace, root: String, options: Options, limit: Int, into result: inout Result, seen: inout Set<String>
    ) {
        let directory = place.path
        let entries: [DirectoryEntry]
        do {
            entries = try DirectoryEntry.list(directory)
        } catch {
            result.diagnostics.append(Diagnostic(path: directory, message: "cannot list directory: \(error.reason)"))
            return
        }
        for entry in entries {
            if result.files.count > limit {
                result.reachedLimit = true
                return
            }
            if entry.rawName.first == UInt8(ascii: ".") {
                if let name = entry.name, TransactionJournal.isJournalName(name) {
                    result.journals.append((directory as NSString).appendingPathComponent(name))
                }
                continue
            }
            guard let name = entry.name else {
                if sourceExtensions.contains(where: { entry.rawName.ends(with: Array($0.utf8)) }) || entry.kind == Int(DT_DIR) {
                    let shown = (directory as NSString).appendingPathComponent(DirectoryEntry.escaped(entry.rawName))
                    result.diagnostics.append(
                        Diagnostic(
                            path: shown, message: "skipped: the name is not valid UTF-8, which rekey cannot carry in a path",
                            severity: entry.kind == Int(DT_DIR) ? .warning : .error))
                }
                continue
            }
            let path = directory == "." ? name : (directory as NSString).appendingPathComponent(name)
            let entryPlace = place.child(name, path: path)
            if options.exclude.contains(where: { $0.matches(entryPlace.absolute) }) { continue }
            var kind = entry.kind
            if kind == Int(DT_UNKNOWN) {  // some file systems leave the type to lstat
                var status = stat()
                guard lstat(path, &status) == 0 else { continue }
                kind = DirectoryEntry.kind(of: status.st_mode)
            }
            switch kind {
            case Int(DT_LNK):
                if isSource(name), place.visible?.shows(file: entryPlace.relative) ?? true {
                    checkSymlink(path, root: root, into: &result)
                }
            case Int(DT_DIR):
                var venv = stat()
                if stat(path + "/pyvenv.cfg", &venv) == 0 { continue }
                if let visible = place.visible, !visible.shows(folder: entryPlace.relative) {
                    guard visible.isNestedRepository(entryPlace.relative) else { continue }
                    let nested = WalkPlace(
                        path: path, absolute: entryPlace.absolute, real: entryPlace.real, relative: "",
                        visible: GitVisibleFiles.listing(path))
                    walk(nested, root: root, options: options, limit: limit, into: &result, seen: &seen)
                    continue
                }
                walk(entryPlace, root: root, options: options, limit: limit, into: &result, seen: &seen)
            case Int(DT_REG):
                let isSource = isSource(name)
                guard isSource || ProjectDocuments.isDocument(name), place.visible?.shows(file: entryPlace.relative) ?? true
                else { continue }
                if !isSource {
                    result.documents.append(path)
                } else if seen.insert(entryPlace.real).inserted {
                    result.files.append(path)
                    result.realPaths.append(entryPlace.real)
                }
            default:
                if isSource(name) {
                    let what = kind == Int(DT_FIFO) ? "a FIFO" : kind == Int(DT_SOCK) ? "a socket" : "a device"
                    result.diagnostics.append(
                        Diagnostic(
                            path: path, message: "skipped: not a regular file (\(what))", severity: .warning))
                }
            }
        }
    }

    /// What a walk reads: Python files and Jupyter notebooks (read as the program of their code
    /// cells, see ``Notebook``).
    static let sourceExtensions = [".py", ".ipynb"]

    static func isSource(_ name: String) -> Bool {
        sourceExtensions.contains { name.hasSuffix($0) }
    }

    /// A `*.py` link met in a walk: reported if it leads out of the tree, dangles or loops;
    /// skipped silently otherwise, since its target is in the tree and reached directly.
    private static func checkSymlink(_ path: String, root: String, into result: inout Result) {
        guard followedLink(path, into: &result, severity: .warning) != nil else { return }
        let target = realPath(path)
        if !target.isSame(orInside: root) {
            result.diagnostics.append(
                Diagnostic(
                    path: path, message: "skipped: symbolic link to \(target), outside \(root)"))
        }
    }

    static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// One directory entry as `readdir` gives it: the name's bytes, and its type when the file
/// system says (`DT_UNKNOWN` otherwise).
struct DirectoryEntry {
    let rawName: [UInt8]
    let kind: Int

    /// The name, if it is UTF-8 (a Swift path cannot carry other bytes).
    var name: String? { String(bytes: rawName, encoding: .utf8) }

    struct ListingError: Error {
        let reason: String
    }

    static func list(_ directory: String) throws(ListingError) -> [DirectoryEntry] {
        guard let stream = opendir(directory) else { throw ListingError(reason: String(cString: strerror(errno))) }
        defer { closedir(stream) }
        var entries: [DirectoryEntry] = []
        while let entry = readdir(stream) {
            let raw = withUnsafeBytes(of: &entry.pointee.d_name) { bytes in
                Array(bytes.prefix { $0 != 0 })
            }
            if raw == [UInt8(ascii: ".")] || raw == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
            entries.append(DirectoryEntry(rawName: raw, kind: Int(entry.pointee.d_type)))
        }
        return entries.sorted { $0.rawName.lexicographicallyPrecedes($1.rawName) }
    }

    static func kind(of mode: mode_t) -> Int {
        switch mode & S_IFMT {
        case S_IFLNK: return Int(DT_LNK)
        case S_IFDIR: return Int(DT_DIR)
        case S_IFREG: return Int(DT_REG)
        case S_IFIFO: return Int(DT_FIFO)
        case S_IFSOCK: return Int(DT_SOCK)
        default: return Int(DT_CHR)
        }
    }

    /// The name with every byte that is not printable ASCII as `\xNN`, for a message.
    static func escaped(_ raw: [UInt8]) -> String {
        raw.map { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") ? String(UnicodeScalar($0)) : String(format: "\\x%02x", $0) }
            .joined()
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }

    /// Whether this absolute path is `folder` (absolute) or inside it.
    func isSame(orInside folder: String) -> Bool {
        self == folder || hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
    }
}

extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
