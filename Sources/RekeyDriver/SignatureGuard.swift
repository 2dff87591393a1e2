import Foundation
import RekeyAnalysis
import RekeyEdits
import RekeySyntax

/// The last word before a round of fixes is kept: every call in the project of a function whose
/// signature the round changed must still bind, with every argument going to the parameter it
/// went to before, and no function pytest collects may gain a required parameter (pytest would
/// look for a fixture of that name). A fix that fails either is refused with the call it breaks.
///
/// It works from the texts alone, independently of how the passes found the callers they
/// updated, so a caller a pass missed (another file, an object of a subclass, a positional
/// argument that slid onto another parameter) is caught here. Calls are matched by the name
/// they spell (`f(…)`, `obj.f(…)`, `Class(…)` for `__init__`); a call that also bound the old
/// signature is taken for a caller unless its name provably means something else (a local
/// definition, an import from outside the project). That errs towards refusing: a refused fix
/// is a hand migration with a reason, a wrong "safe" fix is a broken program.
struct SignatureGuard {
    let parser: PythonParser
    /// Texts several calls of ``violations(fixes:applied:before:after:project:)`` see unchanged
    /// (the project while each fix is screened alone), parsed once for all of them.
    var unchanged: ParsedTexts?
    /// The module of each file asked about.
    var moduleNames = ModuleNames()
    /// Which file defining a module each caller reaches, where several define it.
    var definitions = ModuleDefinitions(modules: [])
    /// The other names files may be imported by (through folders without `__init__.py`).
    var aliases = NamespaceAliases(roots: ProjectSettingsCache())
    /// The documentation files whose examples may call a function (none: not looked at).
    var documents: ProjectDocuments?

    private struct ClassDefinition: Hashable {
        let path: String
        let name: String
    }

    /// A function as callers reach it.
    private struct Callable {
        let path: String
        let module: String
        let scope: Scope
        let signature: Signature
        /// The `parameters` node's range in the text before the round.
        var header: ByteRange
        /// Its `def` (and, for `__init__`, its class): where a name bound to it is bound, before
        /// the round and after.
        var sitesBefore: Set<ByteRange> = []
        var sitesAfter: Set<ByteRange>
        /// Names calls spell: the function's, or the class's (and its subclasses') for `__init__`.
        var calledAs: Set<String>
        /// The dotted names calls resolve to through imports: the function's (`pkg.mod.f`), or
        /// for `__init__` its class's and its subclasses' (`pkg.mod.Model`).
        var fullNames: Set<String> = []
        /// For `__init__`: its class and subclasses as defined, by file and name (two scripts may
        /// share a module name, never a path).
        var classes: Set<ClassDefinition> = []
        let isInitializer: Bool
        let isStatic: Bool
        /// Who runs it when a launcher does (pytest, unittest, a console script): they pass nothing new.
        let launcher: String?
        /// The arguments `@pytest.mark.parametrize` gives it (pytest does pass those).
        let parametrized: Set<String>
        var isMethod: Bool { scope.parent?.kind == .classBody }
    }

    /// Fixes to refuse (by index into `fixes`), each with the reason.
    /// - `before`: the round's input texts of the files it changed; `after`: their new texts;
    /// - `project`: every file of the project as it stands after the round (see ``ProjectTexts``);
    /// - `afterTrees`: trees of `after` texts already parsed (see ``FixApplication/trees``).
    func violations(
        fixes: [Fix], applied: [Int], before: [String: SourceText], after: [String: SourceText],
        project: ProjectTexts, afterTrees: [String: SyntaxTree] = [:]
    ) -> [Int: String] {
        var trees = TreeCache(parser: parser, unchanged: unchanged, before: before, after: after, parsed: afterTrees)
        var changed: [(callable: Callable, old: Signature)] = []
        for (path, new) in after.sorted(by: { $0.key < $1.key }) {
            guard let old = before[path], let oldSignatures = signatures(of: old, path: path, trees: &trees),
                let newModel = trees.model(new, key: path)
            else { continue }
            for callable in callables(in: newModel, path: path, module: moduleNames.of(path)) {
                guard let previous = oldSignatures[callable.key], previous.signature != callable.value.signature else { continue }
                var moved = callable.value
                moved.header = previous.header
                moved.sitesBefore = previous.sites
                changed.append((moved, previous.signature))
            }
        }
        guard !changed.isEmpty else { return [:] }

        var reasons: [ObjectIdentifier: String] = [:]
        for (index, entry) in changed.enumerated() {
            if let repeated = entry.callable.signature.repeatedName {
                reasons[ObjectIdentifier(entry.callable.scope)] =
                    "`\(entry.callable.scope.qualifiedName)` would have two parameters named `\(repeated)`"
                continue
            }
            if let reason = launcherReason(entry.callable, old: entry.old) ?? stubReason(entry.callable) {
                reasons[ObjectIdentifier(entry.callable.scope)] = reason
                continue
            }
            var callable = entry.callable
            if callable.isInitializer {
                callable.classes = subclasses(of: callable, in: project, trees: &trees)
                callable.fullNames = Set(callable.classes.flatMap { dottedNames(of: $0.name, in: $0.path) })
                callable.calledAs = Set(callable.classes.map(\.name))
            } else {
                callable.fullNames = Set(dottedNames(of: callable.scope.qualifiedName, in: callable.path))
            }
            changed[index].callable = callable
            if let reason = firstBrokenCall(of: callable, old: entry.old, before: before, project: project, trees: &trees) {
                reasons[ObjectIdentifier(entry.callable.scope)] = reason
            }
        }
        var result: [Int: String] = [:]
        for (callable, _) in changed {
            guard let reason = reasons[ObjectIdentifier(callable.scope)] else { continue }
            for index in applied {
                let touchesHeader = fixes[index].edits[callable.path, default: []].contains { edit in
                    edit.range.start <= callable.header.end && edit.range.end >= callable.header.start
                }
                if touchesHeader { result[index] = result[index] ?? reason }
            }
        }
        return result
    }

    // MARK: Definitions

    /// Where a fix's edit changes a signature: `def` parameter lists and class bodies (a
    /// dataclass's fields are its `__init__`'s parameters).
    static func headerRanges(in tree: SyntaxTree) -> TouchableRanges {
        TouchableRanges(headerRangeList(in: tree))
    }

    private static func headerRangeList(in tree: SyntaxTree) -> [ByteRange] {
        var ranges: [ByteRange] = []
        tree.forEachNamedNode { node in
            switch node.nodeKind {
            case .parameters:
                ranges.append(node.byteRange)
            case .classDefinition:
                for statement in node.child(.body)?.namedChildren ?? []
                where statement.nodeKind == .expressionStatement
                    && statement.namedChildren.first.map({ $0.nodeKind == .assignment && $0.child(.type) != nil }) == true
                {
                    ranges.append(statement.byteRange)
                }
            default:
                break
            }
        }
        return ranges
    }

    /// The signatures of `old`'s functions, by the key of ``callables(in:path:module:)``: made
    /// once for a text `unchanged` holds (screening checks each fix of a file against the same
    /// text before it), else from this call's parse; nil for a text with errors.
    private func signatures(of old: SourceText, path: String, trees: inout TreeCache) -> [String: DefinedSignature]? {
        let make = { (model: SemanticModel) in
            callables(in: model, path: path, module: moduleNames.of(path)).mapValues {
                DefinedSignature(signature: $0.signature, header: $0.header, sites: $0.sitesAfter)
            }
        }
        if let unchanged, unchanged.holds(old) { return unchanged.signatures(old, parser: parser, make: make) }
        return trees.model(old, key: "old:" + path).map(make)
    }

    /// The functions of a file by a key stable across the round (qualified name and ordinal).
    private func callables(in model: SemanticModel, path: String, module: String) -> [String: Callable] {
        var result: [String: Callable] = [:]
        var ordinals: [String: Int] = [:]
        for scope in model.scopes where scope.kind == .function {
            guard let name = scope.name, let parameters = scope.node.child(.parameters),
                let signature = Signature(parameters: parameters)
            else { continue }
            let ordinal = ordinals[scope.qualifiedName, default: 0]
            ordinals[scope.qualifiedName] = ordinal + 1
            let isInitializer = name == "__init__" && scope.parent?.kind == .classBody
            let calledAs = isInitializer ? scope.parent?.name ?? name : name
            let decorators = model.decoratorNames(of: scope)
            let launcher: String? =
                !model.isEntryPointFunction(scope)
                ? nil
                : name.hasPrefix("test") || decorators.contains(where: { $0.hasPrefix("pytest.fixture") })
                    ? "pytest"
                    : name == "main" ? "its launcher" : "unittest"
            let sites = [scope.node.byteRange] + (isInitializer ? [scope.parent?.node.byteRange].compactMap { $0 } : [])
            result["\(scope.qualifiedName)#\(ordinal)"] = Callable(
                path: path, module: module, scope: scope, signature: signature, header: parameters.byteRange,
                sitesAfter: Set(sites), calledAs: [calledAs], isInitializer: isInitializer,
                isStatic: decorators.contains("staticmethod"), launcher: launcher,
                parametrized: model.parametrizedNames(of: scope))
        }
        return result
    }

    /// Classes anywhere in the project that inherit `callable`'s `__init__` (they define none),
    /// directly or through each other: their instantiations run it too; the class itself first.
    private func subclasses(of callable: Callable, in project: ProjectTexts, trees: inout TreeCache) -> Set<ClassDefinition> {
        guard callable.isInitializer, let base = callable.scope.parent?.name else { return [] }
        var classes: Set<ClassDefinition> = [ClassDefinition(path: callable.path, name: base)]
        var frontier = [base]
        while let parent = frontier.popLast() {
            let spelling = trees.texts(of: project, spellingAnyOf: [parent])
            trees.prepareIndices(spelling)
            for source in spelling {
                guard let index = trees.index(source, key: source.path) else { continue }
                for definition in index.classes {
                    guard !classes.contains(ClassDefinition(path: source.path, name: definition.name)),
                        let bases = definition.bases,
                        bases.contains(where: { denotes($0, oneOf: classes, path: source.path) }),
                        !definition.definesInitializer
                    else { continue }
                    classes.insert(ClassDefinition(path: source.path, name: definition.name))
                    frontier.append(definition.name)
                }
            }
        }
        return classes
    }

    // MARK: Calls

    /// The first call in the project that bound the old signature and does not bind the new one
    /// the same way, described; nil when every call still binds.
    private func firstBrokenCall(
        of callable: Callable, old: Signature, before: [String: SourceText],
        project: ProjectTexts, trees: inout TreeCache
    ) -> String? {
        // A call of `__init__` may run it too (`super().__init__(…)`, see `candidateCalls`).
        let calls = callable.isInitializer ? callable.calledAs.union(["__init__"]) : callable.calledAs
        // A file reaching another file that defines the function's module calls that one's (see
        // `candidateCalls`): it is left out before its calls are indexed.
        let callers = trees.texts(of: project, spellingAnyOf: callable.calledAs).filter { source in
            calls.contains { trees.mayCall(source, $0) } && !reachesOtherDefinition(callable, from: source.path)
        }
        trees.prepareIndices(callers)
        for source in callers {
            guard let index = trees.index(source, key: source.path) else { continue }
            let oldIndex = before[source.path].flatMap { trees.index($0, key: "old:" + source.path) }
            let calls = candidateCalls(of: callable, in: index, sites: callable.sitesAfter)
            let oldCalls = oldIndex.map { candidateCalls(of: callable, in: $0, sites: callable.sitesBefore) }
            for (number, candidate) in calls.enumerated() {
                guard let arguments = candidate.call.arguments else { continue }
                // The same call before the round: the one at the same place among calls spelt alike.
                let previous = oldCalls.map { list in list.filter { $0.call.spelling == candidate.call.spelling } }
                let position = calls[..<number].count { $0.call.spelling == candidate.call.spelling }
                let oldArguments: CallArguments
                if let previous {
                    guard position < previous.count, let found = previous[position].call.arguments else { continue }
                    oldArguments = found
                } else {
                    oldArguments = arguments
                }
                let place = "\(source.path):\(candidate.call.line)"
                let receiver = candidate.passesReceiver
                let passed = receiver ? arguments.withReceiver() : arguments
                let wasBound = old.bind(receiver ? oldArguments.withReceiver() : oldArguments)
                let isBound = callable.signature.bind(passed)
                if let problem = Self.difference(
                    was: wasBound, is: isBound, old: old, new: callable.signature,
                    arguments: passed)
                {
                    return "the call at \(place) \(problem)"
                }
            }
        }
        // Named after the calls rekey does follow, which say more.
        let examples =
            callers.map { ($0.path, $0.bytes) } + (documents?.examples(aroundFile: callable.path) ?? []).map { ($0.path, $0.bytes) }
        for (path, bytes) in examples {
            if let (name, line) = Self.doctestCall(ofAnyOf: callable.calledAs, in: bytes) {
                return "the doctest at \(path):\(line) calls `\(name)`, and rekey does not update doctests"
            }
        }
        return nil
    }

    /// The first line of an example in a docstring (`>>> init(3)`, or a `...` line continuing
    /// one) that calls one of `names`, with the name, as pytest's `--doctest-modules` would run
    /// it. Its code is text in a string to rekey, so it is neither resolved nor updated.
    static func doctestCall(ofAnyOf names: Set<String>, in bytes: [UInt8]) -> (name: String, line: Int)? {
        let prompts = [Array(">>> ".utf8), Array("... ".utf8)]
        guard Prefilter.firstOccurrence(of: prompts[0], in: bytes, from: 0) != nil else { return nil }
        var line = 1
        var start = 0
        while start < bytes.count {
            let end = SourceText.firstIndex(of: UInt8(ascii: "\n"), in: bytes, from: start) ?? bytes.count
            let text = bytes[start..<end].drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            if prompts.contains(where: { text.starts(with: $0) }),
                let name = names.sorted().first(where: { Prefilter.mayCall(Array(text.dropFirst(4)), Array($0.utf8)) })
            {
                return (name, line)
            }
            line += 1
            start = end + 1
        }
        return nil
    }

    /// Whether the file at `path` reaches another file defining the module of `callable` (never
    /// for `__init__`: a class's subclasses may be in other modules, and their callers count).
    private func reachesOtherDefinition(_ callable: Callable, from path: String) -> Bool {
        !callable.isInitializer && definitions.resolution(of: callable.module, from: path, definedIn: callable.path) == .other
    }

    private struct Candidate {
        let call: CallIndex.Call
        /// `obj.method(…)` and `Class(…)`: the function's first parameter is the receiver.
        let passesReceiver: Bool
    }

    /// Calls in `index` that may run `callable`: those spelling one of its names that resolve to
    /// it through the file's imports (or a package re-exporting it), or that rekey cannot resolve
    /// at all (`obj.method(…)` on an object of unknown type). `sites` are its definition's ranges
    /// in `index`'s text, for calls in its own file.
    private func candidateCalls(of callable: Callable, in index: CallIndex, sites: Set<ByteRange>) -> [Candidate] {
        let path = index.path
        // A file reaching another file that defines the function's module calls that one's. (A
        // class's subclasses may be in other modules: its callers are all kept.)
        if reachesOtherDefinition(callable, from: path) { return [] }
        let module = moduleNames.of(path)
        var result: [Candidate] = []
        // Only a call of one of its names may run it, and for `__init__` also `super().__init__(…)`.
        for call in index.calls(namedAnyOf: callable.isInitializer ? callable.calledAs.union(["__init__"]) : callable.calledAs) {
            guard let name = call.name else { continue }
            switch call.callee {
            case .name(let bindings):
                guard callable.calledAs.contains(name) else { continue }
                // A name the file never binds may come from a module it imports `*` from.
                let reaches =
                    bindings.isEmpty
                    ? index.importsEveryName
                    : bindings.contains { binding in
                        switch binding.kind {
                        case .function, .class:
                            // Defined in this file: the function itself, or (for `__init__`) a subclass.
                            return path == callable.path && sites.contains(binding.site)
                                || callable.classes.contains(ClassDefinition(path: path, name: binding.name))
                        case .other:
                            guard let imported = binding.importedName else { return true }  // a variable: cannot tell
                            return Self.reaches(Self.absolute(imported, path: path, module: module), callable.fullNames)
                        }
                    }
                // A method is a plain name only inside its class body; a class call passes the instance.
                if reaches {
                    result.append(Candidate(call: call, passesReceiver: callable.isInitializer))
                }
            case .dotted(let qualified):
                if callable.calledAs.contains(name) {
                    // `mod.f(…)`, `pkg.Model(…)`: resolved through imports, it must be this one.
                    if let qualified {
                        guard Self.reaches(Self.absolute(qualified, path: path, module: module), callable.fullNames) else { continue }
                        result.append(Candidate(call: call, passesReceiver: callable.isInitializer))
                        continue
                    }
                    // `obj.method(…)` on an object rekey cannot type: any method of that name may run.
                    guard callable.isMethod, !callable.isInitializer else { continue }
                    let throughClass = call.receiverName != nil && call.receiverName == callable.scope.parent?.name
                    result.append(Candidate(call: call, passesReceiver: !callable.isStatic && !throughClass))
                } else if callable.isInitializer, name == "__init__", let bases = call.superInitializerBases,
                    bases.contains(where: { denotes($0, oneOf: callable.classes, path: path) })
                {
                    // `super().__init__(…)` in a subclass (or the class itself) may run it.
                    result.append(Candidate(call: call, passesReceiver: true))
                }
            case .other:
                continue
            }
        }
        return result
    }

    /// Whether a base-class expression of the file at `path` names one of `classes` through the
    /// file's own classes or imports.
    private func denotes(_ base: CallIndex.Reference, oneOf classes: Set<ClassDefinition>, path: String) -> Bool {
        let module = moduleNames.of(path)
        let dotted = Set(classes.flatMap { dottedNames(of: $0.name, in: $0.path) })
        switch base {
        case .name(let bindings):
            return bindings.contains { binding in
                if binding.kind == .class { return classes.contains(ClassDefinition(path: path, name: binding.name)) }
                return binding.importedName.map { Self.reaches(Self.absolute($0, path: path, module: module), dotted) } ?? false
            }
        case .dotted(let qualified?):
            return Self.reaches(Self.absolute(qualified, path: path, module: module), dotted)
        default:
            return false
        }
    }

    /// The dotted names by which other files reach `name`, defined at the top of the file at
    /// `path`: through its module's name, and through each other name the file may be imported by.
    private func dottedNames(of name: String, in path: String) -> [String] {
        let module = moduleNames.of(path)
        return ([module] + aliases.of(path, module: module)).map { $0 + "." + name }
    }

    /// `name` is one of `targets`, or a package above one re-exports it (`pkg.f` for `pkg.sub.mod.f`).
    private static func reaches(_ name: String, _ targets: Set<String>) -> Bool {
        if targets.contains(name) { return true }
        guard let dot = name.lastIndex(of: ".") else { return false }
        let package = name[..<dot]
        let member = name[name.index(after: dot)...]
        return targets.contains { target in
            target.hasPrefix(package + ".") && target.hasSuffix("." + member)
        }
    }

    /// An imported name with relative imports resolved from the importing file.
    private static func absolute(_ name: String, path: String, module: String) -> String {
        name.hasPrefix(".") ? ModuleImports.resolve(name, package: ModuleImports.package(of: path, moduleName: module)) : name
    }

    /// Why a call's binding changed for the worse, or nil when it means what it meant.
    private static func difference(
        was: BindingResult, is now: BindingResult, old: Signature, new: Signature,
        arguments: CallArguments
    ) -> String? {
        switch (was, now) {
        case (.failed, _):
            // It did not bind before: not a call of this function (or broken already).
            return nil
        case (_, .failed(let reason)):
            return "would no longer bind: \(reason)"
        case (.bound(let before), .bound(let after)):
            for (slot, argument) in before.sorted(by: { $0.key < $1.key }) where after[slot] != argument {
                if let moved = after.first(where: { $0.value == argument })?.key {
                    return "would pass `\(argument)` to `\(moved)` instead of `\(slot)`"
                }
                // The parameter went, and so did the argument that filled it: removed on purpose.
                if !new.parameters.contains(where: { $0.name == slot }) { continue }
                return "would no longer pass `\(argument)` to `\(slot)`"
            }
            return nil
        default:
            // `*x`/`**x`: only a change that leaves positions alone and is passed by name is provable.
            return splatProblem(old: old, new: new, arguments: arguments)
        }
    }

    /// A call unpacking `*x` or `**x` binds what it spells out as it did, and every parameter the
    /// new signature requires anew is among what it spells out; a name the new signature adds may
    /// not be left to `**x`.
    private static func splatProblem(old: Signature, new: Signature, arguments: CallArguments) -> String? {
        func positions(_ signature: Signature) -> [Signature.Parameter] {
            signature.parameters.filter { $0.kind != .keywordOnly && $0.kind != .variadicKeyword }
        }
        var passed = Set(arguments.keywords.map { PythonIdentifier.normalised($0.name) })
        if arguments.unpacksPositional {
            if positions(old) != positions(new) { return "unpacks `*` arguments, whose positions the new signature changes" }
        } else {
            let before = positions(old).prefix(arguments.positional.count).map(\.name)
            let after = positions(new).prefix(arguments.positional.count).map(\.name)
            if let slot = before.indices.first(where: { $0 < after.count && before[$0] != after[$0] }) {
                return "would pass `\(arguments.positional[slot])` to `\(after[slot])` instead of `\(before[slot])`"
            }
            passed.formUnion(after)
        }
        let oldNames = Set(old.parameters.map(\.name))
        for parameter in new.parameters where !passed.contains(parameter.name) {
            let isNew = !oldNames.contains(parameter.name)
            if parameter.isRequired && (isNew || !old.requiredNames.contains(parameter.name)) {
                return arguments.unpacksKeywords
                    ? "unpacks `**` arguments, which may or may not hold `\(parameter.name)`"
                    : "unpacks its arguments without passing `\(parameter.name)`"
            }
            if isNew && arguments.unpacksKeywords && parameter.kind != .variadicPositional && parameter.kind != .variadicKeyword {
                return "unpacks `**` arguments, which may now hold `\(parameter.name)`"
            }
        }
        return nil
    }

    // MARK: Launchers

    /// Why the new signature would break the launcher's call of `callable`, if one runs it.
    private func launcherReason(_ callable: Callable, old: Signature) -> String? {
        guard let launcher = callable.launcher,
            let gained = callable.signature.requiredNames.subtracting(old.requiredNames).subtracting(callable.parametrized)
                .sorted().first
        else { return nil }
        let consequence = launcher == "pytest" ? "which would look for a fixture named `\(gained)`" : "which would not pass `\(gained)`"
        return "`\(callable.scope.qualifiedName)` is run by \(launcher), \(consequence)"
    }

    /// A stub beside the module (`mod.pyi` for `mod.py`) is what type checkers read instead of
    /// it: one that declares the function (or its class) would keep the old signature, and
    /// every updated caller would fail type checking. Such a fix is left to a hand migration.
    private func stubReason(_ callable: Callable) -> String? {
        guard callable.path.hasSuffix(".py"), let stub = FileManager.default.contents(atPath: callable.path + "i") else { return nil }
        let declared = String(callable.scope.qualifiedName.split(separator: ".").first ?? "")
        guard Prefilter.containsWord(Array(stub), Array(declared.utf8)) else { return nil }
        return
            "every updated call of `\(declared)` would fail type checking against the stub \(callable.path)i, which keeps the old signature"
    }

}

/// A function's signature in a text, and where it stands there (see `SignatureGuard.Callable`).
struct DefinedSignature: Sendable {
    let signature: Signature
    /// The `parameters` node's range.
    let header: ByteRange
    /// Its `def` (and, for `__init__`, its class).
    let sites: Set<ByteRange>
}

/// Parsed texts of one guard call, each parsed once; texts it did not change come from (and go
/// to) `unchanged` when there is one.
private struct TreeCache {
    let parser: PythonParser
    let unchanged: ParsedTexts?
    /// The texts after the fixes, and those before them that `unchanged` does not hold, by
    /// identity: only this call sees them, and it needs their models, not only their call indices.
    let changed: Set<ObjectIdentifier>
    private var models: [String: SemanticModel?] = [:]
    private var indices: [String: CallIndex?] = [:]

    /// `parsed`: trees of `after`'s texts, by path, that need no second parse.
    init(
        parser: PythonParser, unchanged: ParsedTexts?, before: [String: SourceText], after: [String: SourceText],
        parsed: [String: SyntaxTree]
    ) {
        self.parser = parser
        self.unchanged = unchanged
        changed = Set(
            (before.values.filter { unchanged?.holds($0) != true } + Array(after.values)).map(ObjectIdentifier.init))
        for (path, tree) in parsed where tree.source === after[path] { models[path] = SemanticModel(tree: tree) }
    }

    /// Only for the texts before and after the fixes: the others are read through ``index(_:key:)``.
    mutating func model(_ source: SourceText, key: String) -> SemanticModel? {
        if let known = models[key] { return known }
        let model = ParsedTexts.parse(source, with: parser)
        models[key] = model
        return model
    }

    mutating func index(_ source: SourceText, key: String) -> CallIndex? {
        if let unchanged, !changed.contains(ObjectIdentifier(source)) { return unchanged.callIndex(source, parser: parser) }
        if let known = indices[key] { return known }
        // A model made already serves; another is dropped once its index is read (an index is
        // a small part of it), so a round's callers are not all held as models at once.
        let model = models[key] ?? ParsedTexts.parse(source, with: parser)
        let index = model.map(CallIndex.init)
        indices[key] = index
        return index
    }

    /// Makes ahead the call indices of those of `sources` the workers share (see
    /// ``ParsedTexts/prepareCallIndices(_:parser:)``).
    func prepareIndices(_ sources: [SourceText]) {
        unchanged?.prepareCallIndices(sources.filter { !changed.contains(ObjectIdentifier($0)) }, parser: parser)
    }

    /// Whether `source` spells `word` as a whole word (see ``Prefilter/containsWord(_:_:)``).
    func spells(_ source: SourceText, _ word: String) -> Bool {
        unchanged?.spells(source, word) ?? Prefilter.containsWord(source.bytes, Array(word.utf8))
    }

    /// The texts of `project` that spell one of `words`, in its order.
    func texts(of project: ProjectTexts, spellingAnyOf words: Set<String>) -> [SourceText] {
        project.texts(spellingAnyOf: words) { spells($0, $1) }
    }

    /// Whether `source` may call `word` (see ``Prefilter/mayCall(_:_:)``).
    func mayCall(_ source: SourceText, _ word: String) -> Bool {
        unchanged?.mayCall(source, word) ?? Prefilter.mayCall(source.bytes, Array(word.utf8))
    }
}

/// Every file of the project as a guard call sees it: the texts of a list, with those the fixes
/// guarded changed in place of theirs. Screening guards each fix alone against one shared list,
/// whose ``ParsedTexts`` says which of its texts spell a word: a list made for each fix, and
/// searched whole for the callers of each function it changes, grew with the fixes times the
/// files.
struct ProjectTexts {
    /// The texts, in the project's order.
    let base: [SourceText]
    /// The parses `base` was made into, `base` by path, and the texts the fixes changed, by
    /// path, in place of `base`'s.
    let shared: (parsed: ParsedTexts, byPath: [String: SourceText], changed: [String: SourceText])?

    /// A list as it stands (the fixes' texts already in it).
    init(_ texts: [SourceText]) {
        base = texts
        shared = nil
    }

    /// The texts `parsed` was made from (`byPath`: the same, by path), with `changed` in place
    /// of theirs.
    init(shared parsed: ParsedTexts, byPath: [String: SourceText], changed: [String: SourceText]) {
        base = parsed.texts
        shared = (parsed, byPath, changed)
    }

    /// The texts that spell one of `words`, in order: looked up in `shared`, where only the
    /// changed texts are searched; else each text asked with `spells`.
    func texts(spellingAnyOf words: Set<String>, spells: (SourceText, String) -> Bool) -> [SourceText] {
        guard let (parsed, byPath, changed) = shared else {
            return base.filter { text in words.contains { spells(text, $0) } }
        }
        var found = Set(words.flatMap { parsed.positions(spelling: $0) })
        var replacing: [Int: SourceText] = [:]
        for (path, text) in changed {
            guard let old = byPath[path], let position = parsed.position(of: old) else { continue }
            replacing[position] = text
            if words.contains(where: { Prefilter.containsWord(text.bytes, Array($0.utf8)) }) {
                found.insert(position)
            } else {
                found.remove(position)
            }
        }
        return found.sorted().map { replacing[$0] ?? base[$0] }
    }
}

/// The project's texts as they stand for several guard calls, which may run on several threads:
/// which of them spell each word asked about, found once per word; each text's call index and
/// imported modules, each read once; and each text's model, parsed once while the models held
/// come from fewer than `budget` bytes of source (a syntax tree takes some thirty times its
/// text); past it a model is made again each time it is asked for, from the text's tree when one
/// was kept (by the analysis, or in ``StageTrees``), else from a new parse. Texts are known by
/// identity.
final class ParsedTexts: @unchecked Sendable {
    let texts: [SourceText]
    private let positions: [ObjectIdentifier: Int]
    private let budget: Int
    private let stageTrees: StageTrees?
    private let lock = NSLock()
    private var held = 0
    private var slots: [ObjectIdentifier: Slot] = [:]
    /// What each text (by position) spells, when known (see ``SpelledWords``).
    private let words: [SpelledWords?]
    /// By word, which texts spell it.
    private var spelling: [String: Spelling] = [:]
    private struct Spelling {
        /// By position, whether the text spells the word.
        let holds: [Bool]
        /// The positions of those that do.
        let positions: [Int]
    }
    /// By word and text position, whether the text may call it, for the texts asked about.
    private var calling: [String: [Int: Bool]] = [:]

    /// What is known of one text. A thread asking for what another is making waits for it, rather
    /// than making it again: screening's workers take neighbouring fixes, which ask for the same
    /// callers' files at the same time.
    private final class Slot: @unchecked Sendable {
        let lock = NSLock()
        /// Held, so its identity is not reused by another text.
        let source: SourceText
        /// Its tree, when the analysis kept it: a model is then made without parsing.
        var tree: SyntaxTree?
        /// `.some(nil)` for a text with errors.
        var model: SemanticModel??
        var index: CallIndex??
        /// `.some(nil)` for a text with errors.
        var imports: Set<String>??
        /// `.some(nil)` for a text with errors.
        var signatures: [String: DefinedSignature]??

        init(_ source: SourceText) {
            self.source = source
        }
    }

    /// `trees`: trees of some of `texts`, parsed already; `words`: what some of them spell, by
    /// the text's identity; `stageTrees`: where the trees of texts parsed here are kept for the
    /// next question about them, here or in a later stage's cache.
    init(
        _ texts: [SourceText], trees: [SyntaxTree] = [], budget: Int, words: [ObjectIdentifier: SpelledWords] = [:],
        stageTrees: StageTrees? = nil
    ) {
        self.texts = texts
        self.budget = budget
        self.stageTrees = stageTrees
        self.words = texts.map { words[ObjectIdentifier($0)] }
        var positions: [ObjectIdentifier: Int] = [:]
        for (position, text) in texts.enumerated() where positions[ObjectIdentifier(text)] == nil {
            positions[ObjectIdentifier(text)] = position
        }
        self.positions = positions
        for tree in trees { slot(of: tree.source).tree = tree }
    }

    /// Whether `source` is one of the texts given at the start.
    func holds(_ source: SourceText) -> Bool {
        positions[ObjectIdentifier(source)] != nil
    }

    /// Nil for a text not given at the start.
    func spells(_ source: SourceText, _ word: String) -> Bool? {
        guard let position = positions[ObjectIdentifier(source)] else { return nil }
        return spelling(word).holds[position]
    }

    /// The positions of the texts that spell `word`, in order.
    func positions(spelling word: String) -> [Int] {
        spelling(word).positions
    }

    /// The position of `source` among the texts given at the start.
    func position(of source: SourceText) -> Int? {
        positions[ObjectIdentifier(source)]
    }

    private func spelling(_ word: String) -> Spelling {
        if let known = lock.withLock({ spelling[word] }) { return known }
        let looked = SpelledWords.Word(word)
        let holds = zip(texts, words).map { text, words in SpelledWords.spell(text.bytes, looked, known: words) }
        let found = Spelling(holds: holds, positions: holds.indices.filter { holds[$0] })
        lock.withLock { spelling[word] = found }
        return found
    }

    /// Nil for a text not given at the start.
    func mayCall(_ source: SourceText, _ word: String) -> Bool? {
        guard let position = positions[ObjectIdentifier(source)] else { return nil }
        if let known = lock.withLock({ calling[word]?[position] }) { return known }
        let found = Prefilter.mayCall(source.bytes, Array(word.utf8))
        lock.withLock { calling[word, default: [:]][position] = found }
        return found
    }

    func model(_ source: SourceText, parser: PythonParser) -> SemanticModel? {
        let slot = slot(of: source)
        return slot.lock.withLock { model(in: slot, parser: parser) }
    }

    /// Nil for a text with errors.
    func callIndex(_ source: SourceText, parser: PythonParser) -> CallIndex? {
        let slot = slot(of: source)
        return slot.lock.withLock { callIndex(in: slot, parser: parser) }
    }

    /// What `make` reads from `source`'s model, made once (see `SignatureGuard.signatures(of:path:trees:)`),
    /// with its call index if not made yet; nil for a text with errors.
    func signatures(
        _ source: SourceText, parser: PythonParser, make: (SemanticModel) -> [String: DefinedSignature]
    ) -> [String: DefinedSignature]? {
        let slot = slot(of: source)
        return slot.lock.withLock {
            if let known = slot.signatures { return known }
            let model = model(in: slot, parser: parser)
            let signatures = model.map(make)
            slot.signatures = .some(signatures)
            // The same parse gives its call index, which the check of its own calls reads next.
            if slot.index == nil { slot.index = .some(model.map(CallIndex.init)) }
            return signatures
        }
    }

    /// Makes the call indices of `sources` not made yet, for a scan that reads them in order.
    /// A text another thread is busy with is passed over and waited for last: two workers
    /// scanning the same callers in the same order then index different files instead of one
    /// waiting on each file the other is parsing.
    func prepareCallIndices(_ sources: [SourceText], parser: PythonParser) {
        var busy: [SourceText] = []
        for source in sources {
            let slot = slot(of: source)
            guard slot.lock.try() else {
                busy.append(source)
                continue
            }
            _ = callIndex(in: slot, parser: parser)
            slot.lock.unlock()
        }
        for source in busy { _ = callIndex(source, parser: parser) }
    }

    /// With `slot.lock` held.
    private func callIndex(in slot: Slot, parser: PythonParser) -> CallIndex? {
        if let known = slot.index { return known }
        let index = model(in: slot, parser: parser).map(CallIndex.init)
        slot.index = .some(index)
        return index
    }

    /// The modules `source` imports (``ModuleImports/imported``), read once from its kept tree or
    /// model, or from a parse nothing keeps; nil for a text with errors.
    func importedModules(_ source: SourceText, parser: PythonParser) -> Set<String>? {
        let slot = slot(of: source)
        return slot.lock.withLock {
            if let known = slot.imports { return known }
            let tree = (slot.model ?? nil)?.tree ?? self.tree(in: slot, parser: parser)
            let imports = tree.flatMap { $0.hasError ? nil : ModuleImports(path: source.path, tree: $0).imported }
            slot.imports = .some(imports)
            return imports
        }
    }

    private func slot(of source: SourceText) -> Slot {
        lock.withLock {
            if let known = slots[ObjectIdentifier(source)] { return known }
            let slot = Slot(source)
            slots[ObjectIdentifier(source)] = slot
            return slot
        }
    }

    /// With `slot.lock` held.
    private func model(in slot: Slot, parser: PythonParser) -> SemanticModel? {
        if let known = slot.model { return known }
        let model = tree(in: slot, parser: parser).flatMap { $0.hasError ? nil : SemanticModel(tree: $0) }
        let kept = lock.withLock {
            guard held + slot.source.bytes.count <= budget else { return false }
            held += slot.source.bytes.count
            return true
        }
        if kept { slot.model = .some(model) }
        return model
    }

    /// With `slot.lock` held: the text's tree, kept or parsed now (nil when it is beyond what
    /// ``PythonParser/parseWithinLimits(_:)`` parses). A tree parsed here is kept if the stages'
    /// room allows, for the next question about the text.
    private func tree(in slot: Slot, parser: PythonParser) -> SyntaxTree? {
        if let known = slot.tree { return known }
        if let known = stageTrees?.tree(of: slot.source) {
            slot.tree = known
            return known
        }
        guard let parsed = try? parser.parseWithinLimits(slot.source) else { return nil }
        if stageTrees?.keep(parsed) == true { slot.tree = parsed }
        return parsed
    }

    static func parse(_ source: SourceText, with parser: PythonParser) -> SemanticModel? {
        (try? parser.parseWithinLimits(source)).flatMap { $0.hasError ? nil : SemanticModel(tree: $0) }
    }
}

extension ByteRange {
    /// Overlapping, or an insertion at either end: an edit there changes what the range holds.
    func touches(_ other: ByteRange) -> Bool {
        other.start <= end && other.end >= start
    }
}

/// Byte ranges asked "does this edit touch any of you" once per edit: merged and sorted, so each
/// question is a binary search (a file with thousands of functions has thousands of headers).
struct TouchableRanges {
    /// Sorted, none touching another.
    private(set) var merged: [ByteRange] = []

    init(_ ranges: [ByteRange]) {
        for range in ranges.sorted(by: { $0.start < $1.start }) {
            if let last = merged.last, range.start <= last.end {
                merged[merged.count - 1] = ByteRange(last.start, max(last.end, range.end))
            } else {
                merged.append(range)
            }
        }
    }

    func contains(touching other: ByteRange) -> Bool {
        // The first range that ends at or after `other` starts is the only one that can touch it.
        var low = 0
        var high = merged.count
        while low < high {
            let middle = (low + high) / 2
            if merged[middle].end < other.start { low = middle + 1 } else { high = middle }
        }
        return low < merged.count && merged[low].touches(other)
    }
}
