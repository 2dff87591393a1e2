import CTreeSitter

extension SyntaxTree {
    /// Visits every node in document order with a single cursor, the cheapest full traversal
    /// tree-sitter offers. Returns the number of nodes visited. Used by the benchmark's bare-parse
    /// baseline, so it must stay as cheap as a C walk.
    @discardableResult
    public func walkAllNodes() -> Int {
        var cursor = ts_tree_cursor_new(ts_tree_root_node(raw))
        defer { ts_tree_cursor_delete(&cursor) }
        var visited = 1
        while true {
            if ts_tree_cursor_goto_first_child(&cursor) {
                visited += 1
                continue
            }
            while !ts_tree_cursor_goto_next_sibling(&cursor) {
                if !ts_tree_cursor_goto_parent(&cursor) { return visited }
            }
            visited += 1
        }
    }

    /// The first node, in document order, more than `depth` levels below the root; nil if the tree
    /// is no deeper. Iterative, so it can measure a tree of any depth.
    public func firstNode(deeperThan depth: Int) -> Node? {
        var cursor = ts_tree_cursor_new(ts_tree_root_node(raw))
        defer { ts_tree_cursor_delete(&cursor) }
        var level = 0
        while true {
            if ts_tree_cursor_goto_first_child(&cursor) {
                level += 1
                if level > depth { return Node(raw: ts_tree_cursor_current_node(&cursor), tree: self) }
                continue
            }
            while !ts_tree_cursor_goto_next_sibling(&cursor) {
                if !ts_tree_cursor_goto_parent(&cursor) { return nil }
                level -= 1
            }
        }
    }
}
