import Foundation
import Testing

@testable import RekeySyntax

/// A typed kind or field is checked against the grammar when first used, and a misspelt one stops
/// rekey there: every one declared in NodeKind.swift must name a kind or field the grammar has.
@Suite struct NodeKindTests {
    private func declared(_ type: String) throws -> [String] {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/RekeySyntax/NodeKind.swift").standardized
        let text = try String(contentsOf: file, encoding: .utf8)
        return text.matches(of: try Regex("= \(type)\\(\"([a-z_]+)\"\\)")).compactMap { $0.output[1].substring.map(String.init) }
    }

    @Test func everyDeclaredKindAndFieldIsInTheGrammar() throws {
        let kinds = try declared("NodeKind")
        let fields = try declared("FieldName")
        #expect(kinds.count > 40 && fields.count > 15)
        for kind in kinds { #expect(PythonGrammar.shared.kindIDByName[kind] != nil, "no kind \(kind)") }
        for field in fields { #expect(PythonGrammar.shared.fieldIDByName[field] != nil, "no field \(field)") }
    }
}
