import CTreeSitter
import Foundation
import RekeyTestSupport
import Testing

@testable import RekeySyntax

@Suite struct SyntaxTreeTests {
    func parse(_ text: String) throws -> SyntaxTree {
        try PythonParser().parse(SourceText(path: "t.py", text: text))
    }

    @Test func grammarIsTheABI14Release() {
        #expect(PythonGrammar.shared.abiVersion == 14)
    }

    @Test func modernSyntaxParsesWithoutErrors() throws {
        let tree = try parse(
            """
            type Pair[T] = tuple[T, T]
            def first[T](p: Pair[T]) -> T:
                match p:
                    case (a, _):
                        return a
            """)
        #expect(!tree.hasError)
    }

    @Test func brokenInputReportsItsFirstError() throws {
        let tree = try parse("def f(:\n    pass\n")
        #expect(tree.hasError)
        #expect(tree.firstError?.startPosition.line == 1)
    }

    @Test func fieldsChildrenAndText() throws {
        let tree = try parse("key = jax.random.PRNGKey(0)\n")
        let assignment = try #require(tree.root.namedChildren.first?.namedChildren.first)
        #expect(assignment.kind == "assignment")
        #expect(assignment.child(.left)?.text == "key")
        let call = try #require(assignment.child(.right))
        #expect(call.kind == "call")
        #expect(call.child(.function)?.text == "jax.random.PRNGKey")
        #expect(call.child(.arguments)?.namedChildren.map(\.text) == ["0"])
    }

    /// A dotted name spelt across spaces, tabs and a continued line, in ASCII and not.
    @Test(arguments: [
        ("from jax . random import normal\n", "jax.random"),
        ("from jax .\\\n\trandom import normal\n", "jax.\\random"),
        ("from ｊａｘ . random import normal\n", "ｊａｘ.random"),
        ("from jax.random import normal\n", "jax.random"),
    ])
    func textWithoutWhitespace(source: String, module: String) throws {
        let statement = try #require(try parse(source).root.namedChildren.first)
        #expect(statement.child(.moduleName)?.textWithoutWhitespace == module)
    }

    @Test func offsetsAreUTF8BytesAndColumnsAreCharacters() throws {
        // "é" is 2 bytes and "🔑" 4 bytes: byte offsets and character columns must differ.
        let text = "s = 'é🔑'; key = 1\n"
        let tree = try parse(text)
        let statement = try #require(tree.root.namedChildren.last)
        let name = try #require(statement.namedChildren.first?.child(.left))
        #expect(name.text == "key")
        #expect(name.startByte == Array("s = 'é🔑'; ".utf8).count)
        #expect(name.startPosition == SourcePosition(line: 1, column: 11))
    }

    @Test func crlfLinesAreCountedAndDetected() throws {
        let source = SourceText(path: "t.py", text: "a = 1\r\nb = 2\r\n")
        #expect(source.lineEnding == .crlf)
        let tree = try PythonParser().parse(source)
        #expect(!tree.hasError)
        #expect(tree.root.namedChildren[1].startPosition == SourcePosition(line: 2, column: 1))
    }

    @Test func invalidUTF8IsRejectedWithItsOffset() {
        #expect(throws: SourceText.DecodingError.invalidUTF8(byteOffset: 2)) {
            try SourceText(path: "t.py", bytes: [0x61, 0x20, 0xC3, 0x28])
        }
        #expect(throws: SourceText.DecodingError.invalidUTF8(byteOffset: 0)) {
            try SourceText(path: "t.py", bytes: [0xED, 0xA0, 0x80])  // an encoded surrogate
        }
    }

    /// ASCII is skipped eight bytes at a time: a bad byte is found at every offset from the
    /// start of such a run, and a good character is accepted there.
    @Test func invalidUTF8IsFoundAtEveryOffsetAfterASCII() {
        for offset in 0..<24 {
            var bytes = Array(repeating: UInt8(ascii: "a"), count: 32)
            bytes.insert(0xFF, at: offset)
            #expect(SourceText.firstInvalidUTF8Offset(bytes) == offset)
            var good = Array(repeating: UInt8(ascii: "a"), count: 32)
            good.insert(contentsOf: Array("é🔑".utf8), at: offset)
            #expect(SourceText.firstInvalidUTF8Offset(good) == nil)
            #expect(SourceText.firstInvalidUTF8Offset(Array(good.dropLast(32 - offset + 1))) == offset + 2)  // 🔑 cut short
        }
    }

    /// CPython reads a file in the encoding its coding comment declares; rekey reads UTF-8 only,
    /// and says so with the encoding declared.
    @Test func invalidUTF8NamesTheEncodingItsCodingCommentDeclares() {
        let latin1 = Array("#!/usr/bin/env python\n# -*- coding: latin-1 -*-\n# caf".utf8) + [0xE9, 0x0A]
        #expect(throws: SourceText.DecodingError.invalidUTF8(byteOffset: 53, declared: "latin-1")) {
            try SourceText(path: "t.py", bytes: latin1)
        }
        let description = SourceText.DecodingError.invalidUTF8(byteOffset: 53, declared: "latin-1").description
        #expect(description.contains("declares latin-1") && description.contains("iconv -f latin-1 -t utf-8"))
        // A coding comment below the second line declares nothing.
        #expect(throws: SourceText.DecodingError.invalidUTF8(byteOffset: 12, declared: nil)) {
            try SourceText(path: "t.py", bytes: Array("x = 1\ny = 2\n".utf8) + [0xE9] + Array("\n# coding: latin-1\n".utf8))
        }
    }

    @Test func walkVisitsEveryNode() throws {
        let source = SourceText(path: "t.py", text: "x = f(1, 2)\n")
        // module, expression_statement, assignment, identifier, =, call, identifier,
        // argument_list, (, integer, ",", integer, )
        #expect(try PythonParser().parseAndWalk(source) == 13)
        #expect(try PythonParser().parse(source).nodeCount == 13)
        // A table takes about 4 bytes a byte of Python, and rounds of cross-file facts keep some.
        #expect(MemoryLayout<NodeTable.Record>.stride == 20)
    }

    /// A table is gathered in room the parser keeps, and is then held at its size: a kept tree
    /// takes the bytes its records need, not what the largest file before it needed.
    @Test func aTableTakesTheRoomOfItsRecords() throws {
        let parser = try PythonParser()
        let large = (0..<3_000).map { "x\($0) = f(\($0), y)\n" }.joined()
        let largeTree = try parser.parse(SourceText(path: "large.py", text: large))
        let small = try parser.parse(SourceText(path: "small.py", text: "x = f(1, 2)\n"))
        #expect(largeTree.nodeCount > 30_000)
        #expect(largeTree.memoryBytes < (largeTree.nodeCount + 8) * MemoryLayout<NodeTable.Record>.stride)
        #expect(small.memoryBytes < (small.nodeCount + 8) * MemoryLayout<NodeTable.Record>.stride)
        // Nothing of the larger file's walk is left in the smaller file's table.
        #expect(small.hasTheNodes(of: try PythonParser().parse(SourceText(path: "small.py", text: "x = f(1, 2)\n"))))
        #expect(largeTree.hasTheNodes(of: try PythonParser().parse(SourceText(path: "large.py", text: large))))
    }

    @Test func indentationKeepsTabs() {
        let source = SourceText(path: "t.py", text: "if x:\n\ty = 1\n")
        #expect(source.indentation(ofLineAt: 8) == "\t")
    }
}

@Suite struct NamedNodeWalkTests {
    /// ``SyntaxTree/forEachNamedNode(_:)`` meets the nodes a walk over named children meets, in
    /// the order a depth-first walk does: checked on every Python file of the Fixtures.
    @Test func everyNamedNodeOfTheFixturesInDocumentOrder() throws {
        let parser = try PythonParser()
        let files =
            FileManager.default.enumerator(atPath: fixturesFolder)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".py") } ?? []
        #expect(files.count > 100)
        for file in files {
            let path = fixturesFolder + "/" + file
            let tree = try parser.parse(SourceText(path: path, bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path)))))
            func identity(_ node: Node) -> [Int] { [node.startByte, node.endByte, Int(node.nodeKind.id)] }
            var walked: [[Int]] = []
            func walk(_ node: Node) {
                walked.append(identity(node))
                for child in node.namedChildren { walk(child) }
            }
            walk(tree.root)
            var visited: [[Int]] = []
            tree.forEachNamedNode { visited.append(identity($0)) }
            #expect(visited == walked, "\(file)")
        }
    }
}

@Suite struct LineEndingTests {
    @Test func loneCarriageReturnsEndLinesAsInPython() throws {
        // LF, CRLF and lone CR mixed: CPython's tokenizer reads each as one line break.
        let source = try SourceText(path: "t.py", bytes: Array("a = 1\nb = 2\r\nc = 3\rd = 4\n".utf8))
        #expect(source.lineStarts == [0, 6, 13, 19, 25])
        let tree = try PythonParser().parse(source)
        #expect(!tree.hasError)
        #expect(tree.root.namedChildren.map(\.startPosition.line) == [1, 2, 3, 4])
        #expect(tree.root.namedChildren[3].text == "d = 4")
    }

    @Test(arguments: ["", "a", "\n", "a\n", "\n\na = 1\n\nb", "a = 1\nb = 2\n"])
    func linesWithoutCarriageReturnsStartAfterEachLineFeed(_ text: String) {
        let bytes = Array(text.utf8)
        let expected = [0] + bytes.indices.filter { bytes[$0] == UInt8(ascii: "\n") }.map { $0 + 1 }
        #expect(SourceText(path: "t.py", text: text).lineStarts == expected)
    }

    @Test func theMainGuardIsAStatementOfItsOwnUnderCarriageReturns() throws {
        let text = "import jax\rif __name__ == \"__main__\":\r    key = jax.random.PRNGKey(0)\r"
        let tree = try PythonParser().parse(SourceText(path: "t.py", text: text))
        #expect(!tree.hasError)
        #expect(tree.root.namedChildren.map(\.kind) == ["import_statement", "if_statement"])
        #expect(tree.root.namedChildren[1].endPosition.line == 3)
    }

    @Test func theLineEndingInTheMajorityWins() {
        #expect(SourceText(path: "t.py", text: "a\rb\rc\n").lineEnding == .cr)
        #expect(SourceText(path: "t.py", text: "a\r\nb\r\nc\r").lineEnding == .crlf)
        #expect(SourceText(path: "t.py", text: "a\nb\r\nc\r").lineEnding == .lf)
    }
}

@Suite struct DeepTreeTests {
    /// Runs `body` on a thread with a 256 KiB stack: a recursive walk of the trees below would
    /// need megabytes, so these tests pass only if nothing recurses.
    func onSmallStack(_ body: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                body()
                done.resume()
            }
            thread.stackSize = 256 * 1024
            thread.start()
        }
    }

    @Test func printingADeepTreeDoesNotRecurse() async throws {
        let tree = try PythonParser().parse(SourceText(path: "t.py", text: "x = " + String(repeating: "-", count: 3_000) + "a\n"))
        nonisolated(unsafe) var printed = ""
        await onSmallStack { printed = tree.root.prettySExpression }
        #expect(printed.hasSuffix("identifier [1:3005-1:3006] \"a\"\n"))
    }

    @Test func findingAnErrorAtTheBottomOfADeepTreeDoesNotRecurse() async throws {
        let tree = try PythonParser().parse(SourceText(path: "t.py", text: "x = " + String(repeating: "-", count: 30_000) + "(\n"))
        nonisolated(unsafe) var found = false
        await onSmallStack { found = tree.firstError != nil }
        #expect(found)
    }
}

/// ``NodeTable`` steps its cursor only where a child or sibling is known to be: it must list
/// exactly the nodes a plain cursor walk visits (every step tried, a failed one ending the
/// level), with the same links, fields and flags.
@Suite struct NodeTableWalkTests {
    /// The plain walk: parents before children, a step to the first child tried at every node and
    /// to the next sibling until it fails.
    func plainWalk(_ tree: OpaquePointer) -> [NodeTable.Record] {
        var records: [NodeTable.Record] = []
        var cursor = ts_tree_cursor_new(ts_tree_root_node(tree))
        defer { ts_tree_cursor_delete(&cursor) }
        func append(parent: Int32) -> Int32 {
            let node = ts_tree_cursor_current_node(&cursor)
            var flags: NodeTable.Flags = []
            if ts_node_is_named(node) { flags.insert(.named) }
            if ts_node_is_missing(node) { flags.insert(.missing) }
            if ts_node_has_error(node) { flags.insert(.hasError) }
            records.append(
                NodeTable.Record(
                    startByte: ts_node_start_byte(node), endByte: ts_node_end_byte(node), parent: parent,
                    kind: PythonGrammar.shared.canonicalKind[Int(ts_node_symbol(node))],
                    storedField: UInt8(ts_tree_cursor_current_field_id(&cursor)), flags: flags))
            return Int32(records.count - 1)
        }
        var current = append(parent: -1)
        var ancestors: [Int32] = []
        while true {
            if ts_tree_cursor_goto_first_child(&cursor) {
                ancestors.append(current)
                current = append(parent: current)
                continue
            }
            while !ts_tree_cursor_goto_next_sibling(&cursor) {
                guard ts_tree_cursor_goto_parent(&cursor) else { return records }
                current = ancestors.removeLast()
            }
            let sibling = append(parent: ancestors[ancestors.count - 1])
            records[Int(current)].nextSibling = sibling
            current = sibling
        }
    }

    @Test func theTableListsWhatAPlainCursorWalkVisits() throws {
        let files =
            FileManager.default.enumerator(atPath: fixturesFolder)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".py") } ?? []
        #expect(files.count > 100)
        let texts =
            try files.map { Array(try Data(contentsOf: URL(fileURLWithPath: fixturesFolder + "/" + $0))) }
            + [
                "", "\n", "x", "def f(:\n    return (1,\n", "if x:\nelse:\n  pass\n", "print 'old'\n", "a = [1, 2,, 3]\n",
                "class C:\n    @property\n    def f(self): ...\n", "x = (yield)\n", "lambda: (a for a in b if c)\n",
                "try:\n    pass\nexcept* E as e:\n    pass\n", "match x:\n    case [1, *rest] if rest:\n        pass\n",
                "f'{a!r:>{w}}' \\\n  'tail'\n", "x = 1 +\n", "(((((((((((1)))))))))))\n",
            ].map { Array($0.utf8) }
        let parser = ts_parser_new()
        defer { ts_parser_delete(parser) }
        #expect(ts_parser_set_language(parser, PythonGrammar.shared.language))
        var scratch = ContiguousArray<NodeTable.Record>()
        let bareParser = try PythonParser()
        var withErrors = 0
        for bytes in texts {
            let tree = try #require(
                bytes.withUnsafeBufferPointer { buffer in
                    buffer.withMemoryRebound(to: CChar.self) {
                        ts_parser_parse_string_encoding(parser, nil, $0.baseAddress, UInt32($0.count), TSInputEncodingUTF8)
                    }
                })
            defer { ts_tree_delete(tree) }
            if ts_node_has_error(ts_tree_root_node(tree)) { withErrors += 1 }
            let table = try #require(NodeTable(tree, scratch: &scratch))
            let plain = plainWalk(tree)
            #expect(Array(table.records) == plain, "\(String(decoding: bytes.prefix(80), as: UTF8.self))")
            // The bare parse, the floor of the benchmarks, walks the same nodes.
            #expect(try bareParser.parseAndWalk(SourceText(path: "t.py", bytes: bytes)) == plain.count)
        }
        #expect(withErrors >= 3)
    }
}
