import RekeySyntax

/// Applies one file's edits and checks the result as an input is checked: it must parse, and
/// pass what ``PythonParser/parseCompilable(_:)`` knows CPython refuses (a repeated keyword
/// argument, a repeated parameter, an unexpected indent, …), which tree-sitter alone accepts.
/// Output that fails is refused when its input passed. It remembers each input's verdict and
/// each output that passed, so when `FixApplier` recomputes a round only the files whose edits
/// changed are checked again.
struct OutputVerifier {
    enum Outcome {
        case unchanged
        /// The output, and its tree when the verifier keeps trees and the output was parsed (its
        /// input passed).
        case accepted(SourceText, SyntaxTree?)
        case rejected(SourceProblem)
    }

    private let sources: [String: SourceText]
    private let parser: PythonParser
    private let keepsTrees: Bool
    private let bases: [String: EditableTree]
    private var inputIsClean: [String: Bool] = [:]
    private var passed: [String: (edits: [Edit], output: SourceText, tree: SyntaxTree?)] = [:]

    /// `cleanInputs`: files whose input the caller already parsed with
    /// ``PythonParser/parseCompilable(_:)`` without a problem, so they need no second parse.
    /// `keepsTrees`: each output's tree is kept and given with it. `bases`: trees of some of the
    /// inputs, from which their outputs are parsed incrementally.
    init(
        sources: [String: SourceText], parser: PythonParser, cleanInputs: Set<String> = [], keepsTrees: Bool = false,
        bases: [String: EditableTree] = [:]
    ) {
        self.sources = sources
        self.parser = parser
        self.keepsTrees = keepsTrees
        self.bases = bases.filter { path, base in sources[path] === base.source }
        for path in cleanInputs where sources[path] != nil { inputIsClean[path] = true }
    }

    /// `edits` must come from a `FixSelection`: in bounds, on character boundaries, not overlapping.
    mutating func verify(_ edits: [Edit], in path: String) -> Outcome {
        if let earlier = passed[path], earlier.edits == edits {
            return .accepted(earlier.output, earlier.tree)
        }
        let output: SourceText
        switch apply(edits, in: path) {
        case .success(let text): output = text
        case .failure(let problem): return .rejected(problem)
        }
        if output.bytes == source(path).bytes {
            return .unchanged
        }
        var tree: SyntaxTree?
        if isInputClean(path) {
            switch parsed(output, from: bases[path].map { ($0, edits) }) {
            case .success(let outputTree): tree = keepsTrees ? outputTree : nil
            case .failure(let problem): return .rejected(problem)
            }
        }
        passed[path] = (edits, output, tree)
        return .accepted(output, tree)
    }

    /// What is wrong with `path` after `edits` alone, or nil if the result passes.
    func problem(after edits: [Edit], in path: String) -> SourceProblem? {
        switch apply(edits, in: path) {
        case .success(let text): return problem(in: text)
        case .failure(let problem): return problem
        }
    }

    private func source(_ path: String) -> SourceText {
        guard let source = sources[path] else { preconditionFailure("no source for \(path)") }
        return source
    }

    private func apply(_ edits: [Edit], in path: String) -> Result<SourceText, SourceProblem> {
        let bytes = FixApplier.applying(edits, to: source(path))
        do {
            return .success(try SourceText(path: path, bytes: bytes))
        } catch {
            // Edits start and end on character boundaries and replacements are Swift strings, so
            // this does not happen; if it did, the fix is refused rather than the run ended.
            return .failure(SourceProblem(.syntaxError, at: SourcePosition(line: 1, column: 1), "\(error)"))
        }
    }

    /// An input that already had problems cannot tell us whether an edit broke it, so it is not judged.
    private mutating func isInputClean(_ path: String) -> Bool {
        if let known = inputIsClean[path] { return known }
        let clean = problem(in: source(path)) == nil
        inputIsClean[path] = clean
        return clean
    }

    private func problem(in text: SourceText) -> SourceProblem? {
        if case .failure(let problem) = parsed(text) { return problem }
        return nil
    }

    /// `edited`: the tree of the input `text` was made from, and the edits that made it.
    private func parsed(_ text: SourceText, from edited: (base: EditableTree, edits: [Edit])? = nil) -> Result<SyntaxTree, SourceProblem> {
        Result { () throws(SourceProblem) in
            guard let edited else { return try parser.parseCompilable(text) }
            let changes = edited.edits.map { TextChange(range: $0.range, replacement: $0.replacement) }
            return try parser.parseCompilable(text, changing: edited.base, by: changes)
        }
    }
}
