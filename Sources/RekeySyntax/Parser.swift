import CTreeSitter

/// Owns one `TSParser`. A parser is not thread-safe: use one per thread.
public final class PythonParser {
    private let parser: OpaquePointer

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
        let scan = IndentationScan(source)
        if let problem = scan.problem { throw problem }
        let tree: SyntaxTree
        do {
            tree = try parse(source)
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
        let raw = try parseRaw(source)
        defer { ts_tree_delete(raw) }
        guard let nodes = NodeTable(raw) else { throw .tooLarge(path: source.path) }
        return SyntaxTree(nodes: nodes, source: source)
    }

    /// What tree-sitter alone costs on `source`, the floor rekey is measured against: parses it,
    /// visits every node with a single cursor (the cheapest full traversal tree-sitter offers),
    /// and returns the number of nodes visited.
    public func parseAndWalk(_ source: SourceText) throws(Failure) -> Int {
        let raw = try parseRaw(source)
        defer { ts_tree_delete(raw) }
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

    private func parseRaw(_ source: SourceText) throws(Failure) -> OpaquePointer {
        let bytes = source.bytesWithLoneCarriageReturnsAsNewlines ?? source.bytes
        guard bytes.count <= UInt32.max else { throw .tooLarge(path: source.path) }
        let raw: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                ts_parser_parse_string_encoding(
                    parser, nil, chars.baseAddress, UInt32(chars.count), TSInputEncodingUTF8)
            }
        }
        guard let raw else { throw .parseFailed(path: source.path) }
        return raw
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

    /// Whether the tree holds an ERROR or MISSING node anywhere.
    public var hasError: Bool { root.hasError }

    /// The first ERROR or MISSING node in source order, for a diagnostic.
    public var firstError: Node? { root.firstError }

    /// The first node, in document order, more than `depth` levels below the root; nil if the
    /// tree is no deeper.
    public func firstNode(deeperThan depth: Int) -> Node? {
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
