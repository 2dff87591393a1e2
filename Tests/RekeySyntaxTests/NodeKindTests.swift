import Foundation
import Testing

@testable import RekeySyntax

/// Typed kinds and fields are compile-time ids, each spelt beside its grammar name in
/// NodeKind.swift: every id must be the one the grammar gives that name, or a switch over kinds
/// would silently match the wrong nodes.
@Suite struct NodeKindTests {
    private struct Declared {
        let constant: String
        let id: Int
        let name: String
    }

    private func declared(_ type: String) throws -> (constants: Int, spelt: [Declared]) {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/RekeySyntax/NodeKind.swift").standardized
        let text = try String(contentsOf: file, encoding: .utf8)
        let constants = text.matches(of: try Regex("static var \\w+: \(type) ")).count
        let spelt = text.matches(of: try Regex("static var (\\w+): \(type) \\{ \(type)\\(([0-9]+), named: \"([a-z_]+)\"\\) \\}")).map {
            Declared(
                constant: String($0.output[1].substring ?? ""), id: Int($0.output[2].substring ?? "") ?? -1,
                name: String($0.output[3].substring ?? ""))
        }
        return (constants, spelt)
    }

    @Test func everyKindIsTheGrammarsIdForItsName() throws {
        let kinds = try declared("NodeKind")
        #expect(kinds.spelt.count > 100 && kinds.spelt.count == kinds.constants)
        for kind in kinds.spelt {
            #expect(PythonGrammar.shared.kindIDByName[kind.name].map(Int.init) == kind.id, "\(kind.constant): \(kind.name)")
        }
    }

    @Test func everyFieldIsTheGrammarsIdForItsName() throws {
        let fields = try declared("FieldName")
        #expect(fields.spelt.count > 20 && fields.spelt.count == fields.constants)
        for field in fields.spelt {
            #expect(PythonGrammar.shared.fieldIDByName[field.name].map(Int.init) == field.id, "\(field.constant): \(field.name)")
        }
    }

    /// A kind read off a parsed node is the constant for its name: aliases of one name collapse
    /// to the id the constants use.
    @Test func aParsedNodesKindIsTheConstant() throws {
        let tree = try PythonParser().parse(SourceText(path: "t.py", text: "x = f(key=1)[0]\n"))
        var kinds: [String: NodeKind] = [:]
        var stack = [tree.root]
        while let node = stack.popLast() {
            if node.isNamed { kinds[node.kind] = node.nodeKind }
            stack += node.children
        }
        #expect(kinds["identifier"] == .identifier)
        #expect(kinds["call"] == .call)
        #expect(kinds["keyword_argument"] == .keywordArgument)
        #expect(kinds["subscript"] == .subscriptExpression)
        #expect(kinds["assignment"] == .assignment)
    }
}
