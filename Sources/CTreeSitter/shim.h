#include <tree_sitter/api.h>

/// What a node table records of the node under a tree cursor. Gathered here, in C: each
/// `ts_node_*` call takes the 32-byte node by value, and Swift copies it afresh for every call.
typedef struct {
    uint32_t start_byte;
    uint32_t end_byte;
    uint32_t child_count;
    TSSymbol symbol;
    TSFieldId field;
    bool is_named;
    bool is_missing;
    bool has_error;
} RekeyCursorNode;

static inline RekeyCursorNode rekey_cursor_node(TSTreeCursor *cursor) {
    TSNode node = ts_tree_cursor_current_node(cursor);
    RekeyCursorNode facts;
    facts.start_byte = ts_node_start_byte(node);
    facts.end_byte = ts_node_end_byte(node);
    facts.child_count = ts_node_child_count(node);
    facts.symbol = ts_node_symbol(node);
    facts.field = ts_tree_cursor_current_field_id(cursor);
    facts.is_named = ts_node_is_named(node);
    facts.is_missing = ts_node_is_missing(node);
    facts.has_error = ts_node_has_error(node);
    return facts;
}
