import RekeyAnalysis
import RekeyRules
import RekeySyntax

/// Fixes that change names other files use, settled with the whole run in view.
///
/// A per-file fix that removes a module-level key or adds a parameter to a function lists the
/// names it changes. When another file of the run imports one of them, the rule plans the fix
/// again with a ``ProjectView`` so it covers that file too; a rule that cannot (or a plan that
/// fails) leaves a hand-migration finding naming the dependent file. Only files that spell the
/// changed module's name are looked at, and only those are parsed, so the common case (no fix
/// changes a name another file uses) costs nothing.
struct CrossFileGuard {
    let rules: [any Rule]
    let settings: (String) -> ProjectSettings
    let grammar: LoadableGrammar

    /// `models`: files already parsed from their current text, by index.
    func settle(_ states: inout [Engine.FileState], models: [Int: SemanticModel] = [:]) {
        let project = ProjectFiles(states: states, settings: settings, grammar: grammar, models: models)
        for index in states.indices {
            for (position, finding) in states[index].findings.enumerated() where finding.fix != nil && !finding.touchedSymbols.isEmpty {
                guard let origin = project.context(of: index),
                    let dependent = project.firstDependent(of: origin, using: finding.touchedSymbols)
                else { continue }
                let rule = rules.first { $0.code == finding.code }
                states[index].findings[position] =
                    rule?.replan(finding, in: origin, project: project)
                    ?? finding.withoutFix(
                        because:
                            "`\(dependent.symbol)` is also used by \(dependent.path), which imports `\(origin.moduleName)`; "
                            + "migrate the call sites across files by hand")
            }
        }
    }
}

/// The run's files as a ``ProjectView``: each parsed and analysed on first need, from its text as
/// it stands (rewritten by earlier fix rounds, or as read), unless the engine has its model.
final class ProjectFiles: ProjectView {
    private let states: [Engine.FileState]
    private var contexts: [Int: FileContext] = [:]
    private var imports: [Int: ModuleImports] = [:]
    /// Each file is parsed at most once, whether first for its imports or for its context.
    private var trees: [Int: SyntaxTree] = [:]
    /// Models the engine made from the files' current texts.
    private let models: [Int: SemanticModel]
    private let parser: PythonParser

    /// Each file's project settings, as the engine read them.
    private let settings: (String) -> ProjectSettings

    init(
        states: [Engine.FileState], settings: @escaping (String) -> ProjectSettings, grammar: LoadableGrammar,
        models: [Int: SemanticModel] = [:]
    ) {
        self.states = states
        parser = PythonParser(grammar)
        self.settings = settings
        self.models = models.filter { index, model in model.source === states[index].current }
    }

    func files(importing module: String, except path: String) -> [FileContext] {
        let word = Array((module.split(separator: ".").last.map(String.init) ?? module).utf8)
        return states.indices.compactMap { index in
            guard states[index].path != path, Prefilter.containsWord(bytes(of: index), word),
                importSummary(of: index)?.imports(module) == true
            else { return nil }
            return context(of: index)
        }
    }

    /// The first other file that imports `origin`'s module and spells one of `symbols`.
    func firstDependent(of origin: FileContext, using symbols: Set<String>) -> (path: String, symbol: String)? {
        for other in files(importing: origin.moduleName, except: origin.path) {
            let bytes = other.source.bytes
            if let symbol = symbols.sorted().first(where: { Prefilter.containsWord(bytes, Array($0.utf8)) }) {
                return (other.path, symbol)
            }
        }
        return nil
    }

    func context(of index: Int) -> FileContext? {
        if let known = contexts[index] { return known }
        let state = states[index]
        guard let tree = tree(of: index), !tree.hasError else { return nil }
        let moduleName = state.moduleName.isEmpty ? ModuleImports.moduleName(forFile: state.path) : state.moduleName
        let context = FileContext(
            path: state.path, model: models[index] ?? SemanticModel(tree: tree), moduleName: moduleName,
            settings: settings(state.path), isScript: state.isScript)
        contexts[index] = context
        return context
    }

    private func bytes(of index: Int) -> [UInt8] {
        states[index].current?.bytes ?? states[index].original
    }

    private func tree(of index: Int) -> SyntaxTree? {
        if let known = trees[index] ?? models[index]?.tree { return known }
        let state = states[index]
        guard let source = state.current ?? (try? SourceText(path: state.path, bytes: state.original)),
            let tree = try? parser.parseWithinLimits(source)
        else { return nil }
        trees[index] = tree
        return tree
    }

    private func importSummary(of index: Int) -> ModuleImports? {
        if let known = imports[index] { return known }
        guard let tree = tree(of: index) else { return nil }
        imports[index] = ModuleImports(path: states[index].path, tree: tree)
        return imports[index]
    }
}
