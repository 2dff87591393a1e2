import CTreeSitter
import TreeSitterPython

/// The tree-sitter-python language, with its node kinds and field names looked up once.
public struct PythonGrammar: @unchecked Sendable {
    // A TSLanguage is immutable static data inside the grammar; sharing the pointer is safe.
    let language: OpaquePointer
    /// Node kind by symbol id: reading a kind is an array lookup, not a C-string conversion.
    let kindBySymbol: [String]
    let fieldIDByName: [String: TSFieldId]
    /// For every symbol, the first symbol with the same name and namedness (aliases collapse).
    let canonicalKind: [UInt16]
    let kindIDByName: [String: UInt16]

    public static let shared = PythonGrammar()

    private init() {
        let language = tree_sitter_python()!
        self.language = language
        let symbolCount = Int(ts_language_symbol_count(language))
        var kinds = (0..<symbolCount).map { symbol in
            ts_language_symbol_name(language, TSSymbol(symbol)).map { String(cString: $0) } ?? ""
        }
        // ERROR nodes use the builtin symbol (TSSymbol)-1; give it a slot so kind lookup never traps.
        let padding = Int(TSSymbol.max) - kinds.count
        kinds += Array(repeating: "", count: padding)
        kinds.append("ERROR")
        kindBySymbol = kinds
        var firstByName: [String: UInt16] = [:]
        var namedFirstByName: [String: UInt16] = [:]
        var canonical = [UInt16](repeating: 0, count: kinds.count)
        func canonicalize(_ symbol: Int, isNamed: Bool) {
            if isNamed {
                canonical[symbol] = namedFirstByName[kinds[symbol]] ?? UInt16(symbol)
                namedFirstByName[kinds[symbol]] = canonical[symbol]
            } else {
                canonical[symbol] = firstByName[kinds[symbol]] ?? UInt16(symbol)
                firstByName[kinds[symbol]] = canonical[symbol]
            }
        }
        for symbol in 0..<symbolCount {
            canonicalize(symbol, isNamed: ts_language_symbol_type(language, TSSymbol(symbol)) == TSSymbolTypeRegular)
        }
        // The slots no symbol uses, tens of thousands, all unnamed "": the first stands for all of
        // them, asked about once (this runs at every start of the program).
        if padding > 0 {
            canonicalize(symbolCount, isNamed: false)
            canonical.replaceSubrange(
                (symbolCount + 1)..<(symbolCount + padding), with: repeatElement(canonical[symbolCount], count: padding - 1))
        }
        canonicalize(Int(TSSymbol.max), isNamed: true)
        canonicalKind = canonical
        kindIDByName = namedFirstByName
        let fieldCount = Int(ts_language_field_count(language))
        precondition(fieldCount <= UInt8.max, "a node table stores a field id in a byte")
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

    func fieldName(_ id: TSFieldId) -> String {
        ts_language_field_name_for_id(language, id).map { String(cString: $0) } ?? ""
    }
}
