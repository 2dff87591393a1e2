import Foundation

/// The repositories `rekey batch` migrates, read from a plain text file: one repository per line,
/// its source (a git URL, or a local path relative to the manifest's folder) and optionally a
/// name, separated by whitespace; blank lines and `#` comments (a whole line, or after whitespace)
/// are ignored:
///
/// ```text
/// # the team's JAX projects
/// https://github.com/example/models.git
/// git@github.com:example/tools.git   tools-gh   # a name of its own
/// ../checkouts/experiments
/// ```
///
/// Plain lines rather than TOML or JSON: the list `git`, `grep`, `sort` and multi-gitter's
/// repository lists already are, with nothing to quote. The name (by default the source's last
/// path component less `.git`) names the outputs (`<name>.patch`, …), so it must be unique.
public struct BatchManifest: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// The source as written: the repository's identity, which the shards hash.
        public let source: String
        /// What `git clone` is given: the URL, or the local path made absolute.
        public let location: String
        public let isLocal: Bool
        public let name: String
        public let line: Int

        /// The repository's folder on this machine: a local path's, or a `file://` URL's (git
        /// clones that through its transport, as it would a remote, but it is as much a folder the
        /// user gave); nil for a remote repository.
        public var localDirectory: String? {
            if isLocal { return location }
            guard let url = URL(string: source), url.isFileURL, !url.path.isEmpty else { return nil }
            return PathPattern.absolute(url.path, base: "/")
        }
    }

    public struct Problem: Error, Equatable, CustomStringConvertible {
        public let line: Int
        public let message: String

        public var description: String { "line \(line): \(message)" }
    }

    public let entries: [Entry]

    /// Parses `text`; local paths are taken relative to `directory`.
    public init(parsing text: String, directory: String) throws(Problem) {
        var entries: [Entry] = []
        var lineOfName: [String: Int] = [:]
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = offset + 1
            let fields = Self.withoutComment(String(rawLine)).split(whereSeparator: \.isWhitespace).map(String.init)
            guard !fields.isEmpty else { continue }
            guard fields.count <= 2 else {
                throw Problem(line: line, message: "expected a source and an optional name, found \(fields.count) fields")
            }
            let source = fields[0]
            let name = fields.count == 2 ? fields[1] : Self.defaultName(of: source)
            guard Self.isValidName(name) else {
                throw Problem(
                    line: line,
                    message: "'\(name)' cannot name a repository's outputs: use letters, digits, '.', '_' and '-', not first '.'"
                )
            }
            if let earlier = lineOfName[name] {
                throw Problem(
                    line: line, message: "the name '\(name)' is already used on line \(earlier): give one of them a name after its source")
            }
            lineOfName[name] = line
            let isLocal = !Self.isURL(source)
            let location = isLocal ? PathPattern.absolute(source, base: directory) : source
            entries.append(Entry(source: source, location: location, isLocal: isLocal, name: name, line: line))
        }
        self.entries = entries
    }

    /// The manifest in the file at `path`.
    public static func load(_ path: String) throws(Problem) -> BatchManifest {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(line: 0, message: "cannot read the manifest \(path)")
        }
        let directory = PathText.parent(of: PathPattern.absolute(path, base: FileManager.default.currentDirectoryPath))
        return try BatchManifest(parsing: String(decoding: data, as: UTF8.self), directory: directory)
    }

    /// A line up to its comment: `#` at its start or after whitespace (a URL may hold a `#`).
    static func withoutComment(_ line: String) -> String {
        var previous: Character = " "
        for index in line.indices {
            if line[index] == "#", previous.isWhitespace { return String(line[..<index]) }
            previous = line[index]
        }
        return line
    }

    /// `scheme://…` or scp-like `host:path` (a colon before any slash), as git reads them.
    static func isURL(_ source: String) -> Bool {
        if source.contains("://") { return true }
        guard let colon = source.firstIndex(of: ":") else { return false }
        return !source[..<colon].contains("/") && source.first != "."
    }

    static func defaultName(of source: String) -> String {
        var last = Substring(source)
        while last.hasSuffix("/") { last = last.dropLast() }
        if let separator = last.lastIndex(where: { $0 == "/" || $0 == ":" }) { last = last[last.index(after: separator)...] }
        if last.hasSuffix(".git") { last = last.dropLast(4) }
        return String(last.map { isNameCharacter($0) ? $0 : "-" })
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && name.allSatisfy(isNameCharacter)
    }

    private static func isNameCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "._-".contains(character))
    }
}
