import CTreeSitter

/// Owns one `TSParser`. A parser is not thread-safe: use one per thread.
public final class PythonParser {
    private let parser: OpaquePointer
    /// Where each parse's node table is gathered before it is copied out (see ``NodeTable``); kept
    /// for the next file unless it outgrew ``keptScratchRecords`` (20 MB) on an unusually large one.
    private var nodeScratch = ContiguousArray<NodeTable.Record>()
    private static let keptScratchRecords = 1 << 20

    public enum Failure: Error, CustomStringConvertible {
        case incompatibleGrammar(abi: Int)
        case parseFailed(path: String)
        /// tree-sitter counts bytes in 32 bits, and rekey's node table nodes in 31.
        case tooLarge(path: String)

        public var description: String {
            switch self {
            case .incompatibleGrammar(let abi):
                return "the tree-sitter runtime cannot load the Python grammar (grammar ABI \(abi))"
            case .parseFailed(let path):
                return "tree-sitter returned no tree for \(path)"
            case .tooLarge(let path):
                return "\(path) is too large to parse: tree-sitter reads at most 4 GiB, and rekey at most 2³¹ syntax nodes a file"
            }
        }
    }

    public init() throws(Failure) {
        parser = ts_parser_new()
        guard ts_parser_set_language(parser, PythonGrammar.shared.language) else {
            ts_parser_delete(parser)
            throw .incompatibleGrammar(abi: PythonGrammar.shared.abiVersion)
        }
    }

    /// A parser for a grammar this runtime is known to load: loading is decided by the grammar's
    /// ABI and the runtime alone, so once ``LoadableGrammar/check()`` succeeded it cannot fail.
    public init(_ grammar: LoadableGrammar) {
        parser = ts_parser_new()
        let loaded = ts_parser_set_language(parser, PythonGrammar.shared.language)
        precondition(loaded, "the Python grammar loaded once in this process and not again")
    }

    deinit {
        ts_parser_delete(parser)
    }

    /// The deepest tree ``parseCompilable(_:)`` returns. rekey's analysis walks trees recursively,
    /// a few stack frames per level; a bound keeps every walk within the stack its threads get
    /// (see `LargeStackThread` in RekeyDriver, whose size is derived from this). CPython 3.11
    /// compiles no nesting deeper than about 3,000 levels except flat `and`/`or`/comparison
    /// chains, which tree-sitter nests one level per operand.
    public static let maximumNestingDepth = 5_000

    /// Parses `source` if CPython would accept it, as far as ``IndentationScan`` and
    /// ``CompileCheck`` can tell, and its tree is at most ``maximumNestingDepth`` deep; throws
    /// the first problem otherwise. The indentation is checked before tree-sitter sees the text,
    /// since some of what CPython refuses there also breaks the grammar's scanner.
    public func parseCompilable(_ source: SourceText) throws(SourceProblem) -> SyntaxTree {
        try parseCompilable(source, reusing: nil)
    }

    /// ``parseCompilable(_:)`` of `source`, the text of `base` after `changes`: tree-sitter
    /// parses again only what the changes touch, and reuses the rest of `base`'s tree. The
    /// result is the tree a fresh parse gives (`IncrementalParseTests` compares the two).
    public func parseCompilable(_ source: SourceText, changing base: EditableTree, by changes: [TextChange]) throws(SourceProblem)
        -> SyntaxTree
    {
        try parseCompilable(source, reusing: base.edited(by: changes))
    }

    /// A tree of `source` kept for ``parseCompilable(_:changing:by:)``; nil when tree-sitter
    /// returns none or the text is too large for it.
    public func editableTree(_ source: SourceText) -> EditableTree? {
        (try? parseRaw(source, reusing: nil)).map { EditableTree(raw: $0, source: source) }
    }

    /// `edited`: a copy of an earlier tree with the edits that made `source` applied, consumed here.
    private func parseCompilable(_ source: SourceText, reusing edited: OpaquePointer?) throws(SourceProblem) -> SyntaxTree {
        defer { if let edited { ts_tree_delete(edited) } }
        let scan = IndentationScan(source)
        if let problem = scan.problem { throw problem }
        let tree: SyntaxTree
        do {
            tree = try parse(source, reusing: edited)
        } catch {
            throw SourceProblem(.parserFailed, at: SourcePosition(line: 1, column: 1))
        }
        if let error = tree.firstError {
            throw SourceProblem(.syntaxError, at: error.startPosition)
        }
        if let problem = CompileCheck(tree, indentedLineStarts: scan.indentedLineStarts).problem { throw problem }
        return tree
    }

    /// Parses `source` unless parsing it or walking its tree recursively is unsafe: anything
    /// ``IndentationScan`` refuses (checked before tree-sitter sees the text), or a tree deeper
    /// than ``maximumNestingDepth``. Unlike ``parseCompilable(_:)``, a tree with syntax errors,
    /// or with what else CPython would refuse, is returned.
    public func parseWithinLimits(_ source: SourceText) throws(SourceProblem) -> SyntaxTree {
        if let problem = IndentationScan(source).problem { throw problem }
        let tree: SyntaxTree
        do {
            tree = try parse(source)
        } catch {
            throw SourceProblem(.parserFailed, at: SourcePosition(line: 1, column: 1))
        }
        if let deep = tree.firstNode(deeperThan: Self.maximumNestingDepth) {
            throw SourceProblem(.nestedTooDeeply, at: deep.startPosition)
        }
        return tree
    }

    public func parse(_ source: SourceText) throws(Failure) -> SyntaxTree {
        try parse(source, reusing: nil)
    }

    private func parse(_ source: SourceText, reusing edited: OpaquePointer?) throws(Failure) -> SyntaxTree {
        let raw = try parseRaw(source, reusing: edited)
        defer { ts_tree_delete(raw) }
        defer { if nodeScratch.capacity > Self.keptScratchRecords { nodeScratch = [] } }
        guard let nodes = NodeTable(raw, scratch: &nodeScratch) else { throw .tooLarge(path: source.path) }
        return SyntaxTree(nodes: nodes, source: source)
    }

    /// What tree-sitter alone costs on `source`, the floor rekey is measured against: parses it,
    /// visits every node with a single cursor (the cheapest full traversal tree-sitter offers),
    /// and returns the number of nodes visited.
    public func parseAndWalk(_ source: SourceText) throws(Failure) -> Int {
        let raw = try parseRaw(source, reusing: nil)
        defer { ts_tree_delete(raw) }
        var visited = 0
        _ = CursorWalk.visitEveryNode(of: raw) { cursor, _ in
            visited += 1
            return ts_node_child_count(ts_tree_cursor_current_node(&cursor))
        }
        return visited
    }

    private func parseRaw(_ source: SourceText, reusing edited: OpaquePointer?) throws(Failure) -> OpaquePointer {
        let bytes = source.bytesWithLoneCarriageReturnsAsNewlines ?? source.bytes
        guard bytes.count <= UInt32.max else { throw .tooLarge(path: source.path) }
        let raw: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                ts_parser_parse_string_encoding(
                    parser, edited, chars.baseAddress, UInt32(chars.count), TSInputEncodingUTF8)
            }
        }
        guard let raw else { throw .parseFailed(path: source.path) }
        return raw
    }
}

/// A replacement of a byte range of a text, as an edit applies it.
public struct TextChange: Sendable {
    public let range: ByteRange
    public let replacement: String

    public init(range: ByteRange, replacement: String) {
        self.range = range
        self.replacement = replacement
    }
}

/// A text's tree as tree-sitter holds it, kept so that edited versions of the text are parsed
/// incrementally (screening parses a file once per fix). Never changed once made: each parse
/// edits its own copy (`ts_tree_copy`, which shares the nodes and may run on any thread).
public final class EditableTree: @unchecked Sendable {
    private let raw: OpaquePointer
    public let source: SourceText

    fileprivate init(raw: OpaquePointer, source: SourceText) {
        self.raw = raw
        self.source = source
    }

    deinit { ts_tree_delete(raw) }

    /// A copy with `changes` (ranges of ``source``, not overlapping) applied, for the caller to
    /// delete. Applied from the last to the first, so each range still means what it did in
    /// `source`; of two at one offset, an insertion there lands before a replacement starting
    /// there (as ``FixApplier`` applies them), so it is applied after it.
    fileprivate func edited(by changes: [TextChange]) -> OpaquePointer {
        let copy = ts_tree_copy(raw)!
        for change in changes.sorted(by: { ($0.range.start, $0.range.end) > ($1.range.start, $1.range.end) }) {
            let start = point(at: change.range.start)
            var edit = TSInputEdit(
                start_byte: UInt32(change.range.start), old_end_byte: UInt32(change.range.end),
                new_end_byte: UInt32(change.range.start + change.replacement.utf8.count),
                start_point: start, old_end_point: point(at: change.range.end),
                new_end_point: Self.point(after: change.replacement.utf8, from: start))
            ts_tree_edit(copy, &edit)
        }
        return copy
    }

    /// The row and byte column tree-sitter gives `offset`: the text's lines end where the parsed
    /// bytes' do (a lone carriage return is parsed as a line feed).
    private func point(at offset: Int) -> TSPoint {
        let line = source.lineIndex(at: offset)
        return TSPoint(row: UInt32(line), column: UInt32(offset - source.lineStarts[line]))
    }

    /// Where `bytes` end when they start at `start`; a carriage return not followed by a line
    /// feed ends a line, as in the parsed bytes.
    private static func point(after bytes: some Collection<UInt8>, from start: TSPoint) -> TSPoint {
        var point = start
        var afterCarriageReturn = false
        for byte in bytes {
            if byte == UInt8(ascii: "\n") && afterCarriageReturn {
                // The line ended at the carriage return before it, counted there.
                point.column = 0
            } else if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                point.row += 1
                point.column = 0
            } else {
                point.column += 1
            }
            afterCarriageReturn = byte == UInt8(ascii: "\r")
        }
        return point
    }
}

/// A parsed file: its nodes (copied out of tree-sitter, whose tree is freed once they are) and
/// the source they were parsed from. Nodes hold their tree strongly, so a node can never outlive
/// the table it indexes.
public final class SyntaxTree: Sendable {
    let nodes: NodeTable
    public let source: SourceText

    init(nodes: NodeTable, source: SourceText) {
        self.nodes = nodes
        self.source = source
    }

    public var root: Node { Node(index: 0, tree: self) }

    /// The number of nodes, named or not.
    public var nodeCount: Int { nodes.count }

    /// The bytes its nodes take (the source aside).
    public var memoryBytes: Int { nodes.memoryBytes }

    /// Whether `other` holds the same nodes: the same ranges, kinds, fields, flags and links,
    /// node for node (as two parses of one text do, one of them incremental).
    public func hasTheNodes(of other: SyntaxTree) -> Bool {
        nodes.records == other.nodes.records
    }

    /// Whether the tree holds an ERROR or MISSING node anywhere.
    public var hasError: Bool { root.hasError }

    /// The first ERROR or MISSING node in source order, for a diagnostic.
    public var firstError: Node? { root.firstError }

    /// Calls `body` with every named node the root reaches through named children (as a walk
    /// over ``Node/namedChildren`` would), in document order, without making child lists.
    public func forEachNamedNode(_ body: (Node) -> Void) {
        // Document order puts each parent before its children.
        var reached = [Bool](repeating: false, count: nodes.count)
        for index in 0..<Int32(nodes.count) {
            let record = nodes[index]
            guard record.flags.contains(.named), index == 0 || reached[Int(record.parent)] else { continue }
            reached[Int(index)] = true
            body(Node(index: index, tree: self))
        }
    }

    /// The first node, in document order, more than `depth` levels below the root; nil if the
    /// tree is no deeper.
    public func firstNode(deeperThan depth: Int) -> Node? {
        guard nodes.depth > depth else { return nil }
        var depths = [Int32](repeating: 0, count: nodes.count)
        for index in 1..<max(nodes.count, 1) {
            let level = depths[Int(nodes[Int32(index)].parent)] + 1
            if level > depth { return Node(index: Int32(index), tree: self) }
            depths[index] = level
        }
        return nil
    }
}

/// Proof that this tree-sitter runtime loads the Python grammar, so parsers made from it
/// (``PythonParser/init(_:)``) need no error path: a program checks once, before its first file,
/// and reports an incompatible runtime as one clear error instead of failing in every worker.
public struct LoadableGrammar: Sendable {
    private init() {}

    public static func check() throws(PythonParser.Failure) -> LoadableGrammar {
        _ = try PythonParser()
        return LoadableGrammar()
    }
}
