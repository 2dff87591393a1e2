import Foundation
import RekeySyntax
import RekeyTestSupport
import Testing

@testable import RekeyAnalysis

/// Python source with `↓` markers (SwiftLint's convention) in front of the nodes a test points
/// at. The markers are removed; their UTF-8 byte offsets in the cleaned text are kept, so a test
/// says "the read here" instead of counting lines and columns.
struct MarkedSource {
    static let marker: Character = "↓"

    let text: String
    let offsets: [Int]

    init(_ marked: String) {
        var text = ""
        var offsets: [Int] = []
        for character in marked {
            if character == MarkedSource.marker {
                offsets.append(text.utf8.count)
            } else {
                text.append(character)
            }
        }
        self.text = text
        self.offsets = offsets
    }
}

/// One parsed and analysed Python file, with lookups by marker and by scope name.
struct Analysis {
    let model: SemanticModel
    let markers: [Int]

    /// Parses `marked` (after removing markers); fails the test if the fixture is not valid Python,
    /// so a typo in a fixture cannot pass as "the analysis found nothing".
    init(_ marked: String, path: String = "t.py") throws {
        let source = MarkedSource(marked)
        let tree = try PythonParser().parse(SourceText(path: path, text: source.text))
        try #require(!tree.hasError, "fixture does not parse: \(tree.firstError.map(\.description) ?? "")")
        model = SemanticModel(tree: tree)
        markers = source.offsets
    }

    var source: SourceText { model.source }

    func offset(_ marker: Int) throws -> Int {
        try #require(markers.indices.contains(marker), "fixture has no marker #\(marker)")
        return markers[marker]
    }

    /// The name read that starts at `marker`.
    func reference(_ marker: Int = 0) throws -> Reference {
        let offset = try offset(marker)
        return try #require(
            model.references.first { $0.node.startByte == offset },
            "no name read at marker #\(marker)")
    }

    /// The scope whose binding the read at `marker` sees, by its qualified name (`<module>`,
    /// `f.g`, `f.<comprehension>`); nil for builtins and undefined names.
    func resolvedScope(_ marker: Int = 0) throws -> String? {
        let reference = try reference(marker)
        return model.scopeBinding(reference.name, from: reference.scope)?.qualifiedName
    }

    /// The innermost call that starts at `marker`.
    func call(_ marker: Int = 0) throws -> (call: Node, scope: Scope) {
        let offset = try offset(marker)
        let starting = model.calls.filter { $0.call.startByte == offset }
        return try #require(
            starting.min { $0.call.byteRange.length < $1.call.byteRange.length },
            "no call at marker #\(marker)")
    }

    /// What the callee of the call at `marker` denotes through imports.
    func calleeName(_ marker: Int = 0) throws -> String? {
        let (call, scope) = try call(marker)
        let callee = try #require(call.child(.function))
        return model.qualifiedName(of: callee, in: scope)
    }

    /// The one scope with this qualified name.
    func scope(_ qualifiedName: String) throws -> Scope {
        let matching = model.scopes.filter { $0.qualifiedName == qualifiedName }
        try #require(matching.count == 1, "\(matching.count) scopes named \(qualifiedName)")
        return matching[0]
    }

    /// How `name` is bound in the scope named `scopeName`, in source order.
    func bindingKinds(_ name: String, in scopeName: String) throws -> [Binding.Kind] {
        try scope(scopeName).bindings[name]?.map(\.kind) ?? []
    }

    /// The start offsets of the calls `CallSites` finds for the function or method `name`,
    /// sorted; throws the `Unresolvable` when it finds none.
    func callSiteStarts(of name: String) throws -> [Int] {
        try CallSites.uses(of: scope(name), in: model).get().map { $0.call.startByte }.sorted()
    }

    /// Why `CallSites` cannot list the callers of `name`; fails the test if it could.
    func callSiteFailure(of name: String) throws -> String {
        let result = CallSites.uses(of: try scope(name), in: model)
        let error = try #require(throws: CallSites.Unresolvable.self) { try result.get() }
        return error.description
    }
}

/// Runs `body` with a fresh temporary directory holding `files` (empty, at their relative paths),
/// and removes the directory afterwards.
func withTemporaryTree<T>(_ files: [String], _ body: (URL) throws -> T) throws -> T {
    try TemporaryTree.with(Dictionary(uniqueKeysWithValues: files.map { ($0, "") }), prefix: "rekey-analysis") { try body($0.root) }
}
