import RekeyAnalysis
import RekeyEdits
import RekeySyntax

/// What both threading passes share: from the places that now need a key, follow every caller
/// (in this file and, with a ``ProjectView``, in the other files of the run) up to the entry
/// points (`__main__` block, test, fixture, `main`). Functions on the way gain a keyword-only key
/// parameter (`rngs: nnx.Rngs` in Flax NNX modules), unless they take a key of their own, which
/// they then split first thing (or an `nnx.Rngs`, which they draw from); entry points create the
/// key from the seed; a context that feeds several consumers splits once before the first of them.
///
/// It is all or nothing: one caller it cannot update (a function used as a value, a call in a
/// loop or at import time, a decorator that may not pass the keyword on) and it plans nothing,
/// saying why.
///
/// Safe when every context has exactly one consumer (each sees the key value it saw before);
/// unsafe when a split was inserted, a caller's own key serves, or keys come from `nnx.Rngs`
/// (the numbers change), or when the seed reads a module attribute that could change after
/// import.
struct KeyThreading: FixPass {
    static let description = PassDescription(
        title: "Threading keys through call sites", rules: ["RK001", "RK003", "RK007", "RK008", "RK009"], fixtureGroup: "THREAD",
        summary: """
            every call of a function or class whose signature changed passes the key, in the same file and \
            across files (`from pkg.mod import f`, `import pkg.mod as m`, relative imports, re-exports, \
            subclasses, `self.method`, `super().__init__`). A caller with a key (or `nnx.Rngs`) of its own \
            splits it (draws from it); other callers gain a parameter in turn, up to an entry point (a test, \
            a fixture, a `__main__` block, `main`) that creates the key from the original seed (an \
            `nnx.Rngs` for an NNX module, with `from flax import nnx` added where the file lacks it; importing a \
            seed constant from the key's module when it names one). Where several files of the run define one \
            module name (two example folders, each with its own `utils.py`), only the callers that reach the \
            fixed file change: the definition in the deepest folder holding the caller, else the nearest; a \
            caller that may reach either leaves the fix to a hand migration, and so does a caller importing \
            the file through a folder without `__init__.py` (`models.mlp` for the `mlp` beside a script).
            """)

    /// The file the key comes from.
    let file: FileContext
    var project: ProjectView?
    /// The key-making call whose arguments seed the entry points, in `file`.
    let seedCall: Node
    /// Where threading starts.
    let start: Start

    struct Start {
        /// Reads of a key (a module-level global) that the contexts reading it now get passed,
        /// in this file or (through imports of it) in others.
        var reads: [(reference: Reference, file: FileContext)] = []
        /// The global being replaced: its reads do not count as names in use.
        var replacedGlobal: String?
        /// Functions that take the key under a name (an `nnx.Rngs` when `takesRngs`): their
        /// callers must now pass it. A class scope stands for its generated `__init__` (a
        /// dataclass's), called by instantiating the class.
        var functions: [(scope: Scope, parameter: String, takesRngs: Bool)] = []
        /// Calls that already hand the key over (they are left alone).
        var passesKey: (Node) -> Bool = { _ in false }
        /// Why a call (in any file) cannot simply gain the keyword, or nil.
        var refusesCall: (Node) -> String? = { _ in nil }
        /// What an entry point calls the key it creates, in order of preference.
        var entryNames: [String] = ["key"]
        /// Blockers the source found itself.
        var blockers: [String] = []
    }

    enum Outcome {
        /// `notes` say where a parameter could not be called `key` (the name was taken);
        /// `publicAPI` names the public functions and globals the plan changes (which makes it unsafe).
        case planned(
            edits: [String: [Edit]], applicability: Applicability, readers: [String], touchedSymbols: Set<String>,
            notes: [String], publicAPI: [String])
        case blocked(reason: String, readers: [String])
    }

    /// Where keys are needed: a function that gains a parameter, or an entry point that creates one.
    private final class KeyContext {
        enum Owner {
            case function(Scope)
            case entry(EntryPoint)
        }

        let owner: Owner
        /// The file the context's code is in.
        let file: FileContext
        /// The key (or `nnx.Rngs`) parameter the function has already: it is split for the new
        /// demands (an `nnx.Rngs` serves them), and the function's callers stay as they are.
        var ownKey: (name: String, isRngs: Bool)?
        /// Reads of the global in this context, all served by one key (they shared one before).
        var directReads: [Node] = []
        /// Calls that must now pass a key: the call and the callee's parameter name.
        var calls: [(call: Node, callee: Scope)] = []

        init(owner: Owner, file: FileContext) {
            self.owner = owner
            self.file = file
        }

        var block: Node? {
            switch owner {
            case .function(let scope): return scope.node.child(.body)
            case .entry(let entry): return entry.block
            }
        }

        var scope: Scope? {
            if case .function(let scope) = owner { return scope }
            if case .entry(.function(let scope)) = owner { return scope }
            return nil
        }

        var demandCount: Int { (directReads.isEmpty ? 0 : 1) + calls.count }
        var firstDemand: Node? {
            (directReads + calls.map(\.call)).min { $0.startByte < $1.startByte }
        }
    }

    private var model: SemanticModel { file.model }

    func plan() -> Outcome {
        var contexts: [KeyContext] = []
        var contextByFunction: [ObjectIdentifier: KeyContext] = [:]
        var contextByEntry: [EntryPoint: KeyContext] = [:]
        var blockers: [String] = []
        var queue: [(scope: Scope, file: FileContext)] = []

        func context(for function: Scope, in file: FileContext) -> KeyContext {
            if let existing = contextByFunction[ObjectIdentifier(function)] { return existing }
            let created = KeyContext(owner: .function(function), file: file)
            created.ownKey = ownKeyParameter(of: function, in: file)
            contextByFunction[ObjectIdentifier(function)] = created
            contexts.append(created)
            if created.ownKey == nil { queue.append((function, file)) }
            return created
        }
        func context(for entry: EntryPoint, in file: FileContext) -> KeyContext {
            if let existing = contextByEntry[entry] { return existing }
            let created = KeyContext(owner: .entry(entry), file: file)
            contextByEntry[entry] = created
            contexts.append(created)
            return created
        }
        /// The context code at `node` in `scope` of `file` belongs to, or a blocker.
        func owningContext(of node: Node, in scope: Scope, of file: FileContext, what: String) -> KeyContext? {
            let place = (file === self.file ? "" : "\(file.path) ") + "line \(node.startPosition.line)"
            if let reason = repeatedExecution(of: node, in: scope) {
                blockers.append("\(what) at \(place), \(reason)")
                return nil
            }
            if let entry = file.model.entryPoint(containing: node, in: scope) { return context(for: entry, in: file) }
            if let function = scope.enclosingFunction { return context(for: function, in: file) }
            blockers.append("\(what) at \(place), at import time")
            return nil
        }

        blockers += start.blockers
        for (reference, readFile) in start.reads {
            owningContext(of: reference.node, in: reference.scope, of: readFile, what: "`\(reference.name)` is read")?
                .directReads.append(reference.node)
        }
        var fixedParameters: [ObjectIdentifier: String] = [:]
        for (function, parameter, _) in start.functions {
            fixedParameters[ObjectIdentifier(function)] = parameter
            queue.append((function, file))
        }
        var processed = Set<ObjectIdentifier>()
        while let (function, functionFile) = queue.popLast() {
            guard processed.insert(ObjectIdentifier(function)).inserted else { continue }
            if fixedParameters[ObjectIdentifier(function)] == nil, let reason = cannotTakeParameter(function, in: functionFile) {
                blockers.append(reason)
                continue
            }
            var uses: [(call: Node, scope: Scope, file: FileContext)] = []
            switch CallSites.uses(of: function, in: functionFile.model) {
            case .failure(let reason): blockers.append(reason.description + (functionFile === file ? "" : " in \(functionFile.path)"))
            case .success(let calls): uses += calls.map { ($0.call, $0.scope, functionFile) }
            }
            if let project {
                switch ProjectUses(project: project).calls(of: function, in: functionFile) {
                case .failure(let reason): blockers.append(reason.description)
                case .success(let calls): uses += calls
                }
            }
            for (call, scope, callFile) in uses where !start.passesKey(call) {
                guard call.child(.arguments)?.nodeKind == .argumentList else {
                    blockers.append("the call at line \(call.startPosition.line) passes a bare generator")
                    continue
                }
                if let refusal = start.refusesCall(call) {
                    blockers.append(refusal + (callFile === file ? "" : " in \(callFile.path)"))
                    continue
                }
                owningContext(of: call, in: scope, of: callFile, what: "`\(function.qualifiedName)` is called")?
                    .calls.append((call, function))
            }
        }

        let readers = contexts.compactMap { context -> String? in
            guard case .function(let scope) = context.owner, !context.directReads.isEmpty else { return nil }
            return "`\(scope.qualifiedName)` (line \(scope.node.startPosition.line))"
        }
        if !blockers.isEmpty {
            return .blocked(reason: unique(blockers).joined(separator: "; "), readers: readers)
        }
        // Names other files may use; with the project in view they were followed already.
        var touched: Set<String> = project == nil ? Set([start.replacedGlobal].compactMap { $0 }) : []
        let changed =
            contexts.compactMap { context -> Scope? in
                guard case .function(let scope) = context.owner, context.file === file else { return nil }
                return scope
            } + start.functions.map(\.scope)
        for var scope in changed where project == nil {
            while let parent = scope.parent, parent.kind != .module { scope = parent }
            if let topLevel = scope.name { touched.insert(topLevel) }
        }
        switch buildEdits(contexts, fixedParameters: fixedParameters) {
        case .success(let (edits, applicability, notes)):
            let publicAPI = publicChanges(contexts)
            return .planned(
                edits: edits, applicability: publicAPI.isEmpty ? applicability : .unsafe, readers: readers,
                touchedSymbols: touched, notes: notes, publicAPI: publicAPI)
        case .failure(let reason):
            return .blocked(reason: reason.description, readers: readers)
        }
    }

    /// Public names whose signature the plan changes (functions gaining a parameter, the ones
    /// the pass starts from) or that it removes (the global key).
    private func publicChanges(_ contexts: [KeyContext]) -> [String] {
        var names = Set<String>()
        for context in contexts where context.ownKey == nil {
            if case .function(let scope) = context.owner, let name = PublicSurface.publicName(of: scope, in: context.file) {
                names.insert(name)
            }
        }
        for (scope, _, _) in start.functions {
            if let name = PublicSurface.publicName(of: scope, in: file) { names.insert(name) }
        }
        if let global = start.replacedGlobal, let name = PublicSurface.publicName(ofGlobal: global, in: file) {
            names.insert(name)
        }
        return names.sorted()
    }

    // MARK: Checks

    /// Why code at `node` may run more than once per run of its context (so one key would be
    /// consumed several times), or nil.
    private func repeatedExecution(of node: Node, in scope: Scope) -> String? {
        if scope.kind == .lambda || scope.kind == .comprehension {
            return "inside a \(scope.kind == .lambda ? "lambda" : "comprehension"); each evaluation needs its own key"
        }
        let stop = scope.node
        var current = node.parent
        while let ancestor = current, ancestor != stop {
            if ancestor.nodeKind == .forStatement || ancestor.nodeKind == .whileStatement {
                return "inside a loop (line \(ancestor.startPosition.line)); each iteration needs its own key"
            }
            current = ancestor.parent
        }
        return nil
    }

    private static let transparentDecorators: Set<String> = [
        "staticmethod", "classmethod", "jax.jit", "equinox.filter_jit", "flax.nnx.jit",
    ]

    /// Why `function` cannot simply gain a keyword-only parameter, or nil.
    private func cannotTakeParameter(_ function: Scope, in file: FileContext) -> String? {
        let decorators = file.model.decoratorNames(of: function)
        if let other = decorators.first(where: { !Self.transparentDecorators.contains($0) }) {
            return "`\(function.qualifiedName)` is decorated with `@\(other)`, which may not pass a new keyword through"
        }
        if file.model.isEntryPointFunction(function) {
            return "`\(function.qualifiedName)` is run by a launcher and cannot take a key"
        }
        return nil
    }

    // MARK: Building the fix

    enum FixError: Error, CustomStringConvertible {
        case unmovableSeed(String)
        case layout(String)

        var description: String {
            switch self {
            case .unmovableSeed(let detail), .layout(let detail): return detail
            }
        }
    }

    /// Why a file that must spell `flax.nnx` cannot: it has no import of it, and `nnx` is taken.
    private func nnxTaken(in file: FileContext) -> FixError {
        .layout("\(file.path) does not import `flax.nnx`, and `nnx` names something else there")
    }

    private func buildEdits(_ contexts: [KeyContext], fixedParameters: [ObjectIdentifier: String])
        -> Result<([String: [Edit]], Applicability, [String]), FixError>
    {
        guard seedCall.nodeKind == .call, let constructor = seedCall.child(.function),
            let seedArguments = seedCall.child(.arguments),
            let constructorName = model.qualifiedName(of: constructor, in: model.moduleScope)
        else {
            return .failure(.layout("the key is not made by a plain `PRNGKey(seed)` call"))
        }
        var seedIsStable = true
        var edits: [String: [Edit]] = [:]
        var spellings: [String: JaxSpelling] = [:]
        var parameterNames = fixedParameters
        var nnxFunctions = Set(start.functions.filter(\.takesRngs).map { ObjectIdentifier($0.scope) })
        // Whether some consumer now draws different numbers than before (beyond splits).
        var drawsDifferently = false
        var notes: [String] = []
        // Seed constants other files now import from the key's module, by file.
        var seedImports: [String: Set<String>] = [:]

        // Parameter names first: call sites in other contexts spell them. NNX modules take
        // `rngs: nnx.Rngs` (the seed guide's pattern) instead of a key.
        for context in contexts where context.ownKey == nil {
            guard case .function(let function) = context.owner else { continue }
            let taken = namesInUse(in: function, of: context.file)
            if isNNXMethod(function, in: context.file) {
                nnxFunctions.insert(ObjectIdentifier(function))
                parameterNames[ObjectIdentifier(function)] = SourceEditing.freshName(["rngs"], avoiding: taken)
            } else {
                let chosen = SourceEditing.freshName(["key", "rng_key", "prng_key"], avoiding: taken)
                parameterNames[ObjectIdentifier(function)] = chosen
                if chosen != "key" { notes.append("`\(function.qualifiedName)` takes it as `\(chosen)`: `key` is taken there") }
            }
        }

        for context in contexts {
            let contextModel = context.file.model
            // A key of the function's own is split first thing, before anything consumes it.
            guard let block = context.block, let first = context.firstDemand,
                let anchor = context.ownKey == nil
                    ? SourceEditing.statement(containing: first, in: block)
                    : context.scope.flatMap(SourceEditing.firstStatement(of:))
            else { continue }
            guard SourceEditing.startsLine(anchor) else {
                return .failure(.layout("the statement at line \(anchor.startPosition.line) shares its line with its block's header"))
            }
            let scope = context.scope ?? contextModel.moduleScope
            var spelling = spellings[context.file.path] ?? JaxSpelling(model: contextModel)
            var taken = namesInUse(in: scope, of: context.file)
            if context.file === file, let global = start.replacedGlobal { taken.remove(global) }  // an entry point may take its name
            let callsNNX = context.calls.contains { nnxFunctions.contains(ObjectIdentifier($0.callee)) }
            // A context with an `nnx.Rngs` draws every key it needs from it; no split is needed.
            var rngsName: String?
            var keyName = ""
            var lines: [String] = []
            var fileEdits: [Edit] = []
            switch context.owner {
            case .function where context.ownKey != nil:
                let own = context.ownKey!
                if own.isRngs { rngsName = own.name } else { keyName = own.name }
                drawsDifferently = true
            case .function(let function):
                let parameter = parameterNames[ObjectIdentifier(function)]!
                if nnxFunctions.contains(ObjectIdentifier(function)) {
                    guard let nnx = spelling.nnx(in: scope) else { return .failure(nnxTaken(in: context.file)) }
                    rngsName = parameter
                    fileEdits.append(SourceEditing.addKeywordOnlyParameter("\(parameter): \(nnx).Rngs", to: function))
                } else {
                    keyName = parameter
                    fileEdits.append(SourceEditing.addKeywordOnlyParameter(parameter, to: function))
                }
            case .entry:
                let seed: String
                if context.file === file {
                    switch movableSeed(seedArguments, constructor: constructor, into: scope, before: anchor) {
                    case .failure(let error): return .failure(error)
                    case .success(let stable): seedIsStable = seedIsStable && stable
                    }
                    seed = seedArguments.text
                } else {
                    // Names the seed reads are the key's module's constants: imported from there.
                    switch importedSeedNames(seedArguments, into: context.file, scope: scope) {
                    case .failure(let error): return .failure(error)
                    case .success(let names):
                        seedImports[context.file.path, default: []].formUnion(names)
                        taken.formUnion(names)
                    }
                    seed = seedArguments.text
                }
                if callsNNX, let nnx = spelling.nnx(in: scope) {
                    let created = SourceEditing.freshName(["rngs"], avoiding: taken)
                    rngsName = created
                    lines.append("\(created) = \(nnx).Rngs\(seed)")
                } else {
                    keyName = SourceEditing.freshName(start.entryNames, avoiding: taken)
                    let spelled =
                        context.file === file
                        ? constructor.text
                        : spelling.spell(String(constructorName.split(separator: ".").last ?? "PRNGKey"), in: scope)
                    lines.append("\(keyName) = \(spelled)\(seed)")
                }
            }
            taken.formUnion([keyName, rngsName ?? ""])

            // What each demand receives: from an `nnx.Rngs`, a fresh draw or the Rngs itself;
            // from a key, the key when it is the only consumer, else one subkey each from one split.
            var argumentForCall: [Node: String] = [:]
            var readReplacement = keyName
            if let rngs = rngsName {
                readReplacement = "\(rngs).params()"
                for (call, callee) in context.calls {
                    let takesRngs = nnxFunctions.contains(ObjectIdentifier(callee))
                    argumentForCall[call] = takesRngs ? rngs : "\(rngs).params()"
                    drawsDifferently = drawsDifferently || !takesRngs
                }
                // A key drawn from `nnx.Rngs` is not the key that was read.
                drawsDifferently = drawsDifferently || !context.directReads.isEmpty
            } else {
                var keyForCall: [Node: String] = [:]
                if context.demandCount == 1 && context.ownKey == nil {
                    if let only = context.calls.first { keyForCall[only.call] = keyName }
                } else {
                    // An own key is renewed by the split (it keeps serving its old uses).
                    var targets: [String] = context.ownKey == nil ? [] : [keyName]
                    if !context.directReads.isEmpty {
                        if context.ownKey != nil {
                            readReplacement = SourceEditing.freshName(["subkey", "key_read"], avoiding: taken)
                            taken.insert(readReplacement)
                        }
                        targets.append(readReplacement)
                    }
                    for (call, callee) in context.calls.sorted(by: { $0.call.startByte < $1.call.startByte }) {
                        let subkey = SourceEditing.freshName(["key_" + subkeySuffix(for: call, callee: callee)], avoiding: taken)
                        taken.insert(subkey)
                        keyForCall[call] = subkey
                        targets.append(subkey)
                    }
                    let count = targets.count == 2 ? "" : ", \(targets.count)"
                    lines.append("\(targets.joined(separator: ", ")) = \(spelling.spell("split", in: scope))(\(keyName)\(count))")
                }
                for (call, callee) in context.calls {
                    guard let key = keyForCall[call] else { continue }
                    if nnxFunctions.contains(ObjectIdentifier(callee)) {
                        guard let nnx = spelling.nnx(in: scope) else { return .failure(nnxTaken(in: context.file)) }
                        argumentForCall[call] = "\(nnx).Rngs(\(key))"
                        drawsDifferently = true
                    } else {
                        argumentForCall[call] = key
                    }
                }
            }
            if !lines.isEmpty { fileEdits.append(SourceEditing.insertLines(lines, before: anchor)) }
            for read in context.directReads where read.text != readReplacement {
                fileEdits.append(.replacement(read.byteRange, with: readReplacement))
            }
            for (call, callee) in context.calls {
                guard let arguments = call.child(.arguments), let value = argumentForCall[call] else { continue }
                let parameter = parameterNames[ObjectIdentifier(callee)]!
                fileEdits.append(SourceEditing.appendToList(arguments, items: ["\(parameter)=\(value)"]))
            }
            spellings[context.file.path] = spelling
            edits[context.file.path, default: []] += fileEdits
        }
        for (path, spelling) in spellings {
            edits[path, default: []] += spelling.importEdits
        }
        for (path, names) in seedImports where !names.isEmpty {
            guard let model = contexts.first(where: { $0.file.path == path })?.file.model else { continue }
            let listed = names.sorted().joined(separator: ", ")
            // Into the file's one-line `from <module> import …` when it has one.
            if let existing = model.tree.root.namedChildren.first(where: { statement in
                statement.nodeKind == .importFromStatement && statement.child(.moduleName)?.text == file.moduleName
                    && statement.startPosition.line == statement.endPosition.line
            }), let last = existing.children(.name).last {
                edits[path, default: []].append(.insertion(", " + listed, at: last.endByte))
            } else {
                edits[path, default: []].append(ImportPlacement.addingLine("from \(file.moduleName) import \(listed)", to: model))
            }
        }
        // A split, or a key drawn from `nnx.Rngs`, changes the numbers drawn.
        let changesStream = contexts.contains { $0.demandCount > 1 } || drawsDifferently
        return .success((edits, changesStream || !seedIsStable ? .unsafe : .safe, notes))
    }

    /// A parameter through which `function` already receives a key: named like one (`key`,
    /// `rng`, `rng_key`, …), without a default (which could be `None`), and used as a key in the
    /// function (passed to `jax.random` or under a key keyword); or an `nnx.Rngs` (`rngs`, or
    /// annotated so).
    private func ownKeyParameter(of function: Scope, in file: FileContext) -> (name: String, isRngs: Bool)? {
        guard let parameters = function.node.child(.parameters) else { return nil }
        let model = file.model
        for parameter in parameters.namedChildren {
            let name: Node?
            switch parameter.nodeKind {
            case .identifier: name = parameter
            case .typedParameter: name = parameter.namedChildren.first { $0.nodeKind == .identifier }
            default: name = nil
            }
            guard let name else { continue }
            let annotation = parameter.child(.type).flatMap {
                model.qualifiedName(of: $0.namedChildren.first ?? $0, in: function.parent ?? model.moduleScope)
            }
            if name.text == "rngs" || annotation == "flax.nnx.Rngs" {
                guard file.nnxSpelling != nil else { return nil }
                return (name.text, true)
            }
            if KeyNames.isKeyParameter(name.text), usedAsKey(name.text, in: function, of: model) {
                return (name.text, false)
            }
        }
        return nil
    }

    /// Whether `name` is passed to a `jax.random` function or under a key keyword in `function`.
    private func usedAsKey(_ name: String, in function: Scope, of model: SemanticModel) -> Bool {
        model.references.contains { reference in
            guard reference.name == name, reference.scope === function, let parent = reference.node.parent else { return false }
            if parent.nodeKind == .keywordArgument {
                return parent.child(.value) == reference.node && parent.child(.name).map { KeyNames.isKeyParameter($0.text) } == true
            }
            guard parent.nodeKind == .argumentList, let call = parent.parent, let callee = call.child(.function),
                let qualified = model.qualifiedName(of: callee, in: function)
            else { return false }
            return JaxRandomAPI.role(of: qualified) != nil
        }
    }

    /// Whether `function` is a method of a Flax NNX module (which takes `rngs`, not a key).
    private func isNNXMethod(_ function: Scope, in file: FileContext) -> Bool {
        guard let owner = function.parent, owner.kind == .classBody else { return false }
        return file.randomSources.moduleFramework(of: owner) == .nnx
    }

    /// The names a seed reads (`SEED`, `config.SEED` reads `config`), for an entry point in
    /// `other` to import from the key's module: each must be bound once at its module level, and
    /// not be bound in `other` already (unless to the same thing).
    private func importedSeedNames(_ arguments: Node, into other: FileContext, scope: Scope) -> Result<Set<String>, FixError> {
        var names: [Node] = []
        func collect(_ node: Node) {
            if node.nodeKind == .identifier {
                names.append(node)
                return
            }
            if node.nodeKind == .attribute {
                node.child(.object).map(collect)
                return
            }
            for child in node.namedChildren where !(node.nodeKind == .keywordArgument && child == node.child(.name)) {
                collect(child)
            }
        }
        collect(arguments)
        var imported = Set<String>()
        for name in names {
            let here = model.moduleScope.bindings[name.text] ?? []
            guard !file.moduleName.isEmpty, here.count == 1 else {
                return .failure(.unmovableSeed("the seed `\(name.text)` is not a constant of \(file.path) another module can import"))
            }
            if let change = laterValue(of: name.text) { return .failure(.unmovableSeed(change)) }
            if let existing = other.model.scopeBinding(name.text, from: scope) {
                let binding = existing.bindings[name.text]?.first
                guard existing === other.model.moduleScope, binding?.importedName.map(other.absolute) == file.moduleName + "." + name.text
                else {
                    return .failure(.unmovableSeed("the seed `\(name.text)` means something else in \(other.path)"))
                }
                continue
            }
            imported.insert(name.text)
        }
        return .success(imported)
    }

    /// `encoder = Encoder()` → `encoder`; otherwise the callee's name in snake case.
    private func subkeySuffix(for call: Node, callee: Scope) -> String {
        if let parent = call.parent, parent.nodeKind == .assignment, parent.child(.right) == call,
            let left = parent.child(.left), let target = SourceEditing.assignedName(left)
        {
            return target
        }
        let calleeName = callee.name == "__init__" ? callee.parent?.name ?? "init" : callee.name ?? "call"
        return SourceEditing.snakeCase(calleeName.drop { $0 == "_" }.description)
    }

    /// Names a new parameter or local in `scope` must avoid; reads of the global being replaced
    /// do not count (they become the new name).
    private func namesInUse(in scope: Scope, of scopeFile: FileContext) -> Set<String> {
        guard scopeFile === file, let global = start.replacedGlobal else { return scopeFile.model.namesInUse(in: scope) }
        return model.namesInUse(in: scope) { reference in
            reference.name == global && model.scopeBinding(global, from: reference.scope) === model.moduleScope
        }
    }

    /// Checks that the seed arguments mean the same where the key is now created, and whether
    /// they are stable (literals and module constants, not attributes of other objects).
    private func movableSeed(_ arguments: Node, constructor: Node, into scope: Scope, before anchor: Node) -> Result<Bool, FixError> {
        var stable = true
        var problem: String?
        func check(_ node: Node) {
            switch node.nodeKind {
            case .identifier:
                let bound = model.scopeBinding(node.text, from: scope)
                let original = model.scopeBinding(node.text, from: model.moduleScope)
                if bound !== original {
                    problem = "`\(node.text)` means something else where the key would be created"
                } else if bound === model.moduleScope, let change = laterValue(of: node.text) {
                    problem = change
                } else if bound === model.moduleScope && scope === model.moduleScope,
                    let late = model.moduleScope.bindings[node.text]?.first(where: { $0.site.startByte >= anchor.startByte })
                {
                    problem = "`\(node.text)` is bound at line \(late.site.startPosition.line), after the entry point starts"
                }
            case .attribute:
                stable = false
                if let object = node.child(.object) { check(object) }
            case .integer, .floatLiteral, .string, .trueLiteral, .falseLiteral, .noneLiteral, .argumentList, .keywordArgument,
                .unaryOperator, .binaryOperator, .parenthesizedExpression, .stringStart, .stringContent,
                .stringEnd, .escapeSequence:
                for child in node.namedChildren where !(node.nodeKind == .keywordArgument && child == node.child(.name)) {
                    check(child)
                }
            default:
                problem = "the seed `\(arguments.text)` computes a value (\(node.kind)) that must not run twice or later"
            }
        }
        check(arguments)
        var root = constructor
        while root.nodeKind == .attribute, let object = root.child(.object) { root = object }
        if model.scopeBinding(root.text, from: scope) !== model.scopeBinding(root.text, from: model.moduleScope) {
            problem = "`\(root.text)` means something else where the key would be created"
        }
        if let problem { return .failure(.unmovableSeed(problem)) }
        return .success(stable)
    }

    /// Why the module-level `name` a seed reads may hold another value when the key is created
    /// later than at import time (bound twice, or declared `global` by a function); nil when it
    /// is bound once and nothing rebinds it.
    private func laterValue(of name: String) -> String? {
        let bindings = model.moduleScope.bindings[name] ?? []
        if bindings.count > 1, let second = bindings.dropFirst().first {
            return "the seed reads `\(name)`, which is bound again at line \(second.nameNode.startPosition.line): "
                + "the key would be created from another value"
        }
        if let rebinder = model.scopes.first(where: { $0.globalNames.contains(name) }) {
            return "the seed reads `\(name)`, which `\(rebinder.qualifiedName)` declares `global`: "
                + "the key would be created from another value"
        }
        return nil
    }

    private func unique(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }
}
