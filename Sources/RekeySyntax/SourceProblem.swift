/// Why rekey will not analyse a text, or write one: CPython would refuse it, tree-sitter does not
/// parse it, or it is beyond what the grammar or rekey's recursive tree walks can take.
public struct SourceProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        /// tree-sitter found an ERROR or MISSING node.
        case syntaxError
        /// tree-sitter accepts it, CPython does not (`detail` says why, in CPython's words where it has them).
        case refusedByCPython
        /// Beyond what tree-sitter can take safely (`detail` says what): indentation wider than
        /// its scanner can store, or operators nesting deeper than its error recovery survives.
        case beyondParser
        /// Nodes nested deeper than ``PythonParser/maximumNestingDepth``.
        case nestedTooDeeply
        /// tree-sitter returned no tree at all.
        case parserFailed
    }

    public let kind: Kind
    /// Where the problem is, in the text that was checked.
    public let position: SourcePosition
    public let detail: String

    public init(_ kind: Kind, at position: SourcePosition, _ detail: String = "") {
        self.kind = kind
        self.position = position
        self.detail = detail
    }

    /// A clause that reads after "skipped: " or "it would write code that ".
    public var description: String {
        let place = "line \(position.line), column \(position.column)"
        switch kind {
        case .syntaxError:
            return "does not parse (syntax error at \(place))"
        case .refusedByCPython:
            return "CPython would refuse it: \(detail) (\(place))"
        case .beyondParser:
            return "\(detail) (line \(position.line))"
        case .nestedTooDeeply:
            return "nesting deeper than \(PythonParser.maximumNestingDepth) levels (at \(place)); rekey walks "
                + "syntax trees recursively and stops here rather than overflow its stack"
        case .parserFailed:
            return "tree-sitter returned no tree"
        }
    }
}
