import Foundation

/// Identifiers as Python compares them.
public enum PythonIdentifier {
    /// `text` in NFKC form, as Python reads identifiers (PEP 3131): `ｋｅｙ` and `key` are one
    /// name. ASCII, nearly every name, is already in that form; telling so by its bytes avoids
    /// walking it character by character.
    public static func normalised(_ text: String) -> String {
        text.utf8.allSatisfy { $0 < 0x80 } ? text : text.precomposedStringWithCompatibilityMapping
    }
}
