@testable import RekeySyntax

/// Each node of `tree` as a line of what its table holds (range, parent, next sibling, kind,
/// field, flags), for comparing two parses whole.
public func nodeRecords(_ tree: SyntaxTree) -> [String] {
    tree.nodes.records.map {
        "\($0.startByte) \($0.endByte) \($0.parent) \($0.nextSibling) \($0.kind) \($0.storedField) \($0.flags.rawValue)"
    }
}
