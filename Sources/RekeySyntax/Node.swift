import CTreeSitter

/// A syntax node: a value that keeps its tree alive.
public struct Node: @unchecked Sendable {
    // A `TSNode` without its tree pointer, which `tree` holds already: 32 bytes rather than 40,
    // in every table of nodes the analysis keeps.
    private let context: (UInt32, UInt32, UInt32, UInt32)
    private let id: UnsafeRawPointer?
    public let tree: SyntaxTree

    init(raw: TSNode, tree: SyntaxTree) {
        assert(raw.tree == tree.raw, "a node wrapped with another tree than its own")
        context = raw.context
        id = raw.id
        self.tree = tree
    }

    var raw: TSNode { TSNode(context: context, id: id, tree: tree.raw) }

    public var kind: String { PythonGrammar.shared.kindBySymbol[Int(ts_node_symbol(raw))] }
    public var isNamed: Bool { ts_node_is_named(raw) }
    // 0.20.7 has no ts_node_is_error; ERROR nodes carry the builtin symbol `(TSSymbol)-1`.
    public var isError: Bool { ts_node_symbol(raw) == TSSymbol.max }
    public var isMissing: Bool { ts_node_is_missing(raw) }
    public var hasError: Bool { ts_node_has_error(raw) }

    public var byteRange: ByteRange {
        ByteRange(Int(ts_node_start_byte(raw)), Int(ts_node_end_byte(raw)))
    }
    public var startByte: Int { Int(ts_node_start_byte(raw)) }
    public var endByte: Int { Int(ts_node_end_byte(raw)) }

    public var source: SourceText { tree.source }
    public var text: String { tree.source.text(in: byteRange) }
    public var startPosition: SourcePosition { tree.source.position(at: startByte) }
    public var endPosition: SourcePosition { tree.source.position(at: endByte) }

    public var parent: Node? { wrap(tree.parent(of: raw)) }

    public var childCount: Int { Int(ts_node_child_count(raw)) }
    public var namedChildCount: Int { Int(ts_node_named_child_count(raw)) }

    /// All children, in order. Walks with a cursor: indexed child access is linear per call in
    /// this tree-sitter runtime, which makes index loops quadratic.
    public var children: [Node] { collectChildren(namedOnly: false) }
    public var namedChildren: [Node] { collectChildren(namedOnly: true) }

    /// Every child stored under `field` (e.g. the several `name` children of an import).
    public func children(_ field: FieldName) -> [Node] {
        let wanted = field.id
        var result: [Node] = []
        forEachChild { child, fieldID in
            if fieldID == wanted { result.append(child) }
        }
        return result
    }

    public var nextSibling: Node? { wrap(ts_node_next_sibling(raw)) }
    public var previousSibling: Node? { wrap(ts_node_prev_sibling(raw)) }
    public var nextNamedSibling: Node? { wrap(ts_node_next_named_sibling(raw)) }

    /// The first ERROR or MISSING node below (or at) this node. Descends without recursion: the
    /// path to an error can be as deep as the tree.
    public var firstError: Node? {
        var node = self
        descending: while true {
            if node.isError || node.isMissing { return node }
            guard node.hasError else { return nil }
            for child in node.children where child.isError || child.isMissing || child.hasError {
                node = child
                continue descending
            }
            return nil
        }
    }

    /// The smallest named node spanning `range`.
    public func namedDescendant(for range: ByteRange) -> Node? {
        wrap(ts_node_named_descendant_for_byte_range(raw, UInt32(range.start), UInt32(range.end)))
    }

    /// Nearest ancestor (not self) satisfying `predicate`.
    public func ancestor(where predicate: (Node) -> Bool) -> Node? {
        var current = parent
        while let node = current {
            if predicate(node) { return node }
            current = node.parent
        }
        return nil
    }

    /// Calls `body` for every child with its field id (0 when the child has no field).
    func forEachChild(_ body: (Node, TSFieldId) -> Void) {
        var cursor = ts_tree_cursor_new(raw)
        defer { ts_tree_cursor_delete(&cursor) }
        guard ts_tree_cursor_goto_first_child(&cursor) else { return }
        repeat {
            body(
                Node(raw: ts_tree_cursor_current_node(&cursor), tree: tree),
                ts_tree_cursor_current_field_id(&cursor))
        } while ts_tree_cursor_goto_next_sibling(&cursor)
    }

    private func collectChildren(namedOnly: Bool) -> [Node] {
        var result: [Node] = []
        result.reserveCapacity(namedOnly ? namedChildCount : childCount)
        forEachChild { child, _ in
            if !namedOnly || child.isNamed { result.append(child) }
        }
        return result
    }

    private func wrap(_ node: TSNode) -> Node? {
        ts_node_is_null(node) ? nil : Node(raw: node, tree: tree)
    }
}

extension Node: Equatable, Hashable {
    public static func == (lhs: Node, rhs: Node) -> Bool {
        lhs.tree === rhs.tree && ts_node_eq(lhs.raw, rhs.raw)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(startByte)
        hasher.combine(endByte)
        hasher.combine(ts_node_symbol(raw))
    }
}

extension Node: CustomStringConvertible {
    public var description: String { "\(kind)@\(byteRange)" }
}

extension Node {
    /// The S-expression indented one node per line, with each node's text for leaves. Built with a
    /// cursor rather than recursion, so a tree of any depth prints.
    public var prettySExpression: String {
        var out = ""
        var cursor = ts_tree_cursor_new(raw)
        defer { ts_tree_cursor_delete(&cursor) }
        var depth = 0
        while true {
            let node = Node(raw: ts_tree_cursor_current_node(&cursor), tree: tree)
            if node.isNamed {
                let field = ts_tree_cursor_current_field_name(&cursor).map { String(cString: $0) + ": " } ?? ""
                out += String(repeating: "  ", count: depth) + field + node.kind
                out += " [\(node.startPosition)-\(node.endPosition)]"
                if node.namedChildCount == 0 { out += " " + node.text.debugDescription }
                out += "\n"
            }
            // Unnamed nodes have no named descendants worth printing, so only named ones are entered.
            if node.isNamed, ts_tree_cursor_goto_first_child(&cursor) {
                depth += 1
                continue
            }
            while !ts_tree_cursor_goto_next_sibling(&cursor) {
                guard depth > 0, ts_tree_cursor_goto_parent(&cursor) else { return out }
                depth -= 1
            }
        }
    }
}
