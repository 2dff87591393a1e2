import CTreeSitter

/// What CPython refuses in a tree tree-sitter accepts, found in one walk over the tree that
/// never recurses, and the depth bound that keeps rekey's own recursive walks on their stack.
///
/// Each check is sound (it never refuses a file CPython 3.8–3.13 compiles) and cheap (one look at
/// a node and its children): indentation that opens no block (`unexpected indent`, from the
/// INDENT positions ``IndentationScan`` found) and blocks with nothing in them; two statements
/// on one line without a `;`; keyword arguments repeated in a call, and arguments out of order;
/// parameters repeated in a definition, compared after NFKC normalisation as Python compares
/// identifiers (`ｋｅｙ` is `key`); parameters without a default after one with a default;
/// `return`, `yield` and `await` outside a function, `break` and `continue` outside a loop,
/// `nonlocal` at module level, `global` or `nonlocal` naming a parameter of the function it is
/// in; a keyword used as a name (the grammar takes `async`, `await` and
/// others there); `x as y` as a statement; an annotation inside a chained assignment; a starred
/// expression standing alone; a trailing comma in an unparenthesised import. The kinds were
/// chosen from what tree-sitter accepted among mutants of the Fixtures that CPython refused. It
/// is not a compiler: a file it passes may still be refused by CPython for reasons it does not
/// look for.
public struct CompileCheck {
    /// The first problem in file order of the walk; nil if none.
    public private(set) var problem: SourceProblem?

    public init(_ tree: SyntaxTree, indentedLineStarts: [Int]) {
        problem = Walker(tree: tree, indentedLineStarts: indentedLineStarts).run()
    }
}

/// Python 3's hard keywords: never a name (3.7 made `async` and `await` keywords), by length,
/// each packed into an integer (none is longer than 8 bytes), so a name is told from them
/// without making a string.
private let hardKeywordsByLength: [[UInt64]] = {
    let keywords = [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
        "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
        "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
    ]
    var byLength = [[UInt64]](repeating: [], count: 9)
    for keyword in keywords { byLength[keyword.utf8.count].append(PackedWord.of(keyword.utf8)) }
    return byLength
}()

private struct Walker {
    let tree: SyntaxTree
    let indentedLineStarts: [Int]
    private let bytes: [UInt8]

    /// ``hardKeywordsByLength``, held for the walk.
    private let hardKeywords = hardKeywordsByLength

    init(tree: SyntaxTree, indentedLineStarts: [Int]) {
        self.tree = tree
        self.indentedLineStarts = indentedLineStarts
        bytes = tree.source.bytes
    }

    /// Node kinds `check` looks at, by canonical kind id: every other node costs one array read.
    /// Made once: a table has a slot for every symbol id (65,536 of them, for ERROR's).
    private static let interesting: [Bool] = {
        let kinds = [
            NodeKind.identifier, NodeKind.module, NodeKind.block, NodeKind.awaitExpression, NodeKind.asPattern, NodeKind.assignment,
            NodeKind.expressionStatement, NodeKind.listSplat, NodeKind.importStatement, NodeKind.importFromStatement,
            NodeKind.argumentList, NodeKind.parameters, NodeKind.lambdaParameters, NodeKind.returnStatement,
            NodeKind.yieldExpression, NodeKind.breakStatement, NodeKind.continueStatement, NodeKind.nonlocalStatement,
            NodeKind.globalStatement,
        ]
        var table = [Bool](repeating: false, count: PythonGrammar.shared.canonicalKind.count)
        for kind in kinds { table[Int(kind.id)] = true }
        return table
    }()

    /// Where a statement stands: inside a function body, inside a loop body (of the same function).
    struct Context {
        var inFunction = false
        var inLoop = false
        var atModuleLevel = true
    }

    func run() -> SourceProblem? {
        var blockStarts = Set<Int>()
        let nodes = tree.nodes
        let interesting = Self.interesting
        // Nodes past the first one nested too deeply are not looked at: that one is the problem.
        let tooDeep = tree.firstNode(deeperThan: PythonParser.maximumNestingDepth)
        for index in 0..<(tooDeep?.index ?? Int32(nodes.count)) {
            let record = nodes[index]
            guard interesting[Int(record.kind)], record.flags.contains(.named) else { continue }
            let parentKind = record.parent >= 0 ? nodes[record.parent].kind : nil
            if let problem = check(Node(index: index, tree: tree), parentKind: parentKind, blockStarts: &blockStarts) {
                return problem
            }
        }
        if let tooDeep { return SourceProblem(.nestedTooDeeply, at: tooDeep.startPosition) }
        return unexpectedIndent(blockStarts: blockStarts)
    }

    /// Where `node` stands, from its ancestors: the nearest function (or lambda) or class whose
    /// body holds it decides, and a loop body on the way (not a loop's `else`) puts it in a loop.
    /// Asked only of the few statements whose place matters.
    func context(of node: Node) -> Context {
        let nodes = tree.nodes
        var inLoop = false
        var child = node.index
        while true {
            let record = nodes[child]
            guard record.parent >= 0 else { return Context(inFunction: false, inLoop: inLoop, atModuleLevel: true) }
            if record.field == FieldName.body.id {
                switch NodeKind(id: nodes[record.parent].kind) {
                case NodeKind.functionDefinition, NodeKind.lambda:
                    return Context(inFunction: true, inLoop: inLoop, atModuleLevel: false)
                case NodeKind.classDefinition:
                    return Context(inFunction: false, inLoop: inLoop, atModuleLevel: false)
                case NodeKind.forStatement, NodeKind.whileStatement:
                    inLoop = true
                default:
                    break
                }
            }
            child = record.parent
        }
    }

    /// Whether the identifier's bytes spell a hard keyword, without making a string.
    func isHardKeyword(_ node: Node) -> Bool {
        let start = node.startByte
        let end = node.endByte
        // Every keyword is 2 to 8 bytes long.
        guard (2...8).contains(end - start) else { return false }
        return hardKeywords[end - start].contains(PackedWord.of(bytes, start..<end))
    }

    func check(_ node: Node, parentKind: UInt16?, blockStarts: inout Set<Int>) -> SourceProblem? {
        let kind = node.nodeKind
        if kind == NodeKind.identifier {
            guard isHardKeyword(node) else { return nil }
            return refuse(at: node, "invalid syntax ('\(node.text)' is a keyword)")
        }
        switch kind {
        case NodeKind.module:
            return statementsSharingALine(in: node)
        case NodeKind.block:
            guard let first = firstStatement(of: node) else {
                return refuse(at: node, "expected an indented block")
            }
            blockStarts.insert(first.startByte)
            return statementsSharingALine(in: node)
        case NodeKind.awaitExpression where !context(of: node).inFunction:
            return refuse(at: node, "'await' outside function")
        case NodeKind.asPattern where parentKind == NodeKind.expressionStatement.id:
            return refuse(at: node, "invalid syntax (`as` outside `with`, `except` and `case`)")
        case NodeKind.assignment:
            if let value = node.child(.right), value.nodeKind == NodeKind.assignment, value.child(.type) != nil {
                return refuse(at: value, "invalid syntax (an annotation inside a chained assignment)")
            }
            if let value = node.child(.right), value.nodeKind == NodeKind.listSplat {
                return refuse(at: value, "can't use starred expression here")
            }
        case NodeKind.expressionStatement:
            if node.namedChildCount == 1, let only = node.namedChildren.first, only.nodeKind == NodeKind.listSplat {
                return refuse(at: only, "can't use starred expression here")
            }
        case NodeKind.listSplat:
            if let inner = node.namedChildren.first, inner.nodeKind == NodeKind.listSplat {
                return refuse(at: node, "cannot use double starred expression here")
            }
        case NodeKind.importStatement, NodeKind.importFromStatement:
            if let last = node.children.last, !last.isNamed, isToken(last, ",") {
                return refuse(at: last, "trailing comma not allowed without surrounding parentheses")
            }
        case NodeKind.argumentList:
            return checkArguments(node)
        case NodeKind.parameters, NodeKind.lambdaParameters:
            return checkParameters(node)
        case NodeKind.returnStatement where !context(of: node).inFunction:
            return refuse(at: node, "'return' outside function")
        case NodeKind.yieldExpression where !context(of: node).inFunction:
            return refuse(at: node, "'yield' outside function")
        case NodeKind.breakStatement where !context(of: node).inLoop:
            return refuse(at: node, "'break' outside loop")
        case NodeKind.continueStatement where !context(of: node).inLoop:
            return refuse(at: node, "'continue' not properly in loop")
        case NodeKind.nonlocalStatement where context(of: node).atModuleLevel:
            return refuse(at: node, "nonlocal declaration not allowed at module level")
        case NodeKind.globalStatement where context(of: node).inFunction, NodeKind.nonlocalStatement where context(of: node).inFunction:
            return declaredParameter(node)
        default:
            break
        }
        return nil
    }

    func firstStatement(of block: Node) -> Node? {
        var first: Node?
        block.forEachChild { child, _ in
            if first == nil, child.isNamed, child.nodeKind != NodeKind.comment, child.nodeKind != NodeKind.lineContinuation {
                first = child
            }
        }
        return first
    }

    /// Simple statements share a line only when a `;` separates them; the grammar also takes
    /// `import a b` or `global x return y` as two statements.
    func statementsSharingALine(in body: Node) -> SourceProblem? {
        var previousEndRow: Int?
        var separated = false
        var problem: SourceProblem?
        body.forEachChild { child, _ in
            guard problem == nil else { return }
            if !child.isNamed {
                if isToken(child, ";") { separated = true }
                return
            }
            // A comment, or a `\` line the grammar keeps as a node of its own, is no statement.
            if child.nodeKind == NodeKind.comment || child.nodeKind == NodeKind.lineContinuation { return }
            if let previousEndRow, !separated, tree.source.lineIndex(at: child.startByte) == previousEndRow {
                problem = refuse(at: child, "invalid syntax (two statements on one line without `;`)")
                return
            }
            previousEndRow = tree.source.lineIndex(at: child.endByte)
            separated = false
        }
        return problem
    }

    /// Every INDENT must open a block: its line must be the first statement of one.
    func unexpectedIndent(blockStarts: Set<Int>) -> SourceProblem? {
        guard let offset = indentedLineStarts.first(where: { !blockStarts.contains($0) }) else { return nil }
        return SourceProblem(.refusedByCPython, at: tree.source.position(at: offset), "unexpected indent")
    }

    /// CPython's order: positional arguments and `*iterables`, then `name=value`s (with more
    /// `*iterables` among them) and `**mappings`; no name twice.
    func checkArguments(_ arguments: Node) -> SourceProblem? {
        var names = SeenNames(bytes: bytes)
        var sawKeyword = false
        var sawMappingUnpacking = false
        var problem: SourceProblem?
        arguments.forEachNamedChild { argument in
            guard problem == nil else { return }
            switch argument.nodeKind {
            case NodeKind.comment, NodeKind.lineContinuation:  // not arguments: a comment, a `\` line end
                return
            case NodeKind.keywordArgument:
                sawKeyword = true
                if let name = argument.child(.name), name.nodeKind == NodeKind.identifier, !names.insert(name) {
                    problem = refuse(at: name, "keyword argument repeated: \(PythonIdentifier.normalised(name.text))")
                }
            case NodeKind.dictionarySplat:
                sawMappingUnpacking = true
            case NodeKind.listSplat:
                if sawMappingUnpacking {
                    problem = refuse(at: argument, "iterable argument unpacking follows keyword argument unpacking")
                }
            default:
                if sawMappingUnpacking {
                    problem = refuse(at: argument, "positional argument follows keyword argument unpacking")
                } else if sawKeyword {
                    problem = refuse(at: argument, "positional argument follows keyword argument")
                }
            }
        }
        return problem
    }

    /// No parameter name twice; before the `*`, none without a default after one with a
    /// default; nothing after `**`.
    func checkParameters(_ parameters: Node) -> SourceProblem? {
        var names = SeenNames(bytes: bytes)
        var sawDefault = false
        var sawStar = false
        var sawDoubleStar = false
        // A bare `*` must be followed by a named parameter before any `**`.
        var bareStarWithoutName: Node?
        var problem: SourceProblem?
        parameters.forEachNamedChild { parameter in
            guard problem == nil else { return }
            let kind = parameter.nodeKind
            if kind == NodeKind.comment || kind == NodeKind.lineContinuation { return }
            if let bareStar = bareStarWithoutName,
                kind == NodeKind.dictionarySplatPattern
                    || (kind == NodeKind.typedParameter && parameter.namedChildren.first?.nodeKind == NodeKind.dictionarySplatPattern)
            {
                problem = refuse(at: bareStar, "named arguments must follow bare *")
                return
            }
            if sawDoubleStar {
                problem = refuse(at: parameter, "arguments cannot follow var-keyword argument")
                return
            }
            // A typed parameter wraps its name, `*name` or `**name`.
            let declared = kind == NodeKind.typedParameter ? parameter.namedChildren.first ?? parameter : parameter
            let name: Node?
            switch declared.nodeKind {
            case NodeKind.identifier:
                name = declared
                if sawDefault && !sawStar {
                    problem = refuse(at: parameter, "a parameter without a default follows one with a default")
                    return
                }
            case NodeKind.defaultParameter, NodeKind.typedDefaultParameter:
                name = declared.child(.name)
                sawDefault = true
            case NodeKind.listSplatPattern:
                name = declared.namedChildren.first
                sawStar = true
            case NodeKind.dictionarySplatPattern:
                name = declared.namedChildren.first
                sawDoubleStar = true
            case NodeKind.keywordSeparator:
                name = nil
                sawStar = true
                bareStarWithoutName = parameter
            default:
                name = nil
            }
            if name != nil, declared.nodeKind != NodeKind.listSplatPattern { bareStarWithoutName = nil }
            if let name, name.nodeKind == NodeKind.identifier, !names.insert(name) {
                problem = refuse(at: name, "duplicate argument '\(PythonIdentifier.normalised(name.text))' in function definition")
            }
        }
        if problem == nil, let bareStar = bareStarWithoutName {
            problem = refuse(at: bareStar, "named arguments must follow bare *")
        }
        return problem
    }

    /// `global x` or `nonlocal x` in a function with a parameter `x` (a fix that adds a `key`
    /// parameter to a function declaring `global key` would write one).
    func declaredParameter(_ statement: Node) -> SourceProblem? {
        var scope = statement.parent
        while let current = scope, current.nodeKind != NodeKind.functionDefinition {
            if current.nodeKind == NodeKind.classDefinition { return nil }
            scope = current.parent
        }
        guard let parameters = scope?.child(.parameters) else { return nil }
        var names = Set<String>()
        parameters.forEachNamedChild { parameter in
            let declared = parameter.nodeKind == NodeKind.typedParameter ? parameter.namedChildren.first ?? parameter : parameter
            let name: Node?
            switch declared.nodeKind {
            case NodeKind.identifier: name = declared
            case NodeKind.defaultParameter, NodeKind.typedDefaultParameter: name = declared.child(.name)
            case NodeKind.listSplatPattern, NodeKind.dictionarySplatPattern: name = declared.namedChildren.first
            default: name = nil
            }
            if let name, name.nodeKind == NodeKind.identifier { names.insert(PythonIdentifier.normalised(name.text)) }
        }
        let statementKind = statement.nodeKind == NodeKind.globalStatement ? "global" : "nonlocal"
        for name in statement.namedChildren where name.nodeKind == NodeKind.identifier {
            let normalised = PythonIdentifier.normalised(name.text)
            if names.contains(normalised) {
                return refuse(at: name, "name '\(normalised)' is parameter and \(statementKind)")
            }
        }
        return nil
    }

    /// Whether an unnamed node is the one-character token `character` (compared in the bytes,
    /// not through its kind's name).
    func isToken(_ node: Node, _ character: Unicode.Scalar) -> Bool {
        node.endByte - node.startByte == 1 && bytes[node.startByte] == UInt8(ascii: character)
    }

    func refuse(at node: Node, _ detail: String) -> SourceProblem {
        SourceProblem(.refusedByCPython, at: node.startPosition, detail)
    }
}

/// The names met so far among a definition's parameters or a call's keywords, compared as Python
/// compares them, after NFKC normalisation. Nearly every name is ASCII, already normal, and a
/// list is short: those are compared by their bytes in the source, without making strings; a
/// non-ASCII name, or a long list, turns to a set of normalised strings.
private struct SeenNames {
    let bytes: [UInt8]
    private var ranges: [ByteRange] = []
    private var strings: Set<String>?
    private static let longestScanned = 16

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Adds the identifier's name; false when it was met before.
    mutating func insert(_ name: Node) -> Bool {
        let range = name.byteRange
        if strings == nil, ranges.count < Self.longestScanned, bytes[range.start..<range.end].allSatisfy({ $0 < 0x80 }) {
            let spelt = bytes[range.start..<range.end]
            if ranges.contains(where: { $0.length == range.length && bytes[$0.start..<$0.end].elementsEqual(spelt) }) { return false }
            ranges.append(range)
            return true
        }
        // ASCII names are their own normal form.
        var seen = strings ?? Set(ranges.map { String(decoding: bytes[$0.start..<$0.end], as: UTF8.self) })
        strings = nil  // so the set is not shared while it grows
        let inserted = seen.insert(PythonIdentifier.normalised(name.text)).inserted
        strings = seen
        return inserted
    }
}
