import RekeyAnalysis

/// The other names a file may be imported by through folders without an `__init__.py`. Since
/// Python 3.3 such a folder is a namespace package: with the project's top folder on the import
/// path (running a script or pytest from there), `models/mlp.py` is `models.mlp` as well as the
/// `mlp` a script beside it imports, which is the name rekey gives it (see
/// ``ModuleImports/moduleName(forFile:)``). Each folder between the one its name starts from and
/// the project's top folder (see ``ProjectRoot``) gives one more name, while the folders' names
/// are identifiers.
struct NamespaceAliases: Sendable {
    /// Where the project folders are found (and kept, folder by folder).
    let roots: ProjectSettingsCache

    /// The names beside `module` by which the file at `path` may be imported, innermost first.
    func of(_ path: String, module: String) -> [String] {
        guard !module.isEmpty, let root = roots.root(forFile: path).map({ ModuleNames.standardizedComponents($0) }) else {
            return []
        }
        let packages = module.split(separator: ".").count - (PathText.lastComponent(of: path) == "__init__.py" ? 0 : 1)
        var top = ModuleNames.standardizedComponents(path).dropLast().dropLast(packages)
        guard top.count > root.count, top.starts(with: root) else { return [] }
        var aliases: [String] = []
        var name = module
        while top.count > root.count, let outer = top.popLast(), Self.isIdentifier(outer) {
            name = outer + "." + name
            aliases.append(name)
        }
        return aliases
    }

    private static func isIdentifier(_ name: Substring) -> Bool {
        guard let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return false }
        return name.utf8.allSatisfy(Prefilter.isIdentifierByte)
    }
}
