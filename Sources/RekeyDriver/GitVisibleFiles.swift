import Foundation

/// The files git shows in a folder of a work tree: tracked ones, and untracked ones that no
/// `.gitignore` (nested ones too), `.git/info/exclude` or the user's global excludes file ignores.
/// Asking git itself (`git ls-files --cached --others --exclude-standard`) rather than reading the
/// ignore files keeps every rule of gitignore's syntax and precedence exactly as git applies it.
struct GitVisibleFiles {
    /// Paths relative to the folder listed.
    private let files: Set<String>
    /// Every folder above a listed file, relative to the folder listed.
    private let folders: Set<String>

    /// The listing of `directory`, or nil outside a git work tree (or without git): then nothing
    /// is hidden.
    static func listing(_ directory: String) -> GitVisibleFiles? {
        guard let data = git(["-C", directory, "ls-files", "-z", "--cached", "--others", "--exclude-standard"]) else { return nil }
        var files = Set<String>()
        var folders = Set<String>()
        for entry in data.split(separator: 0) {
            // A name that is not UTF-8 cannot match a walked path, but its folders still can.
            var path = String(decoding: entry, as: UTF8.self)
            if path.hasSuffix("/") { path.removeLast() }  // an untracked nested repository
            files.insert(path)
            var folder = PathText.parent(of: path)
            while !folder.isEmpty, folders.insert(folder).inserted {
                folder = PathText.parent(of: folder)
            }
        }
        return GitVisibleFiles(files: files, folders: folders)
    }

    /// Whether git ignores `directory` as a whole (a pattern names it or a folder above it, as
    /// `.realworld/` names the unpacked projects of rekey's own real-world suite). Walked because
    /// a user named it, such a folder is not filtered by git at all: ruff, too, checks what no
    /// pattern names directly.
    static func ignoresWhole(_ directory: String) -> Bool {
        let absolute = URL(fileURLWithPath: directory).standardizedFileURL.path
        return git(["-C", directory, "check-ignore", "-q", absolute]) != nil
    }

    /// git's standard output, or nil when git is missing or fails (exit status other than 0).
    private static func git(_ arguments: [String]) -> Data? {
        try? GitCommand(directory: nil).output(arguments)
    }

    func shows(file relative: String) -> Bool { files.contains(relative) }

    /// A folder git shows something in.
    func shows(folder relative: String) -> Bool { folders.contains(relative) }

    /// A folder git lists as one entry: a nested repository or a submodule, whose own listing
    /// decides what in it is ignored.
    func isNestedRepository(_ relative: String) -> Bool { files.contains(relative) }
}
