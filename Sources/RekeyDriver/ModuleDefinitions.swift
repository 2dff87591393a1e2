import Foundation
import RekeyAnalysis

/// Module names that more than one file of the run defines, and which of those files an
/// importer reaches. Two repositories checked in one run, or two example folders each with its
/// own `utils.py` beside its script, define one name twice; Python finds the one on the
/// importer's own path (the script's folder, its project's top folder). So of the definitions'
/// top folders (where a module's dotted name starts), the deepest that holds the importer wins,
/// and when none holds it, the one sharing the most folders with it; a tie leaves the importer
/// able to reach either. A name that one file defines resolves to that file. Safe to share
/// between threads.
final class ModuleDefinitions: @unchecked Sendable {
    private struct Definition: Sendable {
        let path: String
        /// The folder the module's dotted name starts from, as components.
        let top: [Substring]
    }

    /// Which definition of a module an importer reaches.
    enum Resolution {
        /// The definition asked about.
        case definer
        /// Another file defining the same name.
        case other
        /// As near to the importer as another definition: the importer may reach either.
        case ambiguous
    }

    /// Only the names defined more than once, each with its definitions in the run's order.
    private let duplicated: [String: [Definition]]
    /// Each importer's folder, as components, by path: an importer is asked about again and again.
    private var folders: [String: ArraySlice<Substring>] = [:]
    private let lock = NSLock()

    convenience init(_ states: [Engine.FileState]) {
        self.init(modules: states.map { ($0.path, $0.moduleName) })
    }

    /// `modules`: each file's path and dotted module name ("" for none).
    init(modules: [(path: String, module: String)]) {
        var paths: [String: [String]] = [:]
        for (path, module) in modules where !module.isEmpty { paths[module, default: []].append(path) }
        var duplicated: [String: [Definition]] = [:]
        for (module, paths) in paths where paths.count > 1 {
            duplicated[module] = paths.map { Definition(path: $0, top: Self.top(ofModuleIn: $0, named: module)) }
        }
        self.duplicated = duplicated
    }

    /// Whether more than one file defines `module`.
    func isDuplicated(_ module: String) -> Bool { duplicated[module] != nil }

    /// The files defining `module`, when there are several.
    func definitions(of module: String) -> [String] { duplicated[module]?.map(\.path) ?? [] }

    /// Which definition of `module` the file at `importer` reaches, asked of the one at `definer`.
    func resolution(of module: String, from importer: String, definedIn definer: String) -> Resolution {
        guard importer != definer, let reached = nearest(of: module, to: importer) else { return .definer }
        guard reached.contains(definer) else { return .other }
        return reached.count == 1 ? .definer : .ambiguous
    }

    /// The file defining `module` that the file at `importer` reaches, when several define it:
    /// nil when fewer than two do (a name one file defines is looked up by name), or when the
    /// importer may reach more than one.
    func reached(_ module: String, from importer: String) -> String? {
        reached(from: importer)(module)
    }

    /// ``reached(_:from:)`` for the many modules one importer imports, its folder read once.
    func reached(from importer: String) -> (String) -> String? {
        var folder: ArraySlice<Substring>?
        return { module in
            guard let definitions = self.duplicated[module] else { return nil }
            if folder == nil { folder = self.folder(of: importer) }
            let reached = Self.nearest(definitions, to: folder!)
            return reached.count == 1 ? reached[0] : nil
        }
    }

    /// The definitions of `module` nearest the file at `importer` (several when as near), or nil
    /// when at most one file defines it.
    private func nearest(of module: String, to importer: String) -> [String]? {
        guard let definitions = duplicated[module] else { return nil }
        return Self.nearest(definitions, to: folder(of: importer))
    }

    /// Of `definitions`, those whose top folder holds `folder` most deeply, else shares the most
    /// folders with it.
    private static func nearest(_ definitions: [Definition], to folder: ArraySlice<Substring>) -> [String] {
        var best = (holdsImporter: false, shared: -1)
        var paths: [String] = []
        for definition in definitions {
            var shared = 0
            for (mine, theirs) in zip(folder, definition.top) {
                guard mine == theirs else { break }
                shared += 1
            }
            let holdsImporter = shared == definition.top.count
            if (holdsImporter, shared) == best {
                paths.append(definition.path)
            } else if !best.holdsImporter && holdsImporter || best.holdsImporter == holdsImporter && shared > best.shared {
                best = (holdsImporter, shared)
                paths = [definition.path]
            }
        }
        return paths
    }

    /// The importer's folder, as components: made once per importer, which is asked about again
    /// and again.
    private func folder(of importer: String) -> ArraySlice<Substring> {
        if let known = lock.withLock({ folders[importer] }) { return known }
        let folder = ModuleNames.standardizedComponents(importer).dropLast()
        lock.withLock { folders[importer] = folder }
        return folder
    }

    /// The folder above the packages of `module`, defined by the file at `path`: `src` for
    /// `src/pkg/mod.py` as `pkg.mod`, and for `src/pkg/__init__.py` as `pkg`.
    private static func top(ofModuleIn path: String, named module: String) -> [Substring] {
        let folder = ModuleNames.standardizedComponents(path).dropLast()
        let packages = module.split(separator: ".").count - (PathText.lastComponent(of: path) == "__init__.py" ? 0 : 1)
        return Array(folder.dropLast(packages))
    }
}
