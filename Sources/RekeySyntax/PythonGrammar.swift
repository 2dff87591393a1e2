import CTreeSitter
import TreeSitterPython

/// The tree-sitter-python language, with its node kinds and field names looked up once.
public struct PythonGrammar: @unchecked Sendable {
    // A TSLanguage is immutable static data inside the grammar; sharing the pointer is safe.
    let language: OpaquePointer
    /// Node kind by symbol id: reading a kind is an array lookup, not a C-string conversion.
    let kindBySymbol: [String]
    let fieldIDByName: [String: TSFieldId]

    public static let shared = PythonGrammar()

    private init() {
        let language = tree_sitter_python()!
        self.language = language
        let symbolCount = Int(ts_language_symbol_count(language))
        var kinds = (0..<symbolCount).map { symbol in
            ts_language_symbol_name(language, TSSymbol(symbol)).map { String(cString: $0) } ?? ""
        }
        // ERROR nodes use the builtin symbol (TSSymbol)-1; give it a slot so kind lookup never traps.
        kinds += Array(repeating: "", count: Int(TSSymbol.max) - kinds.count)
        kinds.append("ERROR")
        kindBySymbol = kinds
        let fieldCount = Int(ts_language_field_count(language))
        var fields: [String: TSFieldId] = [:]
        for id in 1...max(fieldCount, 1) where id <= fieldCount {
            if let name = ts_language_field_name_for_id(language, TSFieldId(id)) {
                fields[String(cString: name)] = TSFieldId(id)
            }
        }
        fieldIDByName = fields
    }

    /// The ABI version the grammar was generated for (14 for tree-sitter-python 0.23.6).
    public var abiVersion: Int { Int(ts_language_version(language)) }

    func fieldID(_ name: String) -> TSFieldId {
        guard let id = fieldIDByName[name] else {
            preconditionFailure("tree-sitter-python has no field named '\(name)'")
        }
        return id
    }
}
