import RekeyAnalysis
import RekeyEdits
import RekeySyntax

/// What a file's fixes leave untidy, tidied once they are all applied, as the project would
/// write it:
/// - imports the fixes made unused (used before, used nowhere after) are removed; imports that
///   were unused already, or are listed in `__all__`, stay;
/// - a line the fixes lengthened past the project's line length, ending in the argument or
///   parameter list they grew, is split as black splits it: the list on one indented line of its
///   own when that fits, else one item per line with a trailing comma. Lines the file had already
///   are never touched.
/// Whitespace, commas and unused imports only: nothing a program does depends on them. The result
/// is re-parsed and checked, and kept only if it passes as the fixes' output did.
public enum FixTidying {
    public static func tidy(original: SourceText, updated: SourceText, parser: PythonParser, lineLength: Int) -> SourceText {
        // Checked as fixes are (`parseCompilable`): tree-sitter accepts an emptied block that
        // CPython refuses. The tree that passed the check is the next step's.
        guard let originalTree = try? parser.parseWithinLimits(original), var tree = try? parser.parseCompilable(updated)
        else { return updated }
        let originalModel = SemanticModel(tree: originalTree)
        var current = updated
        for step in [removingUnusedImports(original:), wrappingLongLines(original:)] {
            let edits = step(originalModel)(SemanticModel(tree: tree), lineLength)
            guard !edits.isEmpty,
                let next = try? SourceText(path: current.path, bytes: FixApplier.applying(edits, to: current)),
                let nextTree = try? parser.parseCompilable(next)
            else { continue }
            current = next
            tree = nextTree
        }
        return current
    }

    // MARK: Imports

    private static func removingUnusedImports(original: SemanticModel) -> (SemanticModel, Int) -> [Edit] {
        { model, _ in
            let exported = PublicSurface.exported(by: model)
            var unused: [Node: [Binding]] = [:]
            for (name, bindings) in model.moduleScope.bindings where bindings.count == 1 && !exported.contains(name) {
                let binding = bindings[0]
                guard binding.importedName != nil,
                    original.moduleScope.bindings[name]?.allSatisfy({ $0.importedName == binding.importedName }) == true,
                    !original.references(to: name, boundIn: original.moduleScope).isEmpty,
                    model.references(to: name, boundIn: model.moduleScope).isEmpty,
                    model.tree.root.namedChildren.contains(binding.site)
                else { continue }
                unused[binding.site, default: []].append(binding)
            }
            return unused.compactMap { statement, bindings in removal(of: bindings, from: statement) }
        }
    }

    /// The statement's lines when every name it imports goes, else the one name with its comma.
    private static func removal(of bindings: [Binding], from statement: Node) -> Edit? {
        let imported = statement.children(.name)
        if imported.count == bindings.count {
            return SourceEditing.wholeLines(of: statement).map { SourceEditing.deletingLines($0, in: statement.source) }
        }
        guard bindings.count == 1 else { return nil }
        return SourceEditing.removingImportedName(bindings[0].nameNode, from: statement)
    }

    // MARK: Long lines

    private static func wrappingLongLines(original: SemanticModel) -> (SemanticModel, Int) -> [Edit] {
        { model, lineLength in
            let source = model.source
            let existing = Set(original.source.string.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline))
            var edits: [Edit] = []
            for index in source.lineStarts.indices {
                let range = source.lineRange(index)
                let line = source.text(in: range).trimmingLineEnd()
                guard line.count > lineLength, !existing.contains(Substring(line)),
                    let list = lastList(on: range, in: model), let edit = split(list, lineLength: lineLength)
                else { continue }
                edits.append(edit)
            }
            return edits
        }
    }

    /// The argument or parameter list whose closing parenthesis is the last bracket of the line
    /// (before a trailing `:`), opened on the same line: black's right-hand split point.
    private static func lastList(on line: ByteRange, in model: SemanticModel) -> Node? {
        let bytes = model.source.bytes
        var end = line.end
        while end > line.start, [UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: " "), UInt8(ascii: "\t")].contains(bytes[end - 1]) {
            end -= 1
        }
        if end > line.start, bytes[end - 1] == UInt8(ascii: ":") { end -= 1 }
        guard end > line.start, bytes[end - 1] == UInt8(ascii: ")"),
            var node = model.tree.root.namedDescendant(for: ByteRange(end - 1, end))
        else { return nil }
        while node.nodeKind != .argumentList && node.nodeKind != .parameters, let parent = node.parent { node = parent }
        guard node.nodeKind == .argumentList || node.nodeKind == .parameters, node.endByte == end,
            node.startByte >= line.start
        else { return nil }
        return node
    }

    /// The list split after its `(` and before its `)`: its items on one line indented by four
    /// more spaces when that fits, else one per line with a trailing comma. Nil for a list holding
    /// a comment or a bare generator, or when the items still do not fit.
    private static func split(_ list: Node, lineLength: Int) -> Edit? {
        let source = list.source
        let items = list.namedChildren
        guard !items.isEmpty, !items.contains(where: { $0.nodeKind == .comment }),
            list.children.first?.kind == "(", list.children.last?.kind == ")"
        else { return nil }
        let indent = source.indentation(ofLineAt: list.startByte)
        let inner = indent + (indent.contains("\t") ? "\t" : "    ")
        let newline = source.lineEnding.rawValue
        let texts = items.map(\.text)
        guard !texts.contains(where: { $0.contains("\n") }) else { return nil }
        let hugged = inner + texts.joined(separator: ", ")
        let body: String
        if hugged.count <= lineLength {
            body = newline + hugged + newline + indent
        } else {
            guard texts.allSatisfy({ (inner + $0 + ",").count <= lineLength }) else { return nil }
            body = newline + texts.map { inner + $0 + "," }.joined(separator: newline) + newline + indent
        }
        return .replacement(ByteRange(list.startByte + 1, list.endByte - 1), with: body)
    }
}

extension String {
    fileprivate func trimmingLineEnd() -> String {
        var result = self
        while let last = result.last, last.isNewline { result.removeLast() }
        return result
    }
}
