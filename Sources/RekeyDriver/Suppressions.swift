import RekeyRules
import RekeySyntax

/// Comments that silence findings on their line, and the directives among them that silence
/// nothing.
///
/// ## Syntax
///
/// | comment | suppresses |
/// |---|---|
/// | `# rekey: ignore` | every rekey finding on the line |
/// | `# rekey: ignore[RK004,RK005]` | those codes (spaces after commas allowed) |
/// | `# noqa: RK004` / `# noqa: RK004, RK005` | those codes; codes of other tools (`E501`) are left to them |
/// | `# noqa` (no codes) | every rekey finding on the line, as in flake8 and ruff |
///
/// Keywords are matched case-insensitively, codes too (`rk004` is `RK004`). A directive may follow
/// other text in the same comment (`# type: ignore  # noqa: RK004`). A `# noqa:` with only other
/// tools' codes (`# noqa: E501`) is not a rekey directive at all. A malformed `# rekey: ignore[…`
/// (no closing bracket, or something that is not a code inside) suppresses nothing, so a typo
/// shows up as the finding it failed to silence.
///
/// ## Which line
///
/// A directive applies to the line its comment is on. It silences a finding that starts on that
/// line, and also one inside a multi-line *simple* statement (an assignment, a call, a `return`…)
/// whose first or last line carries the comment, where formatters tend to move it:
///
/// ```python
/// params = model.init(  # rekey: ignore[RK004]
///     key, x,
/// )
/// ```
///
/// Compound statements (`def`, `class`, `if`, `with`…) are not extended: the comment goes on the
/// line the finding points at.
///
/// ## Comments only
///
/// Directives are read from the syntax tree's comment nodes, so `"# noqa"` inside a string literal
/// (or a docstring) suppresses nothing. The file's bytes are scanned for `noqa` and `rekey` first;
/// the tree is consulted only at those places, so files without directives cost one byte scan.
///
/// ## Unused directives
///
/// With `--report-unused-suppressions`, a directive that silenced nothing is reported as RK100
/// (``UnusedSuppression``, where the rule is documented): its findings judge the other rules'
/// findings, so they are made here, once those are known.
public enum Suppressions {
    public static let unusedSuppressionCode = UnusedSuppression.description.code

    static let unusedReason = "delete the directive, or the codes it no longer needs"

    /// Finding messages for RK100.
    static func unusedMessage(directive: String, unused: [RuleCode], unknown: [RuleCode]) -> String {
        var parts: [String] = []
        if !unused.isEmpty { parts.append("unused: " + unused.map(\.rawValue).joined(separator: ", ")) }
        if !unknown.isEmpty { parts.append("unknown: " + unknown.map(\.rawValue).joined(separator: ", ")) }
        let detail = parts.isEmpty ? "suppresses nothing" : "(\(parts.joined(separator: "; ")))"
        return "unused suppression `\(directive)` \(detail)"
    }

    // MARK: Applying

    /// The findings of one file that `selection` enables and no directive silences, plus RK100
    /// findings for unused directives when `reportUnused` is set and RK100 is enabled.
    /// `ruleCodes` are the codes of the rules that ran (enabled or not): a code in a directive is
    /// judged unused only when its rule ran and is enabled, and unknown when no rule has it.
    public static func apply(
        _ findings: [Finding], tree: SyntaxTree, selection: RuleSelection,
        ruleCodes: Set<RuleCode>, reportUnused: Bool
    ) -> [Finding] {
        let enabled = findings.filter { selection.isEnabled($0.code) }
        let comments = directiveComments(in: tree)
        guard !comments.isEmpty else { return enabled }

        var commentsByLine: [Int: [Int]] = [:]
        for (index, comment) in comments.enumerated() { commentsByLine[comment.line, default: []].append(index) }
        // usage[comment][directive]: codes it silenced; "*" marks a blanket directive that did.
        var usage = comments.map { $0.directives.map { _ in Set<RuleCode>() } }

        var kept: [Finding] = []
        for finding in enabled {
            var suppressed = false
            for line in candidateLines(of: finding, in: tree) {
                for commentIndex in commentsByLine[line] ?? [] {
                    for (directiveIndex, directive) in comments[commentIndex].directives.enumerated() {
                        if let codes = directive.codes {
                            guard codes.contains(finding.code) else { continue }
                            usage[commentIndex][directiveIndex].insert(finding.code)
                        } else {
                            usage[commentIndex][directiveIndex].insert("*")
                        }
                        suppressed = true
                    }
                }
            }
            if !suppressed { kept.append(finding) }
        }

        guard reportUnused, selection.isEnabled(unusedSuppressionCode) else { return kept }
        let known = Set(RuleSelection.knownCodes)
        let everyRuleEnabled = ruleCodes.allSatisfy(selection.isEnabled)
        for (commentIndex, comment) in comments.enumerated()
        where !comment.directives.contains(where: { $0.codes?.contains(unusedSuppressionCode) == true }) {
            for (directiveIndex, directive) in comment.directives.enumerated() {
                let used = usage[commentIndex][directiveIndex]
                let message: String
                if let codes = directive.codes {
                    let unknown = codes.filter { !known.contains($0) }
                    let unused = codes.filter { ruleCodes.contains($0) && selection.isEnabled($0) && !used.contains($0) }
                    guard !unknown.isEmpty || !unused.isEmpty else { continue }
                    message = unusedMessage(directive: directive.text, unused: unused, unknown: unknown)
                } else {
                    // A bare `# noqa` may be meant for another tool; a blanket directive can only be
                    // judged when every rule ran.
                    guard directive.kind == .rekey, used.isEmpty, everyRuleEnabled else { continue }
                    message = unusedMessage(directive: directive.text, unused: [], unknown: [])
                }
                // tree-sitter-python's comment token takes the `\r` of a CRLF line; the finding
                // ends where the comment's text does, as on an LF line.
                let node = comment.node
                let carriageReturn = node.endByte > node.startByte && tree.source.bytes[node.endByte - 1] == UInt8(ascii: "\r")
                var end = node.endPosition
                if carriageReturn { end.column -= 1 }
                kept.append(
                    Finding(
                        code: unusedSuppressionCode, range: ByteRange(node.startByte, node.endByte - (carriageReturn ? 1 : 0)),
                        start: node.startPosition, end: end, path: tree.source.path,
                        message: message, remedy: .manual(reason: unusedReason)))
            }
        }
        return kept
    }

    // MARK: Finding directives

    struct DirectiveComment {
        let node: Node
        /// 1-based.
        let line: Int
        let directives: [SuppressionDirective]
    }

    /// Every comment holding at least one directive. Scans the bytes for `noqa`/`rekey` (any
    /// case) and asks the tree whether each hit is inside a comment.
    static func directiveComments(in tree: SyntaxTree) -> [DirectiveComment] {
        var result: [DirectiveComment] = []
        var seen = Set<Int>()
        for hit in keywordOffsets(in: tree.source) {
            guard let node = tree.root.namedDescendant(for: ByteRange(hit, hit + 1)), node.nodeKind == .comment,
                seen.insert(node.startByte).inserted
            else { continue }
            let directives = directives(inComment: node.text)
            if !directives.isEmpty {
                result.append(DirectiveComment(node: node, line: node.startPosition.line, directives: directives))
            }
        }
        return result
    }

    /// The offset of each `noqa` or `rekey`, in any case, that follows a `#` on its line. A
    /// comment runs from a `#` to the end of its line, so only those stretches are searched (a
    /// hit there may still be in a string: the tree tells).
    private static func keywordOffsets(in source: SourceText) -> [Int] {
        let bytes = source.bytes
        var hits: [Int] = []
        var index = 0
        while let hash = Prefilter.firstOccurrence(of: hashMark, in: bytes, from: index) {
            let nextLine = source.lineIndex(at: hash) + 1
            let end = nextLine < source.lineStarts.count ? source.lineStarts[nextLine] : bytes.count
            for offset in hash..<end {
                // `| 0x20` folds ASCII upper case to lower case; no other byte folds onto a
                // letter that these words contain.
                switch bytes[offset] | 0x20 {
                case UInt8(ascii: "n") where matchesWord(bytes, at: offset, noqaBytes): hits.append(offset)
                case UInt8(ascii: "r") where matchesWord(bytes, at: offset, rekeyBytes): hits.append(offset)
                default: break
                }
            }
            index = end
        }
        return hits
    }

    private static let hashMark = [UInt8(ascii: "#")]
    private static let noqaBytes = Array("noqa".utf8)
    private static let rekeyBytes = Array("rekey".utf8)

    private static func matchesWord(_ bytes: [UInt8], at index: Int, _ word: [UInt8]) -> Bool {
        guard index + word.count <= bytes.count else { return false }
        for (position, letter) in word.enumerated() where bytes[index + position] | 0x20 != letter {
            return false
        }
        return true
    }

    /// The directives in one comment's text (which starts with `#`).
    public static func directives(inComment text: String) -> [SuppressionDirective] {
        var scanner = DirectiveScanner(Array(text.utf8))
        return scanner.all()
    }

    /// The lines a directive for `finding` may sit on: its start line, and the first and last line
    /// of the simple statement around it.
    static func candidateLines(of finding: Finding, in tree: SyntaxTree) -> Set<Int> {
        var lines: Set<Int> = [finding.start.line]
        var current = tree.root.namedDescendant(for: finding.range)
        while let node = current {
            let kind = node.nodeKind
            if simpleStatementKinds.contains(kind) {
                lines.insert(node.startPosition.line)
                lines.insert(node.endPosition.line)
                break
            }
            if kind == .block || kind == .module { break }
            current = node.parent
        }
        return lines
    }

    private static let simpleStatementKinds: Set<NodeKind> = [
        .expressionStatement, .returnStatement, .assertStatement, .deleteStatement,
        .raiseStatement, .importStatement, .importFromStatement, .futureImportStatement,
        .globalStatement, .nonlocalStatement, .typeAliasStatement, .printStatement, .execStatement,
    ]
}

/// One suppression directive as written in a comment.
public struct SuppressionDirective: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// `# rekey: ignore`, `# rekey: ignore[…]`
        case rekey
        /// `# noqa`, `# noqa: …`
        case noqa
    }

    public let kind: Kind
    /// The codes it names, upper-cased; nil for a blanket directive (every code).
    public let codes: [RuleCode]?
    /// The directive as written, from its `#` to its last code (`# noqa: RK004, RK005`).
    public let text: String

    public init(kind: Kind, codes: [RuleCode]?, text: String) {
        self.kind = kind
        self.codes = codes
        self.text = text
    }

    public var description: String { text }
}

/// A hand-written scanner: the grammar is small, and a regular expression would hide the
/// decisions (what ends a code list, what a malformed list means) that the doc comment states.
private struct DirectiveScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func all() -> [SuppressionDirective] {
        var result: [SuppressionDirective] = []
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "#") else {
                index += 1
                continue
            }
            let hash = index
            index += 1
            skipSpaces()
            let keywordStart = index
            if let directive = noqa(from: hash) {
                result.append(directive)
                continue
            }
            index = keywordStart
            if let directive = rekeyIgnore(from: hash) {
                result.append(directive)
                continue
            }
            index = keywordStart
        }
        return result
    }

    private mutating func noqa(from hash: Int) -> SuppressionDirective? {
        guard keyword("noqa") else { return nil }
        var end = index
        var codes: [RuleCode] = []
        if peek == UInt8(ascii: ":") {
            index += 1
            skipSpaces()
            // Codes are separated by commas, spaces or both; the list ends at the first thing that
            // is not a code (`# noqa: RK004 reused on purpose`).
            while let code = code() {
                codes.append(code)
                end = index
                skipSpaces()
                if peek == UInt8(ascii: ",") {
                    index += 1
                    skipSpaces()
                }
            }
        }
        index = end
        let text = String(decoding: bytes[hash..<end], as: UTF8.self)
        // `# noqa` and `# noqa:` with no codes silence everything, as in flake8.
        if codes.isEmpty { return SuppressionDirective(kind: .noqa, codes: nil, text: text) }
        // Only other tools' codes (`# noqa: E501`): not ours to honour or report.
        let ours = codes.filter(Self.isRekeyCode)
        return ours.isEmpty ? nil : SuppressionDirective(kind: .noqa, codes: ours, text: text)
    }

    private mutating func rekeyIgnore(from hash: Int) -> SuppressionDirective? {
        guard keyword("rekey") else { return nil }
        skipSpaces()
        guard peek == UInt8(ascii: ":") else { return nil }
        index += 1
        skipSpaces()
        guard keyword("ignore") else { return nil }
        let keywordEnd = index
        skipSpaces()
        guard peek == UInt8(ascii: "[") else {
            index = keywordEnd
            return SuppressionDirective(kind: .rekey, codes: nil, text: String(decoding: bytes[hash..<index], as: UTF8.self))
        }
        index += 1
        var codes: [RuleCode] = []
        while true {
            skipSpaces()
            guard let code = code() else { return nil }
            codes.append(code)
            skipSpaces()
            if peek == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard peek == UInt8(ascii: "]") else { return nil }
            index += 1
            return SuppressionDirective(kind: .rekey, codes: codes, text: String(decoding: bytes[hash..<index], as: UTF8.self))
        }
    }

    /// Matches `word` case-insensitively when it is not the start of a longer word.
    private mutating func keyword(_ word: String) -> Bool {
        let letters = Array(word.utf8)
        guard index + letters.count <= bytes.count else { return false }
        for (offset, letter) in letters.enumerated() where bytes[index + offset] | 0x20 != letter { return false }
        let after = index + letters.count
        if after < bytes.count, isWordByte(bytes[after]) { return false }
        index = after
        return true
    }

    /// A code: letters then digits (`RK004`, `E501`), not followed by a word character.
    private mutating func code() -> RuleCode? {
        var end = index
        while end < bytes.count, isLetter(bytes[end]) { end += 1 }
        let lettersEnd = end
        while end < bytes.count, isDigit(bytes[end]) { end += 1 }
        guard lettersEnd > index, end > lettersEnd, end == bytes.count || !isWordByte(bytes[end]) else { return nil }
        let code = String(decoding: bytes[index..<end], as: UTF8.self).uppercased()
        index = end
        return RuleCode(code)
    }

    private static func isRekeyCode(_ code: RuleCode) -> Bool {
        code.rawValue.hasPrefix("RK") && code.rawValue.count > 2
            && code.rawValue.dropFirst(2).allSatisfy { $0.isASCII && $0.isNumber }
    }

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipSpaces() {
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") { index += 1 }
    }

    private func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    private func isWordByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte >= 0x80
    }
}
