import RekeyAnalysis
import RekeyEdits
import RekeySyntax

/// Edits that keep the file's own layout: inserted lines take the indentation of the statement
/// they precede (tabs stay tabs) and the file's line ending; arguments and parameters are added
/// in the list's own style (one per line when the list is laid out that way).
enum SourceEditing {
    /// The statement, directly inside `block`, that contains `node`.
    static func statement(containing node: Node, in block: Node) -> Node? {
        var current = node
        while let parent = current.parent {
            if parent == block { return current }
            current = parent
        }
        return nil
    }

    /// The first statement of a function's body after its docstring.
    static func firstStatement(of function: Scope) -> Node? {
        let statements = function.node.child(.body)?.namedChildren.filter { $0.nodeKind != .comment } ?? []
        let isDocstring =
            statements.first.map { $0.nodeKind == .expressionStatement && $0.namedChildren.first?.nodeKind == .string } ?? false
        return statements.dropFirst(isDocstring ? 1 : 0).first
    }

    /// Whether `node` is the first thing on its line (only spaces and tabs before it).
    static func startsLine(_ node: Node) -> Bool {
        let source = node.source
        let lineStart = source.lineStarts[source.lineIndex(at: node.startByte)]
        return source.bytes[lineStart..<node.startByte].allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    }

    /// Inserts whole lines before `statement`, at its indentation. The statement must start its line.
    static func insertLines(_ lines: [String], before statement: Node) -> Edit {
        let source = statement.source
        let indent = source.indentation(ofLineAt: statement.startByte)
        let newline = source.lineEnding.rawValue
        let text = lines.map { indent + $0 + newline }.joined()
        return .insertion(text, at: source.lineStarts[source.lineIndex(at: statement.startByte)])
    }

    /// The bytes of the whole lines a simple statement occupies, line terminator included;
    /// nil when something other than a trailing comment shares those lines.
    static func wholeLines(of statement: Node) -> ByteRange? {
        guard startsLine(statement) else { return nil }
        let source = statement.source
        let lastLine = source.lineRange(source.lineIndex(at: max(statement.startByte, statement.endByte - 1)))
        let rest = source.text(in: ByteRange(statement.endByte, lastLine.end))
        let trimmed = rest.drop { $0 == " " || $0 == "\t" }
        // `isNewline`, not `== "\r"`: a CRLF is one Character in Swift.
        guard trimmed.isEmpty || trimmed.first == "#" || trimmed.first?.isNewline == true else { return nil }
        return ByteRange(source.lineStarts[source.lineIndex(at: statement.startByte)], lastLine.end)
    }

    /// Deletes whole lines and, when blank lines surround them, as many of the following blank
    /// lines as keeps the gap the larger of the two (two blank lines before a `def` stay two);
    /// the first lines of a block take the blank lines after them along.
    static func deletingLines(_ lines: ByteRange, in source: SourceText) -> Edit {
        func isBlank(_ line: Int) -> Bool {
            source.text(in: source.lineRange(line)).allSatisfy { $0.isWhitespace }
        }
        let first = source.lineIndex(at: lines.start)
        let last = source.lineIndex(at: lines.end - 1)
        var before = 0
        while first - before - 1 >= 0, isBlank(first - before - 1) { before += 1 }
        var after = 0
        while last + after + 1 < source.lineStarts.count, source.lineRange(last + after + 1).length > 0,
            isBlank(last + after + 1)
        { after += 1 }
        // The first statement of a block: the blank lines after it would open the block.
        let opensBlock =
            before == 0 && first > 0
            && source.text(in: source.lineRange(first - 1)).trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix(":")
        let swallowed = opensBlock ? after : min(before, after)
        let end = swallowed > 0 ? source.lineRange(last + swallowed).end : lines.end
        return .deletion(ByteRange(lines.start, end))
    }

    /// Appends `items` (arguments or parameters, already spelled, e.g. `["*", "key"]`) at the end
    /// of a parenthesised list, before `anchor` when given (e.g. before `**kwargs`). A list laid
    /// out one item per line gets one line per item.
    static func appendToList(_ list: Node, items: [String], before anchor: Node? = nil) -> Edit {
        let source = list.source
        let newline = source.lineEnding.rawValue
        if let anchor {
            if startsLine(anchor) {
                let indent = source.indentation(ofLineAt: anchor.startByte)
                return .insertion(items.map { $0 + "," + newline + indent }.joined(), at: anchor.startByte)
            }
            return .insertion(items.joined(separator: ", ") + ", ", at: anchor.startByte)
        }
        let inline = items.joined(separator: ", ")
        let children = list.children
        guard let close = children.last, close.kind == ")",
            let last = children.dropLast().last(where: { ($0.isNamed && $0.nodeKind != .comment) || $0.kind == "," || $0.kind == "(" })
        else {
            preconditionFailure("not a parenthesised list: \(list.kind)")
        }
        if last.kind == "(" || children.count == 2 {
            return .insertion(inline, at: close.startByte)
        }
        let trailingComma = last.kind == ","
        let closeLine = source.lineIndex(at: close.startByte)
        let lastLine = source.lineIndex(at: last.startByte)
        if trailingComma && closeLine != lastLine {
            // One item per line: add lines after the last item's line, at its indentation.
            let lineEnd = source.lineRange(lastLine).end
            let terminatorLength = source.lineEnding == .crlf && lineEnd >= 2 && source.bytes[lineEnd - 2] == UInt8(ascii: "\r") ? 2 : 1
            let indent = source.indentation(ofLineAt: last.startByte)
            return .insertion(items.map { newline + indent + $0 + "," }.joined(), at: lineEnd - terminatorLength)
        }
        if trailingComma {
            return .insertion(" " + inline + ",", at: last.endByte)
        }
        return .insertion(", " + inline, at: last.endByte)
    }

    /// Appends a keyword-only parameter (`*, key`, or `key` after an existing `*`/`*args`),
    /// before `**kwargs` when there is one.
    static func addKeywordOnlyParameter(_ parameter: String, to function: Scope) -> Edit {
        let parameters = function.node.child(.parameters)!
        // An annotated splat (`*args: int`, `**options: Any`) is a typed_parameter around the
        // splat pattern, starting where the splat does; look through it.
        let items = parameters.namedChildren.map { item in
            item.nodeKind == .typedParameter ? item.namedChildren.first ?? item : item
        }
        let hasStar = items.contains { $0.nodeKind == .keywordSeparator || $0.nodeKind == .listSplatPattern }
        let spelled = hasStar ? [parameter] : ["*", parameter]
        let doubleStar = items.first { $0.nodeKind == .dictionarySplatPattern }
        return appendToList(parameters, items: spelled, before: doubleStar)
    }

    /// Removes one name from a `from … import a, b` statement: the whole statement (its lines)
    /// when it is the only name, else the name with the comma that separates it. Nil for an
    /// aliased name or a statement rekey does not lay out.
    static func removingImportedName(_ name: Node, from statement: Node) -> Edit? {
        guard statement.nodeKind == .importFromStatement, name.parent?.nodeKind == .dottedName,
            let imported = name.parent, imported.parent == statement
        else { return nil }
        let names = statement.children(.name)
        guard names.contains(imported) else { return nil }
        if names.count == 1 {
            return wholeLines(of: statement).map { deletingLines($0, in: statement.source) }
        }
        return deletingListItem(imported)
    }

    /// Deletes one item of a comma-separated list (an argument, a parameter, an imported name)
    /// with the comma that separates it from its neighbour: the one after it (and the spaces
    /// that follow), else the one before it. Nil when it has no comma on either side.
    /// An item alone on its line (one per line) goes with its whole line, so no blank line is left.
    static func deletingListItem(_ item: Node) -> Edit? {
        let source = item.source
        if let comma = item.nextSibling, comma.kind == "," {
            var end = comma.endByte
            while end < source.bytes.count, source.bytes[end] == UInt8(ascii: " ") || source.bytes[end] == UInt8(ascii: "\t") {
                end += 1
            }
            let line = source.lineRange(source.lineIndex(at: item.startByte))
            if startsLine(item), end < source.bytes.count,
                source.bytes[end] == UInt8(ascii: "\n") || source.bytes[end] == UInt8(ascii: "\r"),
                source.lineIndex(at: end) == source.lineIndex(at: item.startByte)
            {
                return .deletion(ByteRange(line.start, line.end))
            }
            return .deletion(ByteRange(item.startByte, end))
        }
        guard let comma = item.previousSibling, comma.kind == "," else { return nil }
        return .deletion(ByteRange(comma.startByte, item.endByte))
    }

    /// Whether `node` is assigned to: the target of an assignment (`x = …`, `x += …`), or a part
    /// of a tuple or list target (`x, y = …`).
    static func isAssignmentTarget(_ node: Node) -> Bool {
        var current = node
        while let parent = current.parent {
            switch parent.nodeKind {
            case .patternList, .tuplePattern, .listPattern, .tuple, .list: current = parent
            case .assignment, .augmentedAssignment: return parent.child(.left) == current
            default: return false
            }
        }
        return false
    }

    /// The name an assignment target gives its value, for naming a key after it: `w` for `w = …`,
    /// `l1` for `self.l1 = …`; nil for tuples and subscripts.
    static func assignedName(_ target: Node) -> String? {
        switch target.nodeKind {
        case .identifier: return target.text
        case .attribute: return target.child(.attribute)?.text
        default: return nil
        }
    }

    /// `MyLayer` → `my_layer`, `HTTPServer` → `http_server`, `make_model` stays.
    static func snakeCase(_ name: String) -> String {
        var result = ""
        let characters = Array(name)
        for (index, character) in characters.enumerated() {
            if character.isUppercase {
                let previous = index > 0 ? characters[index - 1] : nil
                let next = index + 1 < characters.count ? characters[index + 1] : nil
                if let previous, previous != "_", previous.isLowercase || previous.isNumber || (next?.isLowercase ?? false) {
                    result += "_"
                }
                result += character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// The first candidate not in `taken`, else the first with a numeric suffix.
    static func freshName(_ candidates: [String], avoiding taken: Set<String>) -> String {
        if let free = candidates.first(where: { !taken.contains($0) }) { return free }
        let base = candidates[0]
        var suffix = 2
        while taken.contains("\(base)\(suffix)") { suffix += 1 }
        return "\(base)\(suffix)"
    }
}
