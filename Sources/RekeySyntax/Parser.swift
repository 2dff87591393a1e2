import CTreeSitter

/// Owns one `TSParser`. A parser is not thread-safe: use one per thread.
public final class PythonParser {
    private let parser: OpaquePointer

    public enum Failure: Error, CustomStringConvertible {
        case incompatibleGrammar(abi: Int)
        case parseFailed(path: String)

        public var description: String {
            switch self {
            case .incompatibleGrammar(let abi):
                return "the tree-sitter runtime cannot load the Python grammar (grammar ABI \(abi))"
            case .parseFailed(let path):
                return "tree-sitter returned no tree for \(path)"
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

    deinit {
        ts_parser_delete(parser)
    }

    public func parse(_ source: SourceText) throws(Failure) -> SyntaxTree {
        let raw: OpaquePointer? = source.bytes.withUnsafeBufferPointer { buffer in
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

    public var root: Node { Node(raw: ts_tree_root_node(raw), tree: self) }

    /// Whether the tree holds an ERROR or MISSING node anywhere.
    public var hasError: Bool { root.hasError }

    /// The first ERROR or MISSING node in source order, for a diagnostic.
    public var firstError: Node? { root.firstError }
}
