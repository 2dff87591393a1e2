import RekeyAnalysis

/// The rest of the project, for a pass whose fix changes names other files use (a function that
/// gains a parameter, a module-level key that goes away). The engine provides it in a second,
/// sequential phase, and only when another file of the run imports the module concerned.
public protocol ProjectView: AnyObject {
    /// Analysed contexts of the other files of the run that import `module` (as the file at
    /// `definer` defines it) or something in it and spell `name` as a word: a file can only
    /// reach `module.name` by spelling it, so the others need not be parsed. When two files of
    /// the run define `module`, a file reaching the other is not among them.
    func files(importing module: String, definedIn definer: String, spelling name: String, except path: String) -> [FileContext]
}

extension FileContext {
    /// The package relative imports in this file start from.
    public var package: String { ModuleImports.package(of: path, moduleName: moduleName) }

    /// `name` as an absolute dotted name: relative imports (`.layers.Dense`) resolved.
    func absolute(_ name: String) -> String {
        name.hasPrefix(".") ? ModuleImports.resolve(name, package: package) : name
    }
}
