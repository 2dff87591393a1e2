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
    /// Which file defining a module each file reaches, where several define it.
    let definitions: ModuleDefinitions
    let aliases: NamespaceAliases

    /// `models`: files already parsed from their current text, by index; `unchanged`: the texts
    /// of `states`. The findings guarded are shared among `jobs` workers one by one (a file may
    /// hold most of them), each worker with its own view of the project over one cache of
    /// parses, kept while the guard runs.
    func settle(
        _ states: inout [Engine.FileState], models: [Int: SemanticModel] = [:], unchanged: Engine.UnchangedProject, jobs: Int?
    ) {
        let found = states.indices.flatMap { index in
            states[index].findings.indices
                .filter { Self.changesSharedNames(states[index].findings[$0]) }
                .map { (index: index, position: $0) }
        }
        guard !found.isEmpty else { return }
        // Findings of one file need the same files parsed: taken in turn from each file, the
        // workers seldom wait on each other's parse.
        let guarded = inTurn(found, byGroup: \.index)
        let parsed = unchanged.parses(budget: .max)
        let snapshot = states
        let importers = ImporterIndex(snapshot)
        let settled = parallelMap(
            guarded, workers: jobs,
            makeState: {
                ProjectFiles(
                    states: snapshot, settings: settings, grammar: grammar, models: models, texts: unchanged.texts, parsed: parsed,
                    importerIndex: importers, definitions: definitions, aliases: aliases, words: unchanged.words)
            }
        ) { project, item in
            let (finding, folder) = (snapshot[item.index].findings[item.position], snapshot[item.index].unreadProjectFolder)
            return folder.map { Self.withoutFix(finding, usedIn: $0) } ?? settle(finding, of: item.index, in: project)
        }
        for (item, finding) in zip(guarded, settled) { states[item.index].findings[item.position] = finding }
    }

    /// `finding` of the file at `index`, a fix that changes a name another file uses, planned
    /// again with the project in view, or left for a hand migration naming that file.
    private func settle(_ finding: Finding, of index: Int, in project: ProjectFiles) -> Finding {
        guard let origin = project.context(of: index) else { return finding }
        if let (importer, alias) = project.firstAliasDependent(of: origin, using: finding.touchedSymbols) {
            return finding.withoutFix(
                because:
                    "\(importer) imports this file as `\(alias)` (through a folder without `__init__.py`), a name whose "
                    + "callers rekey does not update; migrate the call sites across files by hand")
        }
        if let use = project.starImportUse(of: origin, using: finding.touchedSymbols) {
            return finding.withoutFix(
                because: "\(use), so which names come from this file is not known; migrate the call sites across files by hand")
        }
        guard let dependent = project.firstDependent(of: origin, using: finding.touchedSymbols) else { return finding }
        let rule = rules.first { $0.code == finding.code }
        project.ambiguity = nil
        let replanned = rule?.replan(finding, in: origin, project: project)
        if let (importer, module) = project.ambiguity {
            let definitions = project.definitions.definitions(of: module).joined(separator: ", ")
            return finding.withoutFix(
                because:
                    "`\(module)` is defined by more than one file of this run (\(definitions)), and which one \(importer) "
                    + "imports depends on how it is run; migrate the call sites across files by hand")
        }
        return replanned
            ?? finding.withoutFix(
                because:
                    "`\(dependent.symbol)` is also used by \(dependent.path), which imports `\(origin.moduleName)`; "
                    + "migrate the call sites across files by hand")
    }

    /// `finding` left for a hand migration: its file is in `folder`, which has no project marker
    /// and too many files to read for those using the names the fix changes.
    private static func withoutFix(_ finding: Finding, usedIn folder: String) -> Finding {
        let names = finding.touchedSymbols.sorted().map { "`\($0)`" }.joined(separator: ", ")
        return finding.withoutFix(
            because:
                "no project marker (\(ProjectRoot.markers.joined(separator: ", "))) is above this file, and \(folder) holds "
                + "over \(ProjectRoot.looseFolderLimit) Python files, too many to read for those using \(names); "
                + "add a marker at the project's top folder, or migrate the call sites by hand")
    }

    /// Whether `finding`'s fix changes names other files may use: the findings the guard settles.
    static func changesSharedNames(_ finding: Finding) -> Bool {
        finding.fix != nil && !finding.touchedSymbols.isEmpty
    }
}

/// The run's files as a ``ProjectView``: each parsed and analysed on first need, from its text as
/// it stands (rewritten by earlier fix rounds, or as read), unless the engine has its model or
/// the shared parses hold it.
final class ProjectFiles: ProjectView {
    private let states: [Engine.FileState]
    private var contexts: [Int: FileContext] = [:]
    /// The files that may import each module asked about, by index (see ``importerCandidates(of:)``).
    private var importers: [String: [Int]] = [:]
    private let importerIndex: ImporterIndex
    let definitions: ModuleDefinitions
    private let aliases: NamespaceAliases
    /// The first file met (with the module) that may reach another file defining a module asked
    /// about as well as the one asked about: the files found for that module may then not be
    /// the ones the plan must cover. Cleared by the guard for each finding it settles.
    var ambiguity: (importer: String, module: String)?
    /// Trees of the files whose context was asked for. A file read only for its imports is not
    /// kept (see ``ParsedTexts/importedModules(_:parser:)``): most are never asked for more, and
    /// a tree takes some thirty times its text.
    private var trees: [Int: SyntaxTree] = [:]
    /// Models the engine made from the files' current texts.
    private let models: [Int: SemanticModel]
    /// Each file's text as it stands, by index, and the parses of them the workers share.
    private let texts: [SourceText?]
    private let parsed: ParsedTexts
    private let parser: PythonParser

    /// Each file's project settings, as the engine read them.
    private let settings: (String) -> ProjectSettings
    /// What some files spell (those the prefilter skipped, whose text the guard asks about most),
    /// so a word is looked up rather than searched for in the text each time.
    private let words: [Int: SpelledWords]

    init(
        states: [Engine.FileState], settings: @escaping (String) -> ProjectSettings, grammar: LoadableGrammar,
        models: [Int: SemanticModel] = [:], texts: [SourceText?], parsed: ParsedTexts, importerIndex: ImporterIndex,
        definitions: ModuleDefinitions, aliases: NamespaceAliases, words: [Int: SpelledWords] = [:]
    ) {
        self.states = states
        self.definitions = definitions
        self.aliases = aliases
        self.words = words
        self.importerIndex = importerIndex
        parser = PythonParser(grammar)
        self.settings = settings
        self.models = models.filter { index, model in model.source === states[index].current }
        self.texts = texts
        self.parsed = parsed
    }

    func files(importing module: String, definedIn definer: String, spelling name: String, except path: String) -> [FileContext] {
        let word = SpelledWords.Word(name)
        return importerCandidates(of: module)
            .filter { states[$0].path != path && spells($0, word) && reaches($0, module, definer) }
            .compactMap(context(of:))
    }

    /// The first other file that imports `origin`'s module (or may) and spells one of `symbols`.
    func firstDependent(of origin: FileContext, using symbols: Set<String>) -> (path: String, symbol: String)? {
        let words = symbols.sorted().map { ($0, SpelledWords.Word($0)) }
        for index in importerCandidates(of: origin.moduleName) where states[index].path != origin.path {
            if let (symbol, _) = words.first(where: { spells(index, $0.1) }),
                definitions.resolution(of: origin.moduleName, from: states[index].path, definedIn: origin.path) != .other,
                importsModule(index, origin.moduleName)
            {
                return (states[index].path, symbol)
            }
        }
        return nil
    }

    /// The first other file that imports `origin` by another name than its module's (see
    /// ``NamespaceAliases``) and spells one of `symbols`, with that name.
    func firstAliasDependent(of origin: FileContext, using symbols: Set<String>) -> (path: String, alias: String)? {
        let words = symbols.map(SpelledWords.Word.init)
        for alias in aliases.of(origin.path, module: origin.moduleName) {
            for index in importerCandidates(of: alias) where states[index].path != origin.path {
                if words.contains(where: { spells(index, $0) }), importsModule(index, alias) { return (states[index].path, alias) }
            }
        }
        return nil
    }

    /// Why a file that imports every name (`from m import *`) of `origin`'s module or of a
    /// package above it (which may re-export them) may use one of `symbols`: it spells one, or it
    /// is a package's `__init__.py` and a file importing that package spells one. Nil when none may.
    func starImportUse(of origin: FileContext, using symbols: Set<String>) -> String? {
        let words = symbols.map(SpelledWords.Word.init)
        func spellsSymbol(_ index: Int) -> Bool { words.contains { spells(index, $0) } }
        let modules = ModuleImports.packages(above: origin.moduleName) + [origin.moduleName]
        for module in modules {
            for index in importerCandidates(of: module) where states[index].path != origin.path {
                // An `__init__.py` hands the names on without spelling them.
                let isPackage = PathText.lastComponent(of: states[index].path) == "__init__.py"
                guard isPackage || spellsSymbol(index), Prefilter.mayImportEveryName(bytes(of: index)), importsModule(index, module),
                    let other = context(of: index),
                    ModuleImports.starImported(other.model.tree.root, package: other.package).contains(module)
                else { continue }
                let importer = "\(states[index].path) imports every name of `\(module)` (`from \(module) import *`)"
                if spellsSymbol(index) { return importer }
                if let user = importerCandidates(of: other.moduleName).first(where: { user in
                    user != index && states[user].path != origin.path && spellsSymbol(user) && importsModule(user, other.moduleName)
                }) {
                    return "\(states[user].path) imports `\(other.moduleName)`, and \(importer)"
                }
            }
        }
        return nil
    }

    /// Whether the file at `index` imports `module` as the file at `definer` defines it (asked
    /// before whether it imports the module at all, which may take a parse). One that imports
    /// it and may reach another definition as well is left out and noted in ``ambiguity``.
    private func reaches(_ index: Int, _ module: String, _ definer: String) -> Bool {
        let resolution = definitions.resolution(of: module, from: states[index].path, definedIn: definer)
        guard resolution != .other, importsModule(index, module) else { return false }
        if resolution == .ambiguous {
            ambiguity = ambiguity ?? (states[index].path, module)
            return false
        }
        return true
    }

    /// The files that may import `module`, in index order: each spells the module's last name,
    /// and either was analysed and imports it, or was not and the scan made on reading it does
    /// not rule it out (``ImporterIndex``). Whether one of the latter imports it takes a parse
    /// (``importsModule(_:_:)``), so it is asked last, of the files still wanted.
    private func importerCandidates(of module: String) -> [Int] {
        if let known = importers[module] { return known }
        let word = SpelledWords.Word(module.split(separator: ".").last.map(String.init) ?? module)
        let candidates = importerIndex.mayImport(module).filter { spells($0, word) }
        importers[module] = candidates
        return candidates
    }

    /// Whether a file among ``importerCandidates(of:)`` imports `module` or a module inside it:
    /// known for a file analysed; for another, as its parse says (``ModuleImports/imported``),
    /// false when it does not parse cleanly (it has no context either).
    private func importsModule(_ index: Int, _ module: String) -> Bool {
        isAnalysed(index)
            || texts[index].flatMap { parsed.importedModules($0, parser: parser) }?.contains(where: {
                ModuleImports.is($0, withinModule: module)
            }) == true
    }

    private func isAnalysed(_ index: Int) -> Bool {
        Self.isAnalysed(states[index])
    }

    static func isAnalysed(_ state: Engine.FileState) -> Bool {
        state.parsed && state.current != nil
    }

    func context(of index: Int) -> FileContext? {
        if let known = contexts[index] { return known }
        let state = states[index]
        guard let tree = tree(of: index), !tree.hasError else { return nil }
        let moduleName = state.moduleName.isEmpty ? ModuleImports.moduleName(forFile: state.path) : state.moduleName
        let context = FileContext(
            path: state.path, model: models[index] ?? sharedModel(of: index) ?? SemanticModel(tree: tree), moduleName: moduleName,
            settings: settings(state.path), isScript: state.isScript)
        contexts[index] = context
        return context
    }

    private func spells(_ index: Int, _ word: SpelledWords.Word) -> Bool {
        SpelledWords.spell(bytes(of: index), word, known: words[index])
    }

    private func bytes(of index: Int) -> [UInt8] {
        states[index].current?.bytes ?? states[index].original
    }

    private func tree(of index: Int) -> SyntaxTree? {
        if let known = trees[index] ?? models[index]?.tree { return known }
        trees[index] = sharedModel(of: index)?.tree
        return trees[index]
    }

    /// The shared model of the file, parsed and kept there if need be (nil for a text with errors).
    private func sharedModel(of index: Int) -> SemanticModel? {
        texts[index].flatMap { parsed.model($0, parser: parser) }
    }
}

/// The files that may import a module, by index in the engine's states, made once for all the
/// guard's workers. Each module a file imports is listed with each package above it, as importing
/// `a.b.c` imports `a.b` and `a`: the modules an analysed file's parse found, and those the scan
/// made on reading found of a file the prefilter skipped. A file whose imports neither told may
/// import any module. Looked up, not searched for in every file each time, which grew with the
/// files times the modules asked about.
struct ImporterIndex: Sendable {
    private let analysed: [String: [Int]]
    private let scanned: [String: [Int]]
    private let unknown: [Int]

    init(_ states: [Engine.FileState]) {
        var analysed: [String: [Int]] = [:]
        var scanned: [String: [Int]] = [:]
        var unknown: [Int] = []
        // A file's names are added together, so one added twice (a package above two of its
        // imports) is the list's last already.
        func add(_ index: Int, importing modules: Set<String>, to table: inout [String: [Int]]) {
            func add(_ name: String) {
                if let found = table.index(forKey: name) {
                    if table.values[found].last != index { table.values[found].append(index) }
                } else {
                    table[name] = [index]
                }
            }
            for module in modules {
                add(module)
                ModuleImports.packages(above: module).forEach(add)
            }
        }
        for (index, state) in states.enumerated() {
            if ProjectFiles.isAnalysed(state) {
                add(index, importing: state.importedModules, to: &analysed)
            } else if let imports = state.scannedImports {
                add(index, importing: imports, to: &scanned)
            } else {
                unknown.append(index)
            }
        }
        (self.analysed, self.scanned, self.unknown) = (analysed, scanned, unknown)
    }

    /// The files that import `module` or may, in index order.
    func mayImport(_ module: String) -> [Int] {
        ((analysed[module] ?? []) + (scanned[module] ?? []) + unknown).sorted()
    }
}
