import RekeyRules

/// A finding's fingerprint, for review tools that track results from run to run (GitHub code
/// scanning reads SARIF's `partialFingerprints`): the same while the finding's own line is the
/// same, wherever lines above it move. It hashes the rule code, the path, the text of the line the
/// finding starts on (whitespace runs collapsed), and how many earlier findings of that file share
/// the three, so two identical lines stay apart (``StableHash``).
public enum FindingFingerprint {
    /// `findings` of one file, in any order, with `fingerprint` set, in the order given (the fix
    /// loop's order is its priority); `bytes` is the text they were found in.
    public static func assign(to findings: [Finding], in bytes: [UInt8]) -> [Finding] {
        var seen: [String: Int] = [:]
        var fingerprinted = findings
        // Occurrences count in position order, whatever the order given.
        for index in findings.indices.sorted(by: { findings[$0].range < findings[$1].range }) {
            let finding = findings[index]
            let key = "\(finding.code.rawValue)\u{0}\(finding.path)\u{0}\(lineText(at: finding.range.start, in: bytes))"
            let occurrence = seen[key, default: 0]
            seen[key] = occurrence + 1
            fingerprinted[index].fingerprint = hash("\(key)\u{0}\(occurrence)")
        }
        return fingerprinted
    }

    /// The line holding byte `offset`, with runs of spaces and tabs made one space and its ends trimmed.
    static func lineText(at offset: Int, in bytes: [UInt8]) -> String {
        let offset = min(max(offset, 0), bytes.count)
        var start = offset
        while start > 0, bytes[start - 1] != UInt8(ascii: "\n") { start -= 1 }
        var end = offset
        while end < bytes.count, bytes[end] != UInt8(ascii: "\n"), bytes[end] != UInt8(ascii: "\r") { end += 1 }
        let line = String(decoding: bytes[start..<end], as: UTF8.self)
        return line.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// FNV-1a of `text`'s UTF-8 bytes, as 16 hex digits.
    static func hash(_ text: String) -> String {
        var hash = StableHash()
        hash.add(text.utf8)
        return hash.hex
    }
}
