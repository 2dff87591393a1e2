import RekeyAnalysis
import RekeySyntax

/// A library's public surface: names code outside the tree may use. Changing their signature (or
/// removing a module-level key) breaks callers rekey cannot see, so such a fix is never safe, and
/// the fix report names each one.
///
/// Public: a function, method or class whose own name and enclosing classes' names do not start
/// with `_` (dunders like `__init__` belong to their class), defined at module or class level in
/// a package module, outside tests, examples and other non-library folders; or a name the module
/// lists in `__all__`. A module being private (`_src/`) does not make its names private: packages
/// re-export them.
enum PublicSurface {
    static let nonLibraryFolders: Set<String> = [
        "test", "tests", "testing", "example", "examples", "doc", "docs", "script", "scripts", "benchmark",
        "benchmarks", "notebook", "notebooks", "tutorial", "tutorials", "demo", "demos",
    ]

    /// The dotted name of `scope` if it is public (`pkg.ssm.SSM.fit`; a class's `__init__` is the class).
    static func publicName(of scope: Scope, in file: FileContext) -> String? {
        guard isLibraryFile(file) else { return nil }
        var names: [String] = []
        var current: Scope? = scope
        while let candidate = current, candidate.kind != .module {
            guard candidate.kind == .function || candidate.kind == .classBody, let name = candidate.name else { return nil }
            // A function inside a function is local; a method is reached through its class.
            if candidate.kind == .function, candidate !== scope { return nil }
            names.insert(name, at: 0)
            current = candidate.parent
        }
        if names.last == "__init__" { names.removeLast() }
        guard let top = names.first else { return nil }
        let isPrivate = names.contains { $0.hasPrefix("_") && !($0.hasPrefix("__") && $0.hasSuffix("__")) }
        guard !isPrivate || exported(by: file.model).contains(top) else { return nil }
        return ([file.moduleName] + names).joined(separator: ".")
    }

    /// The dotted name of a module-level variable if it is public.
    static func publicName(ofGlobal name: String, in file: FileContext) -> String? {
        guard isLibraryFile(file), !name.hasPrefix("_") || exported(by: file.model).contains(name) else { return nil }
        return file.moduleName + "." + name
    }

    /// A module of a package, outside tests, examples and the like.
    static func isLibraryFile(_ file: FileContext) -> Bool {
        let components = file.path.split(separator: "/").map { $0.lowercased() }
        guard let fileName = components.last, fileName.hasSuffix(".py") else { return false }
        let stem = fileName.dropLast(3)
        let inPackage = file.moduleName.contains(".") || stem == "__init__"
        let isTestModule =
            stem == "conftest" || stem.hasPrefix("test_") || stem.hasSuffix("_test") || stem.hasSuffix("_tests")
            || stem.contains("_test_") || stem.contains("testing")
        return inPackage && !isTestModule && !components.dropLast().contains { nonLibraryFolders.contains(String($0)) }
    }

    /// " (changes the public API: `a`, `b`)" for a fix title, or nothing.
    static func titleSuffix(_ names: [String]) -> String {
        names.isEmpty ? "" : " (changes the public API: " + names.map { "`\($0)`" }.joined(separator: ", ") + ")"
    }

    /// The names in the module's `__all__` (a list or tuple of string literals).
    static func exported(by model: SemanticModel) -> Set<String> {
        var names = Set<String>()
        for binding in model.moduleScope.bindings["__all__"] ?? [] {
            guard let value = binding.value ?? binding.site.child(.right) else { continue }
            for item in value.namedChildren where item.nodeKind == .string {
                names.insert(item.namedChildren.filter { $0.nodeKind == .stringContent }.map(\.text).joined())
            }
        }
        return names
    }
}
