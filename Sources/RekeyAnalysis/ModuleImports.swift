import Foundation
import RekeySyntax

/// Module-level facts that cross files: a file's dotted module name, and every module it imports.
/// These per-file summaries are what the project-wide checks merge, so no file needs another
/// file's tree.
public struct ModuleImports: Sendable {
    public let moduleName: String
    /// Absolute dotted names this file imports; relative imports are resolved. For
    /// `from a.b import c` both `a.b` and `a.b.c` are listed (`c` may be a submodule).
    public let imported: Set<String>

    /// `moduleName`: the file's, when the caller already knows it (finding it asks the file
    /// system about every directory up the tree).
    public init(path: String, tree: SyntaxTree, moduleName: String? = nil) {
        self.moduleName = moduleName ?? ModuleImports.moduleName(forFile: path)
        imported = ModuleImports.collect(tree.root, package: ModuleImports.package(of: path, moduleName: self.moduleName))
    }

    /// Whether this file imports `module` or something inside it.
    public func imports(_ module: String) -> Bool {
        imported.contains { Self.is($0, withinModule: module) }
    }

    /// Whether the dotted name `name` is `module` or a name inside it (`a.b.c` is within `a.b`;
    /// `a.bc` is not).
    public static func `is`(_ name: String, withinModule module: String) -> Bool {
        name == module || name.hasPrefix(module + ".")
    }

    /// The packages above the dotted name `module`, innermost last (`a.b.c` → `a`, `a.b`).
    /// Found in its UTF-8 bytes, which cost less than characters: a dotted name has a name after
    /// each `.`, and a name never starts with a mark that would join the dot into one character.
    public static func packages(above module: String) -> [String] {
        var module = module
        return module.withUTF8 { bytes in
            bytes.indices.filter { bytes[$0] == UInt8(ascii: ".") }.map { end in
                String(decoding: UnsafeBufferPointer(rebasing: bytes[..<end]), as: UTF8.self)
            }
        }
    }

    /// `pkg/sub/mod.py` → `pkg.sub.mod` when `pkg/` and `pkg/sub/` are packages (have an
    /// `__init__.py`); a file outside any package is a top-level module named by its stem.
    public static func moduleName(forFile path: String) -> String {
        ModuleNames().of(path)
    }

    /// The package relative imports in `path` start from: the module itself for an `__init__.py`.
    public static func package(of path: String, moduleName: String) -> String {
        // A file's path, never ending in `/`: its name is what follows the last one.
        if path == "__init__.py" || path.hasSuffix("/__init__.py") { return moduleName }
        // Split by bytes, which cost less than characters (see `ImportedModules`).
        return moduleName.utf8.split(separator: UInt8(ascii: ".")).dropLast().map { String(decoding: $0, as: UTF8.self) }
            .joined(separator: ".")
    }

    private static func collect(_ node: Node, package: String) -> Set<String> {
        var result = Set<String>()
        func visit(_ node: Node) {
            switch node.nodeKind {
            case .importStatement:
                for name in node.children(.name) {
                    let module = name.nodeKind == .aliasedImport ? name.child(.name) : name
                    if let module { result.insert(module.text) }
                }
            case .importFromStatement:
                guard let module = node.child(.moduleName) else { return }
                let base = resolve(module.textWithoutWhitespace, package: package)
                result.insert(base)
                for name in node.children(.name) {
                    let imported = name.nodeKind == .aliasedImport ? name.child(.name) : name
                    if let imported { result.insert(base.isEmpty ? imported.text : base + "." + imported.text) }
                }
            case .functionDefinition, .classDefinition, .decoratedDefinition, .block, .module,
                .ifStatement, .tryStatement, .withStatement, .elseClause, .elifClause,
                .exceptClause, .exceptGroupClause, .finallyClause, .forStatement, .whileStatement,
                .matchStatement, .caseClause:
                node.forEachNamedChild(visit)
            default:
                break
            }
        }
        visit(node)
        return result
    }

    /// The modules a file imports every public name of (`from m import *`), resolved against
    /// `package`. Python allows such an import only outside functions and classes.
    public static func starImported(_ root: Node, package: String) -> [String] {
        var result: [String] = []
        func visit(_ node: Node) {
            switch node.nodeKind {
            case .importFromStatement:
                guard node.namedChildren.contains(where: { $0.nodeKind == .wildcardImport }),
                    let module = node.child(.moduleName)
                else { return }
                result.append(resolve(module.textWithoutWhitespace, package: package))
            case .module, .block, .ifStatement, .tryStatement, .withStatement, .elseClause, .elifClause, .exceptClause,
                .exceptGroupClause, .finallyClause, .forStatement, .whileStatement, .matchStatement, .caseClause:
                node.forEachNamedChild(visit)
            default:
                break
            }
        }
        visit(root)
        return result
    }

    /// `..models` inside package `app.api` → `app.models`.
    public static func resolve(_ module: String, package: String) -> String {
        let dots = module.prefix { $0 == "." }.count
        guard dots > 0 else { return module }
        var base = package.split(separator: ".").map(String.init)
        base.removeLast(min(dots - 1, base.count))
        let rest = module.dropFirst(dots)
        return (base + (rest.isEmpty ? [] : [String(rest)])).joined(separator: ".")
    }
}

/// ``ModuleImports/moduleName(forFile:)`` remembered per file, and each directory's package per
/// directory, for a run that asks about many files (each directory up the tree is a question to
/// the file system), while the packages stay as they are. Safe to share between threads.
public final class ModuleNames: @unchecked Sendable {
    private let lock = NSLock()
    private var names: [String: String] = [:]
    /// By standardized directory path: its package's dotted parts, empty when it is no package.
    private var packages: [String: [String]] = [:]
    /// Where relative paths start: read once, not once a file (rekey never changes it).
    private let workingDirectory = FileManager.default.currentDirectoryPath

    public init() {}

    public func of(_ path: String) -> String {
        if let known = lock.withLock({ names[path] }) { return known }
        var components = Self.standardizedComponents(path, from: workingDirectory)
        let stem = Self.stem(components.popLast() ?? "")
        let name = (packageParts(components[...]) + (stem == "__init__" ? [] : [stem])).joined(separator: ".")
        lock.withLock { names[path] = name }
        return name
    }

    /// The components of `path` made absolute (from `workingDirectory`), with `.`, `..` and
    /// empty components taken out as `URL.standardizedFileURL` takes them (without following
    /// links); none for the root.
    public static func standardizedComponents(
        _ path: String, from workingDirectory: String = FileManager.default.currentDirectoryPath
    ) -> [Substring] {
        let absolute = path.hasPrefix("/") ? path : workingDirectory + "/" + path
        var components: [Substring] = []
        for component in absolute.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..": _ = components.popLast()
            default: components.append(component)
            }
        }
        return components
    }

    /// A file name without its extension: what follows its last `.`, unless that dot starts the
    /// name or ends it (`.hidden`, `a.`), as `URL.deletingPathExtension` reads it.
    static func stem(_ name: Substring) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex, name.index(after: dot) != name.endIndex else {
            return String(name)
        }
        return String(name[..<dot])
    }

    /// The package parts of the directory with these components (the root is no package).
    private func packageParts(_ directory: ArraySlice<Substring>) -> [String] {
        guard let last = directory.last else { return [] }
        let path = "/" + directory.joined(separator: "/")
        if let known = lock.withLock({ packages[path] }) { return known }
        var parts: [String] = []
        if FileManager.default.fileExists(atPath: path + "/__init__.py") {
            parts = packageParts(directory.dropLast()) + [String(last)]
        }
        lock.withLock { packages[path] = parts }
        return parts
    }
}

/// The modules some file imports, asked whether a module is imported itself or through one of its
/// submodules (`import a.b.c` imports `a.b` and `a`). Each imported name is held with every dotted
/// prefix of it, so the question is one lookup, not a scan of every import of the project (which
/// each file that looks like a script asked, and which grew with the square of the tree).
public struct ImportedModules: Sendable {
    private let modulesAndPackages: Set<String>

    /// `imports`: an array, not any sequence, so the loop is compiled for it here rather than
    /// stepped through a generic iterator from another module, which cost more than the inserts.
    public init(_ imports: [String]) {
        var names = Set<String>()
        for name in imports where names.insert(name).inserted {
            names.formUnion(ModuleImports.packages(above: name))
        }
        modulesAndPackages = names
    }

    /// Whether `module` is imported, or a module below it (`module.x`) is: whether some import
    /// ``ModuleImports/is(_:withinModule:)`` it.
    public func contains(moduleOrParent module: String) -> Bool { modulesAndPackages.contains(module) }
}
