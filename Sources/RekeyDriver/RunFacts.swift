import RekeyAnalysis
import RekeyRules

/// The key facts the run's files export, as each file is to see them. A module one file defines
/// tells every importer its facts (where two modules export one name, the first's). Of a module
/// several files define (see ``ModuleDefinitions``), every importer is told what the
/// definitions all export alike, and an importer reaching one of them is also told the rest of
/// that one's.
struct RunFacts {
    /// What every file is told.
    let shared: ProjectFacts
    /// Everything exported (a name the definitions of a module export differently, as the
    /// first has it): which names changed between two rounds.
    let all: ProjectFacts
    /// Each definition's own facts, by path, of the modules whose definitions export different ones.
    private let byDefinition: [String: ProjectFacts]
    /// Those modules.
    private let differing: Set<String>
    private let definitions: ModuleDefinitions

    /// The facts `states` export. (A file the prefilter skipped exports nothing.)
    init(_ states: [Engine.FileState], definitions: ModuleDefinitions) {
        self.definitions = definitions
        var sharing: [String: [Int]] = [:]
        for (index, state) in states.enumerated() where definitions.isDuplicated(state.moduleName) {
            sharing[state.moduleName, default: []].append(index)
        }
        typealias Facts = (summaries: [String: FunctionKeySummary], keys: Set<String>)
        var shared: Facts = ([:], [])
        var byDefinition: [String: ProjectFacts] = [:]
        var differing = Set<String>()
        func add(_ summaries: [String: FunctionKeySummary], _ keys: Set<String>, to facts: inout Facts) {
            facts.summaries.merge(summaries) { first, _ in first }
            facts.keys.formUnion(keys)
        }
        for (index, state) in states.enumerated() {
            guard let definers = sharing[state.moduleName], definers.count > 1 else {
                add(state.exports, state.exportedKeys, to: &shared)
                continue
            }
            guard definers[0] == index else { continue }
            let others = definers.dropFirst().map { states[$0] }
            guard others.contains(where: { $0.exports != state.exports || $0.exportedKeys != state.exportedKeys }) else {
                add(state.exports, state.exportedKeys, to: &shared)
                continue
            }
            differing.insert(state.moduleName)
            add(
                state.exports.filter { name, summary in others.allSatisfy { $0.exports[name] == summary } },
                state.exportedKeys.filter { key in others.allSatisfy { $0.exportedKeys.contains(key) } }, to: &shared)
            for definer in definers {
                byDefinition[states[definer].path] = ProjectFacts(summaries: states[definer].exports, keys: states[definer].exportedKeys)
            }
        }
        // What differs is the rest of each definition's own facts.
        var all = shared
        for module in differing.sorted() {
            for definer in sharing[module] ?? [] { add(states[definer].exports, states[definer].exportedKeys, to: &all) }
        }
        self.shared = ProjectFacts(summaries: shared.summaries, keys: shared.keys)
        self.all = ProjectFacts(summaries: all.summaries, keys: all.keys)
        self.byDefinition = byDefinition
        self.differing = differing
    }

    /// What `state` is told: ``shared``, unless ``ownFacts(for:)`` says more.
    func facts(for state: Engine.FileState) -> ProjectFacts {
        ownFacts(for: state) ?? shared
    }

    /// What `state` is told beyond ``shared``, with it, when it imports a module whose
    /// definitions export different facts and reaches one of them; else nil.
    func ownFacts(for state: Engine.FileState) -> ProjectFacts? {
        guard !differing.isEmpty else { return nil }
        let imported = differing.filter { state.importedModules.contains($0) || state.scannedImports?.contains($0) == true }.sorted()
        let reached = imported.compactMap { module in definitions.reached(module, from: state.path).flatMap { byDefinition[$0] } }
        guard !reached.isEmpty else { return nil }
        var summaries = shared.summaries
        var keys = shared.keys
        for facts in reached {
            summaries.merge(facts.summaries) { first, _ in first }
            keys.formUnion(facts.keys)
        }
        return ProjectFacts(summaries: summaries, keys: keys)
    }
}
