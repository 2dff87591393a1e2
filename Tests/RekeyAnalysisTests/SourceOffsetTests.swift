import RekeySyntax
import Testing

@testable import RekeyAnalysis

/// Every node the model hands out carries UTF-8 byte offsets and character columns; multi-byte
/// identifiers and text in front of a key must not shift either.
@Suite struct SourceOffsetTests {
    @Test func aCJKIdentifierBeforeTheKey() throws {
        // "鍵名" is 2 characters and 6 bytes.
        let analysis = try Analysis(
            """
            import jax
            鍵名 = 1; key = jax.random.PRNGKey(0)
            """)
        let binding = try #require(analysis.model.moduleScope.bindings["key"]?.first)
        #expect(binding.nameNode.startByte == 11 + 12)  // "import jax\n" + "鍵名 = 1; "
        #expect(binding.nameNode.byteRange == ByteRange(23, 26))
        #expect(binding.nameNode.startPosition == SourcePosition(line: 2, column: 9))
        let cjk = try #require(analysis.model.moduleScope.bindings["鍵名"]?.first)
        #expect(cjk.nameNode.byteRange == ByteRange(11, 17))
        #expect(cjk.nameNode.endPosition == SourcePosition(line: 2, column: 3))
    }

    @Test func anAccentedKeyNameAndItsReads() throws {
        // "clé" is 3 characters and 4 bytes.
        let analysis = try Analysis(
            """
            import jax.random as jr
            clé = jr.PRNGKey(0)
            x = jr.normal(↓clé); y = ↓clé
            """)
        let binding = try #require(analysis.model.moduleScope.bindings["clé"]?.first)
        #expect(binding.nameNode.byteRange == ByteRange(24, 28))
        #expect(binding.nameNode.text == "clé")
        let reads = analysis.model.references(to: "clé", boundIn: analysis.model.moduleScope)
        #expect(reads.map(\.node.startByte) == analysis.markers)
        #expect(reads.map(\.node.byteRange.length) == [4, 4])
        // Line 3 is `x = jr.normal(clé); y = clé`: 24 characters but 25 bytes precede the second read.
        #expect(
            reads.map(\.node.startPosition) == [
                SourcePosition(line: 3, column: 15),
                SourcePosition(line: 3, column: 25),
            ])
        #expect(reads[1].node.startByte - analysis.source.lineStarts[2] == 25)
    }

    @Test func callsAfterEmojiAndCJKStringsKeepByteOffsets() throws {
        let prefix = "s = '🔑 鍵'; "
        let analysis = try Analysis(prefix + "import jax.random as jr; k = ↓jr.split(jr.PRNGKey(0))\n")
        let (call, scope) = try analysis.call()
        #expect(call.startByte == prefix.utf8.count + "import jax.random as jr; k = ".utf8.count)
        #expect(call.startByte == 45)  // 16 bytes of prefix (11 characters) + 29
        #expect(call.startPosition.column == 41)
        #expect(
            analysis.model.qualifiedName(of: try #require(call.child(.function)), in: scope)
                == "jax.random.split")
    }

    @Test func callSiteFailuresNameTheLineAfterMultiByteLines() throws {
        let analysis = try Analysis(
            """
            # ключ 🔑
            def f():
                pass
            étiquettes = {"🔑": f}
            """)
        #expect(try analysis.callSiteFailure(of: "f").contains("line 4"))
    }

    @Test func crlfLineEndingsDoNotChangeResolution() throws {
        let analysis = try Analysis("import jax.random as jr\r\ndef f(鍵):\r\n    return ↓jr.normal(↓鍵)\r\n")
        #expect(try analysis.calleeName() == "jax.random.normal")
        #expect(try analysis.resolvedScope(1) == "f")
        #expect(try analysis.reference(1).node.startPosition == SourcePosition(line: 3, column: 22))
    }
}
