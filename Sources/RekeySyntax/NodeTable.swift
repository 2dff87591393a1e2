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

    /// Walks `tree` once with a cursor, parents before children, siblings in order. Nil for a
    /// tree of more nodes than an `Int32` counts (a file of some 700 MB or more). The records are
    /// gathered in `scratch`, which a parser keeps from file to file: grown by doubling, a fresh
    /// array would be reallocated and copied at each doubling, into pages never touched before.
    init?(_ tree: OpaquePointer, scratch records: inout ContiguousArray<Record>) {
        let canonicalKind = PythonGrammar.shared.canonicalKind
        records.removeAll(keepingCapacity: true)
        var cursor = ts_tree_cursor_new(ts_tree_root_node(tree))
        defer { ts_tree_cursor_delete(&cursor) }

        func append(parent: Int32, field: TSFieldId) -> Int32 {
            let node = ts_tree_cursor_current_node(&cursor)
            var flags: Flags = []
            if ts_node_is_named(node) { flags.insert(.named) }
            if ts_node_is_missing(node) { flags.insert(.missing) }
            if ts_node_has_error(node) { flags.insert(.hasError) }
            records.append(
                Record(
                    startByte: ts_node_start_byte(node), endByte: ts_node_end_byte(node), parent: parent,
                    kind: canonicalKind[Int(ts_node_symbol(node))], storedField: UInt8(field), flags: flags))
            return Int32(records.count - 1)
        }

        var current = append(parent: -1, field: 0)
        var ancestors: [Int32] = []
        while true {
            guard records.count < Int32.max else { return nil }
            if ts_tree_cursor_goto_first_child(&cursor) {
                ancestors.append(current)
                current = append(parent: current, field: ts_tree_cursor_current_field_id(&cursor))
                continue
            }
            while !ts_tree_cursor_goto_next_sibling(&cursor) {
                guard ts_tree_cursor_goto_parent(&cursor) else {
                    // A table may be kept for later stages (see `KeptTrees` in the driver), so it
                    // takes only the memory its records need.
                    self.records = records.withUnsafeBufferPointer { ContiguousArray($0) }
                    return
                }
                current = ancestors.removeLast()
            }
            let sibling = append(parent: ancestors[ancestors.count - 1], field: ts_tree_cursor_current_field_id(&cursor))
            records[Int(current)].nextSibling = sibling
            current = sibling
        }
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
