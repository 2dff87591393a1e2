import CTreeSitter
import Foundation

/// Owns one `TSParser`. A parser is not thread-safe: use one per thread.
public final class PythonParser {
    private let parser: OpaquePointer

    public enum Failure: Error, CustomStringConvertible {
        case incompatibleGrammar(abi: Int)
        case parseFailed(path: String)
        /// tree-sitter counts bytes in 32 bits.
        case tooLarge(path: String)

        public var description: String {
            switch self {
            case .incompatibleGrammar(let abi):
                return "the tree-sitter runtime cannot load the Python grammar (grammar ABI \(abi))"
            case .parseFailed(let path):
                return "tree-sitter returned no tree for \(path)"
            case .tooLarge(let path):
                return "tree-sitter cannot parse \(path): it is 4 GiB or larger"
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
        let bytes = source.bytesWithLoneCarriageReturnsAsNewlines ?? source.bytes
        guard bytes.count <= UInt32.max else { throw .tooLarge(path: source.path) }
        let raw: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                ts_parser_parse_string_encoding(
                    parser, nil, chars.baseAddress, UInt32(chars.count), TSInputEncodingUTF8)
            }
        }
        guard let raw else { throw .parseFailed(path: source.path) }
        return SyntaxTree(raw: raw, source: source)
    }
}

/// Owns one `TSTree` and the source it was parsed from. Nodes hold their tree strongly, so a
/// node can never outlive the memory it points into.
public final class SyntaxTree: @unchecked Sendable {
    // A TSTree is immutable once built; tree-sitter documents reading it from several threads as safe.
    let raw: OpaquePointer
    public let source: SourceText

    init(raw: OpaquePointer, source: SourceText) {
        self.raw = raw
        self.source = source
    }

    deinit {
        ts_tree_delete(raw)
    }

    /// Parents already looked up, by node. `ts_node_parent` walks down from the root on every
    /// call, so walking up from a node at depth d costs d² without this; with it, each node's
    /// parent is found once per tree (a chain of 1,000 calls `f()()…` is a tree 1,000 deep).
    private var parents: [NodeIdentity: TSNode] = [:]
    private let parentsLock = NSLock()

    func parent(of node: TSNode) -> TSNode {
        let identity = NodeIdentity(node)
        if let known = parentsLock.withLock({ parents[identity] }) { return known }
        let parent = ts_node_parent(node)
        parentsLock.withLock { parents[identity] = parent }
        return parent
    }

    public var root: Node { Node(raw: ts_tree_root_node(raw), tree: self) }

    /// Whether the tree holds an ERROR or MISSING node anywhere.
    public var hasError: Bool { root.hasError }

    /// The first ERROR or MISSING node in source order, for a diagnostic.
    public var firstError: Node? { root.firstError }
}

/// A node's identity within its tree: its subtree pointer, and its position, which tells apart
/// the nodes of an inlined leaf.
struct NodeIdentity: Hashable {
    let id: UnsafeRawPointer?
    let startByte: UInt32
    let symbol: TSSymbol

    init(_ node: TSNode) {
        id = node.id
        startByte = ts_node_start_byte(node)
        symbol = ts_node_symbol(node)
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
