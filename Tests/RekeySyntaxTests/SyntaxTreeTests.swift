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
        let tree = try parse("""
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
        #expect(assignment.child(field: "left")?.text == "key")
        let call = try #require(assignment.child(field: "right"))
        #expect(call.kind == "call")
        #expect(call.child(field: "function")?.text == "jax.random.PRNGKey")
        #expect(call.child(field: "arguments")?.namedChildren.map(\.text) == ["0"])
    }

    @Test func offsetsAreUTF8BytesAndColumnsAreCharacters() throws {
        // "é" is 2 bytes and "🔑" 4 bytes: byte offsets and character columns must differ.
        let text = "s = 'é🔑'; key = 1\n"
        let tree = try parse(text)
        let statement = try #require(tree.root.namedChildren.last)
        let name = try #require(statement.namedChildren.first?.child(field: "left"))
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

    @Test func walkVisitsEveryNode() throws {
        let tree = try parse("x = f(1, 2)\n")
        // module, expression_statement, assignment, identifier, =, call, identifier,
        // argument_list, (, integer, ",", integer, )
        #expect(tree.walkAllNodes() == 13)
    }

    @Test func indentationKeepsTabs() {
        let source = SourceText(path: "t.py", text: "if x:\n\ty = 1\n")
        #expect(source.indentation(ofLineAt: 8) == "\t")
    }
}
