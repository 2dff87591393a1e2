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

/// A word of up to 8 bytes as one integer, its first byte highest: told from a list of keywords
/// (the compile check's, the indentation scan's) by comparing integers, without making a string.
enum PackedWord {
    static func of(_ bytes: some Sequence<UInt8>) -> UInt64 {
        bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// The bytes of `range`, read in place.
    static func of(_ bytes: [UInt8], _ range: Range<Int>) -> UInt64 {
        var word: UInt64 = 0
        for offset in range { word = word << 8 | UInt64(bytes[offset]) }
        return word
    }
}
