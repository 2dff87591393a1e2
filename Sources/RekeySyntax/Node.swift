import CTreeSitter

/// A syntax node: a value that keeps its tree alive. Reads the tree's ``NodeTable``, so every
/// question about a node is an array lookup.
public struct Node: Sendable {
    public let tree: SyntaxTree
    let index: Int32

    init(index: Int32, tree: SyntaxTree) {
        self.index = index
        self.tree = tree
    }

    private var record: NodeTable.Record { tree.nodes[index] }

    public var kind: String { PythonGrammar.shared.kindBySymbol[Int(record.kind)] }
    public var nodeKind: NodeKind { NodeKind(id: record.kind) }
    public var isNamed: Bool { record.flags.contains(.named) }
    // ERROR nodes carry the builtin symbol `(TSSymbol)-1`, its own canonical kind.
    public var isError: Bool { record.kind == TSSymbol.max }
    public var isMissing: Bool { record.flags.contains(.missing) }
    public var hasError: Bool { record.flags.contains(.hasError) }

    public var byteRange: ByteRange {
        let record = record
        return ByteRange(Int(record.startByte), Int(record.endByte))
    }
    public var startByte: Int { Int(record.startByte) }
    public var endByte: Int { Int(record.endByte) }

    public var source: SourceText { tree.source }
    public var text: String { tree.source.text(in: byteRange) }

    /// The text with whitespace left out, as Python reads a dotted name or an annotation
    /// (`jax . random` is `jax.random`). ASCII text, nearly all, is filtered by its bytes.
    public var textWithoutWhitespace: String {
        let text = text
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return text.filter { !$0.isWhitespace } }
        // Tab, line feed, vertical tab, form feed, carriage return and space: the ASCII bytes
        // `Character.isWhitespace` holds true.
        func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        guard text.utf8.contains(where: isWhitespace) else { return text }
        return String(decoding: text.utf8.filter { !isWhitespace($0) }, as: UTF8.self)
    }
    public var startPosition: SourcePosition { tree.source.position(at: startByte) }
    public var endPosition: SourcePosition { tree.source.position(at: endByte) }

    public var parent: Node? { wrap(record.parent) }

    public var childCount: Int {
        var count = 0
        forEachChild { _, _ in count += 1 }
        return count
    }
    public var namedChildCount: Int {
        var count = 0
        forEachChild { child, _ in if child.isNamed { count += 1 } }
        return count
    }

    /// All children, in order.
    public var children: [Node] { collectChildren(namedOnly: false) }
    public var namedChildren: [Node] { collectChildren(namedOnly: true) }

    /// The first child stored under `field`.
    public func child(_ field: FieldName) -> Node? {
        let nodes = tree.nodes
        var child = nodes.firstChild(of: index)
        while child >= 0 {
            if nodes[child].field == field.id { return Node(index: child, tree: tree) }
            child = nodes[child].nextSibling
        }
        return nil
    }

    /// Every child stored under `field` (e.g. the several `name` children of an import).
    public func children(_ field: FieldName) -> [Node] {
        let wanted = field.id
        var result: [Node] = []
        forEachChild { child, fieldID in
            if fieldID == wanted { result.append(child) }
        }
        return result
    }

    public var nextSibling: Node? { wrap(record.nextSibling) }
    /// Found from the parent's first child: siblings are linked forward only.
    public var previousSibling: Node? {
        let nodes = tree.nodes
        let parent = record.parent
        guard parent >= 0 else { return nil }
        var previous: Int32 = -1
        var sibling = nodes.firstChild(of: parent)
        while sibling >= 0, sibling != index {
            previous = sibling
            sibling = nodes[sibling].nextSibling
        }
        return wrap(previous)
    }
    public var nextNamedSibling: Node? {
        var sibling = record.nextSibling
        while sibling >= 0, !tree.nodes[sibling].flags.contains(.named) { sibling = tree.nodes[sibling].nextSibling }
        return wrap(sibling)
    }

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

    /// The smallest named node spanning `range`, as tree-sitter's
    /// `ts_node_named_descendant_for_byte_range` finds it: the first child reaching past the
    /// range's start and to its end, and from there down.
    public func namedDescendant(for range: ByteRange) -> Node? {
        let nodes = tree.nodes
        var named = index
        var node = index
        descending: while true {
            var child = nodes.firstChild(of: node)
            while child >= 0 {
                let record = nodes[child]
                if Int(record.endByte) < range.end || Int(record.endByte) <= range.start {
                    child = record.nextSibling
                    continue
                }
                if range.start < Int(record.startByte) { break }
                node = child
                if record.flags.contains(.named) { named = child }
                continue descending
            }
            return Node(index: named, tree: tree)
        }
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
        let nodes = tree.nodes
        var child = nodes.firstChild(of: index)
        while child >= 0 {
            let record = nodes[child]
            body(Node(index: child, tree: tree), record.field)
            child = record.nextSibling
        }
    }

    private func collectChildren(namedOnly: Bool) -> [Node] {
        var result: [Node] = []
        forEachChild { child, _ in
            if !namedOnly || child.isNamed { result.append(child) }
        }
        return result
    }

    private func wrap(_ index: Int32) -> Node? {
        index < 0 ? nil : Node(index: index, tree: tree)
    }
}

extension Node: Equatable, Hashable {
    public static func == (lhs: Node, rhs: Node) -> Bool {
        lhs.tree === rhs.tree && lhs.index == rhs.index
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(index)
    }
}

extension Node: CustomStringConvertible {
    public var description: String { "\(kind)@\(byteRange)" }
}

extension Node {
    /// The S-expression indented one node per line, with each node's text for leaves. Built
    /// without recursion, so a tree of any depth prints.
    public var prettySExpression: String {
        let nodes = tree.nodes
        // The subtree is the run of records up to the next node that is not a descendant.
        var ancestor = index
        while ancestor >= 0, nodes[ancestor].nextSibling < 0 { ancestor = nodes[ancestor].parent }
        let end = ancestor < 0 ? Int32(nodes.count) : nodes[ancestor].nextSibling
        // Depth of each printed node, by offset from this one; unnamed nodes are not entered,
        // since they have no named descendants worth printing.
        var depths = [Int](repeating: -1, count: Int(end - index))
        var out = ""
        for current in index..<end {
            let record = nodes[current]
            guard record.flags.contains(.named) else { continue }
            var depth = 0
            if current != index {
                let parentDepth = depths[Int(record.parent - index)]
                guard parentDepth >= 0 else { continue }
                depth = parentDepth + 1
            }
            depths[Int(current - index)] = depth
            let node = Node(index: current, tree: tree)
            let field = record.field == 0 ? "" : PythonGrammar.shared.fieldName(record.field) + ": "
            out += String(repeating: "  ", count: depth) + field + node.kind
            out += " [\(node.startPosition)-\(node.endPosition)]"
            if node.namedChildCount == 0 { out += " " + node.text.debugDescription }
            out += "\n"
        }
        return out
    }
}
