import CTreeSitter

/// Every node of a parsed file, in document order, copied out of tree-sitter in one cursor walk.
/// Later passes ask a file's tree for children, parents and fields many times over; answered by
/// tree-sitter, each question walks its internal subtrees again (a child list needs a new cursor,
/// a parent a descent from the root), which cost about as much as parsing. Read from this table,
/// each is an array lookup, and tree-sitter's own tree can be freed as soon as the table is built.
struct NodeTable {
    /// One node. A node's first child, if it has any, is the next record: document order.
    /// 20 bytes: a table takes about 4 bytes a byte of Python.
    struct Record: Equatable {
        let startByte: UInt32
        let endByte: UInt32
        let parent: Int32
        var nextSibling: Int32 = -1
        /// The canonical kind (``NodeKind``): aliases of one name share it.
        let kind: UInt16
        /// The field this node is stored under in its parent; 0 for none (the grammar has fewer
        /// than 256 fields, see ``PythonGrammar``).
        let storedField: UInt8
        let flags: Flags

        var field: TSFieldId { TSFieldId(storedField) }
    }

    struct Flags: OptionSet {
        let rawValue: UInt8
        static let named = Flags(rawValue: 1)
        static let missing = Flags(rawValue: 2)
        static let hasError = Flags(rawValue: 4)
    }

    let records: ContiguousArray<Record>
    /// How many levels the deepest node lies below the root (0 for a lone root).
    let depth: Int

    /// Walks `tree` once with a cursor, parents before children, siblings in order. Nil for a
    /// tree of more nodes than an `Int32` counts (a file of some 700 MB or more). The records are
    /// gathered in `scratch`, which a parser keeps from file to file: grown by doubling, a fresh
    /// array would be reallocated and copied at each doubling, into pages never touched before.
    init?(_ tree: OpaquePointer, scratch records: inout ContiguousArray<Record>) {
        let canonicalKind = PythonGrammar.shared.canonicalKind
        records.removeAll(keepingCapacity: true)
        // The node visited last; climbing from it follows the parent links already recorded.
        var current: Int32 = -1
        var (level, deepest) = (0, 0)
        let walked = CursorWalk.visitEveryNode(of: tree) { cursor, step -> UInt32? in
            guard records.count < Int32.max else { return nil }
            let parent: Int32
            switch step {
            case .root:
                parent = -1
            case .firstChild:
                parent = current
                level += 1
                deepest = max(deepest, level)
            case .nextSibling(let climbed):
                for _ in 0..<climbed { current = records[Int(current)].parent }
                parent = records[Int(current)].parent
                level -= climbed
            }
            let node = rekey_cursor_node(&cursor)
            var flags: Flags = []
            if node.is_named { flags.insert(.named) }
            if node.is_missing { flags.insert(.missing) }
            if node.has_error { flags.insert(.hasError) }
            records.append(
                Record(
                    startByte: node.start_byte, endByte: node.end_byte, parent: parent, kind: canonicalKind[Int(node.symbol)],
                    storedField: UInt8(node.field), flags: flags))
            let index = Int32(records.count - 1)
            if case .nextSibling = step { records[Int(current)].nextSibling = index }
            current = index
            return node.child_count
        }
        guard walked else { return nil }
        // A table may be kept for later stages (see `KeptTrees` in the driver), so it takes only
        // the memory its records need.
        self.records = records.withUnsafeBufferPointer { ContiguousArray($0) }
        depth = deepest
    }

    subscript(index: Int32) -> Record { records[Int(index)] }

    var count: Int { records.count }

    var memoryBytes: Int { records.capacity * MemoryLayout<Record>.stride }

    /// The first child of the node at `index`, or -1.
    func firstChild(of index: Int32) -> Int32 {
        let next = Int(index) + 1
        return next < records.count && records[next].parent == index ? index + 1 : -1
    }
}

/// The walk over every node of a tree-sitter tree that both the node table and the bare parse (the
/// floor rekey is measured against) make: one cursor, parents before children, siblings in order.
enum CursorWalk {
    /// How the cursor reached a node.
    enum Step {
        case root
        case firstChild
        /// After climbing `climbed` levels from the node visited before (0: its own next sibling).
        case nextSibling(climbed: Int)
    }

    /// Calls `visit` with the cursor on each node, which returns how many children the node has
    /// (`ts_node_child_count`), or nil to stop the walk; returns whether every node was visited.
    /// The cursor is asked for a child or a sibling only when there is one: a step that fails
    /// costs about as much as one that succeeds, and half of all steps would fail (a leaf has no
    /// child, a last child no sibling).
    static func visitEveryNode(of tree: OpaquePointer, _ visit: (inout TSTreeCursor, Step) -> UInt32?) -> Bool {
        var cursor = ts_tree_cursor_new(ts_tree_root_node(tree))
        defer { ts_tree_cursor_delete(&cursor) }
        guard var children = visit(&cursor, .root) else { return false }
        // For each ancestor of the cursor's node, how many of its children come after the one the
        // walk is in.
        var siblingsLeft: [UInt32] = []
        while true {
            if children > 0, ts_tree_cursor_goto_first_child(&cursor) {
                siblingsLeft.append(children - 1)
                guard let count = visit(&cursor, .firstChild) else { return false }
                children = count
                continue
            }
            // Up to the nearest ancestor with a child left, and on to that child. (No `||` here:
            // its right side would be a closure, and each use of the cursor checked for exclusive
            // access at run time.)
            var climbed = 0
            while let left = siblingsLeft.last {
                if left > 0, ts_tree_cursor_goto_next_sibling(&cursor) { break }
                siblingsLeft.removeLast()
                ts_tree_cursor_goto_parent(&cursor)
                climbed += 1
            }
            guard !siblingsLeft.isEmpty else { return true }
            siblingsLeft[siblingsLeft.count - 1] -= 1
            guard let count = visit(&cursor, .nextSibling(climbed: climbed)) else { return false }
            children = count
        }
    }
}
