import RekeyAnalysis
import RekeyRules
import RekeySyntax

/// Withholds fixes that would break another file of the tree.
///
/// A fix that removes a module-level key or adds a parameter to a function changes names other
/// files may use. Migrating those call sites across files is a later pass; until then such a
/// fix is turned into a hand-migration finding naming the dependent file. Only files that spell
/// the changed module's name are looked at, and only those are parsed for their imports, so the
/// common case (no fix changes a name) costs nothing.
struct CrossFileGuard {
    private var importsByPath: [String: ModuleImports] = [:]

    mutating func restrict(_ states: inout [Engine.FileState]) {
        for index in states.indices {
            for (position, finding) in states[index].findings.enumerated() where finding.fix != nil && !finding.touchedSymbols.isEmpty {
                guard let module = imports(of: states[index])?.moduleName,
                      let dependent = firstDependent(of: module, symbols: finding.touchedSymbols,
                                                     excluding: states[index].path, in: states) else { continue }
                states[index].findings[position] = finding.withoutFix(because:
                    "`\(dependent.symbol)` is also used by \(dependent.path), which imports `\(module)`; "
                    + "migrate the call sites across files by hand")
            }
        }
    }

    private mutating func firstDependent(of module: String, symbols: Set<String>, excluding path: String,
                                         in states: [Engine.FileState]) -> (path: String, symbol: String)? {
        let moduleWord = Array((module.split(separator: ".").last.map(String.init) ?? module).utf8)
        for state in states where state.path != path {
            guard Prefilter.containsWord(state.original, moduleWord),
                  let imports = imports(of: state), imports.imports(module) else { continue }
            if let symbol = symbols.sorted().first(where: { Prefilter.containsWord(state.original, Array($0.utf8)) }) {
                return (state.path, symbol)
            }
        }
        return nil
    }

    /// The file's import summary, parsed on first need.
    private mutating func imports(of state: Engine.FileState) -> ModuleImports? {
        if let known = importsByPath[state.path] { return known }
        guard let source = try? SourceText(path: state.path, bytes: state.original),
              let tree = try? PythonParser().parse(source) else { return nil }
        let summary = ModuleImports(path: state.path, tree: tree)
        importsByPath[state.path] = summary
        return summary
    }
}
