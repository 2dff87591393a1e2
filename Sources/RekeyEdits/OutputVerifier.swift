import RekeySyntax

/// Applies one file's edits and re-parses the result, refusing output that has a syntax error its
/// input did not have. It remembers each input's verdict and each output that passed, so when
/// `FixApplier` recomputes a round only the files whose edits changed are parsed again.
struct OutputVerifier {
    enum Outcome {
        case unchanged
        case accepted(SourceText)
        case rejected(firstError: SourcePosition)
    }

    private let sources: [String: SourceText]
    private let parser: PythonParser
    private var inputIsClean: [String: Bool] = [:]
    private var passed: [String: (edits: [Edit], output: SourceText)] = [:]

    init(sources: [String: SourceText], parser: PythonParser) {
        self.sources = sources
        self.parser = parser
    }

    /// `edits` must come from a `FixSelection`: in bounds, on character boundaries, not overlapping.
    mutating func verify(_ edits: [Edit], in path: String) -> Outcome {
        if let earlier = passed[path], earlier.edits == edits {
            return .accepted(earlier.output)
        }
        let output = apply(edits, in: path)
        if output.bytes == source(path).bytes {
            return .unchanged
        }
        if isInputClean(path), let error = firstError(in: output) {
            return .rejected(firstError: error)
        }
        passed[path] = (edits, output)
        return .accepted(output)
    }

    /// The first syntax error `edits` leave in `path`, or nil if the result parses clean.
    func firstError(after edits: [Edit], in path: String) -> SourcePosition? {
        firstError(in: apply(edits, in: path))
    }

    private func source(_ path: String) -> SourceText {
        guard let source = sources[path] else { preconditionFailure("no source for \(path)") }
        return source
    }

    private func apply(_ edits: [Edit], in path: String) -> SourceText {
        let bytes = FixApplier.applying(edits, to: source(path))
        // Edits start and end on character boundaries and replacements are Swift strings, so the
        // result is valid UTF-8 and this cannot throw.
        return try! SourceText(path: path, bytes: bytes)
    }

    /// An input that already had errors cannot tell us whether an edit broke it, so it is not judged.
    private mutating func isInputClean(_ path: String) -> Bool {
        if let known = inputIsClean[path] { return known }
        let clean = firstError(in: source(path)) == nil
        inputIsClean[path] = clean
        return clean
    }

    private func firstError(in text: SourceText) -> SourcePosition? {
        // A parse that returns no tree proves nothing, so it counts as an error at the start.
        guard let tree = try? parser.parse(text) else { return SourcePosition(line: 1, column: 1) }
        return tree.firstError?.startPosition
    }
}
