import Foundation
import RekeyAnalysis
import RekeySyntax

/// Scripts and notebooks exported as `.py`: files nothing imports, run top to bottom. They have no
/// import time; their top level is the run, an entry point like an `if __name__ == "__main__":`
/// block. So a key made at their top level is the run's own (no RK001), and sampling there is the
/// program's work (no RK002); reuse rules apply as everywhere, and functions reading the key still
/// hide it (RK003).
///
/// A file is taken for one when no file of the project imports its module and it looks like a
/// script: jupytext cell markers (`# %%`, `# In[ ]:`), a folder of examples, scripts, tutorials,
/// notebooks, demos, docs or benchmarks, a `__main__.py`, or, outside any package, top-level code
/// that does the program's work (see ``runsCodeAtTopLevel(_:)``). Test modules are not scripts: pytest
/// imports them, and their top-level keys are shared by every test.
enum ScriptFiles {
    static let scriptFolders: Set<String> = [
        "example", "examples", "script", "scripts", "tutorial", "tutorials", "notebook", "notebooks",
        "demo", "demos", "doc", "docs", "benchmark", "benchmarks",
    ]

    /// Whether the file looks like a script, before asking whether anything imports it.
    static func looksLikeScript(path: String, moduleName: String, model: SemanticModel) -> Bool {
        let components = path.split(separator: "/").map(String.init)
        guard let fileName = components.last else { return false }
        let stem = String(fileName.dropLast(fileName.hasSuffix(".py") ? 3 : 0))
        if stem == "__main__" { return true }
        let isTestModule = stem == "conftest" || stem.hasPrefix("test_") || stem.hasSuffix("_test") || stem.hasSuffix("_tests")
        if isTestModule || stem == "__init__" || stem == "setup" || stem == "conftest" { return false }
        if hasCellMarkers(model.source) { return true }
        if components.dropLast().contains(where: { scriptFolders.contains($0.lowercased()) }) { return true }
        return !moduleName.contains(".") && runsCodeAtTopLevel(model)
    }

    /// The `import` and `from` lines of a file rekey did not parse, each as its words, read once
    /// for the many modules a run asks about.
    struct ImportLines {
        private let bytes: [UInt8]
        private let lines: [[String]]

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
            var lines: [[String]] = []
            // Only the lines holding `import` or `from` are looked at, and only a line with a
            // byte that may begin another line break (`\r`, `\v`, `\f`, U+0085, U+2028, U+2029)
            // or a non-ASCII byte is decoded, and split as Python's text is, by Character.
            for start in Self.startsOfLines(holding: [Self.importKeyword, Self.fromKeyword], in: bytes) {
                let end = SourceText.firstIndex(of: UInt8(ascii: "\n"), in: bytes, from: start) ?? bytes.count
                let line = bytes[start..<end]
                if line.contains(where: Self.mayBreakLine) {
                    lines += String(decoding: line, as: UTF8.self).split(whereSeparator: \.isNewline).compactMap(Self.importWords)
                } else if Self.mayStartWithImport(line) {
                    let words =
                        line.allSatisfy { $0 < 0x80 }
                        ? Self.importWords(ascii: line) : Self.importWords(String(decoding: line, as: UTF8.self)[...])
                    lines += words.map { [$0] } ?? []
                }
            }
            self.lines = lines
        }

        private static let importKeyword = Array("import".utf8)
        private static let fromKeyword = Array("from".utf8)

        /// Where each line (ended by `\n`) holding one of `words` starts, in order, each once.
        private static func startsOfLines(holding words: [[UInt8]], in bytes: [UInt8]) -> [Int] {
            var starts = Set<Int>()
            for word in words {
                var from = 0
                while let position = Prefilter.firstOccurrence(of: word, in: bytes, from: from) {
                    var start = position
                    while start > 0 && bytes[start - 1] != UInt8(ascii: "\n") { start -= 1 }
                    starts.insert(start)
                    from = (SourceText.firstIndex(of: UInt8(ascii: "\n"), in: bytes, from: position) ?? bytes.count) + 1
                }
            }
            return starts.sorted()
        }

        /// What separates the words of an import line.
        private static let separators = Array(" \t,()".utf8)

        private static func isSeparator(_ character: Character) -> Bool {
            character.asciiValue.map(separators.contains) ?? false
        }

        private static func mayBreakLine(_ byte: UInt8) -> Bool {
            byte == 0x0D || byte == 0x0B || byte == 0x0C || byte == 0xC2 || byte == 0xE2
        }

        /// Whether the line's first bytes after separators spell `import` or `from`: true for
        /// every line ``importWords(_:)`` keeps.
        private static func mayStartWithImport(_ line: ArraySlice<UInt8>) -> Bool {
            let rest = line.drop(while: separators.contains)
            return rest.starts(with: "import".utf8) || rest.starts(with: "from".utf8)
        }

        /// ``importWords(_:)`` of an ASCII line without `\r`, whose characters are its bytes.
        private static func importWords(ascii line: ArraySlice<UInt8>) -> [String]? {
            let words = line.split(whereSeparator: separators.contains).map { String(decoding: $0, as: UTF8.self) }
            guard let keyword = words.first, keyword == "import" || keyword == "from", words.count >= 2 else { return nil }
            return words
        }

        /// The line's words if it is an `import` or `from` statement's first line.
        private static func importWords(_ line: Substring) -> [String]? {
            let start = line.drop(while: isSeparator)
            guard start.hasPrefix("import") || start.hasPrefix("from") else { return nil }
            let words = line.split(whereSeparator: isSeparator).map(String.init)
            guard let keyword = words.first, keyword == "import" || keyword == "from", words.count >= 2 else { return nil }
            return words
        }

        /// Whether the file has a line that may import `module` (dotted): `import module`, `from
        /// module import …`, `from parent import last`, or a relative `from .… import …` naming its
        /// last component (relative imports are not resolved here, so any of them counts for a
        /// module inside a package).
        func mayImport(_ module: String) -> Bool {
            let last = module.split(separator: ".").last.map(String.init) ?? module
            guard Prefilter.containsWord(bytes, Array(last.utf8)) else { return false }
            for words in lines {
                let source = words[1]
                if words[0] == "import" {
                    if words.dropFirst().contains(where: { ModuleImports.is($0, withinModule: module) }) { return true }
                    continue
                }
                let names = words.drop { $0 != "import" }.dropFirst()
                if ModuleImports.is(source, withinModule: module) { return true }
                if source + "." + last == module && names.contains(last) { return true }
                if source.hasPrefix("."), module.contains("."), source.hasSuffix(last) || names.contains(last) { return true }
            }
            return false
        }
    }

    /// `# %%` or `# In[ ]:` at the start of a line: jupytext's percent format and nbconvert's script.
    static func hasCellMarkers(_ source: SourceText) -> Bool {
        let bytes = source.bytes
        return source.lineStarts.contains { start in
            cellMarkers.contains { marker in
                start + marker.count <= bytes.count && bytes[start..<start + marker.count].elementsEqual(marker)
            }
        }
    }

    private static let cellMarkers = ["# %%", "#%%", "# In["].map { Array($0.utf8) }

    /// A module-level statement that does the program's work: a loop, a `with`, or a call as a
    /// statement of `print`, `main`, a plotting function or a function or class of the file.
    /// Configuration calls libraries make at import (`jax.config.update`, `random.seed`,
    /// `logging.basicConfig`, registrations) do not count.
    private static func runsCodeAtTopLevel(_ model: SemanticModel) -> Bool {
        model.tree.root.namedChildren.contains { statement in
            switch statement.nodeKind {
            case .forStatement, .whileStatement, .withStatement: return true
            case .expressionStatement:
                guard let call = statement.namedChildren.first, call.nodeKind == .call, let callee = call.child(.function) else {
                    return false
                }
                if callee.nodeKind == .identifier {
                    let binding = model.moduleScope.bindings[callee.text]?.first
                    return ["print", "main"].contains(callee.text)
                        || binding?.kind == .functionDefinition || binding?.kind == .classDefinition
                }
                let root = callee.text.split(separator: ".").first.map(String.init) ?? ""
                return ["plt", "matplotlib", "app"].contains(root)
            default: return false
            }
        }
    }
}
