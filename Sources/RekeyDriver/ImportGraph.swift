import RekeyAnalysis
import RekeySyntax

/// Which files of the run import which, read from their bytes before any file is parsed, so the
/// first analysis can take each file after the files it imports and hand it their key facts
/// (``parallelInDependencyOrder``). The order only saves work: the rounds of cross-file facts
/// still analyse again every file whose facts changed, so a wrong or missing edge costs time,
/// never a finding.
struct ImportGraph {
    /// For each file, the files it imports outside its own import cycle, in index order: no cycle
    /// is left, so every file can be analysed after these.
    let dependencies: [[Int]]

    /// `modules[i]`: file i's path and dotted module name ("" when it has none); `imports[i]`: the
    /// absolute module names it imports. A module several files define leads to the one the
    /// importer reaches (`definitions`, of the same files), or nowhere when it may reach more than one.
    init(modules: [(path: String, module: String)], imports: [[String]], definitions: ModuleDefinitions) {
        var fileOf: [String: Int] = [:]
        var indexOfPath: [String: Int] = [:]
        for (index, (path, module)) in modules.enumerated() where !module.isEmpty {
            if definitions.isDuplicated(module) { indexOfPath[path] = index } else { fileOf[module] = index }
        }
        let edges = imports.enumerated().map { index, names in
            let reached = definitions.reached(from: modules[index].path)
            return Set(names.compactMap { name in fileOf[name] ?? reached(name).flatMap { indexOfPath[$0] } })
                .subtracting([index]).sorted()
        }
        let component = Self.stronglyConnectedComponents(edges)
        dependencies = edges.enumerated().map { index, targets in targets.filter { component[$0] != component[index] } }
    }

    /// Tarjan's algorithm, iteratively (an import chain may be thousands of files long): the
    /// component of each node.
    static func stronglyConnectedComponents(_ edges: [[Int]]) -> [Int] {
        let count = edges.count
        var order = Array(repeating: -1, count: count)
        var lowLink = Array(repeating: 0, count: count)
        var onStack = Array(repeating: false, count: count)
        var component = Array(repeating: -1, count: count)
        var stack: [Int] = []
        var visited = 0
        var components = 0
        for root in 0..<count where order[root] < 0 {
            // (node, index of the next edge to follow)
            var path: [(node: Int, next: Int)] = [(root, 0)]
            order[root] = visited
            lowLink[root] = visited
            visited += 1
            stack.append(root)
            onStack[root] = true
            while let (node, next) = path.last {
                if next < edges[node].count {
                    path[path.count - 1].next += 1
                    let target = edges[node][next]
                    if order[target] < 0 {
                        order[target] = visited
                        lowLink[target] = visited
                        visited += 1
                        stack.append(target)
                        onStack[target] = true
                        path.append((target, 0))
                    } else if onStack[target] {
                        lowLink[node] = min(lowLink[node], order[target])
                    }
                    continue
                }
                path.removeLast()
                if let parent = path.last?.node { lowLink[parent] = min(lowLink[parent], lowLink[node]) }
                guard lowLink[node] == order[node] else { continue }
                while let member = stack.popLast() {
                    onStack[member] = false
                    component[member] = components
                    if member == node { break }
                }
                components += 1
            }
        }
        return component
    }
}

/// The modules a file imports, read from its bytes without parsing: each `import` or `from …
/// import` statement that starts a line (at any indentation), continued over brackets and
/// backslashes, comments dropped. `from m import a` names both `m` and `m.a` (which may be a
/// submodule); relative modules are resolved against `package`. A string line that starts with
/// `import` is read too: it can only add an edge to ``ImportGraph``.
enum ImportScan {
    static func importedModules(_ bytes: [UInt8], package: String) -> [String] {
        scan(bytes, package: package).modules
    }

    /// ``importedModules(_:package:)`` and ``allImportedModules(_:package:)`` from one scan.
    /// When they do not vouch, they are taken again in the text's code alone (``CodeOnlyText``):
    /// an `import` in a comment or a docstring (`>>> import jax`) is no statement, and neither is
    /// a line of a docstring that starts with one or with `from`.
    static func read(_ text: inout CodeOnlyText.OnDemand, package: String) -> (modules: [String], all: [String]?) {
        let scanned = scan(text.text, package: package)
        if isVouched(scanned, text.text) { return (scanned.modules, scanned.modules) }
        let code = text.code()
        let scannedCode = scan(code, package: package)
        return (scanned.modules, isVouched(scannedCode, code) ? scannedCode.modules : nil)
    }

    private static func isVouched(_ scanned: (modules: [String], statements: Int, doubtful: Bool), _ bytes: [UInt8]) -> Bool {
        !scanned.doubtful && scanned.statements == importWords(in: bytes)
    }

    /// The modules as ``importedModules(_:package:)`` reads them when they include every module
    /// a parse would find (``ModuleImports``), nil when the scan cannot tell. Every import
    /// statement has an `import` keyword of its own, so none was missed when the `import` words
    /// in the text are as many as the statements read, each read from its own keyword: none
    /// runs on past a `;`, and none opens a bracket before its `import` (Python never does; a
    /// line of a string that does would take in the lines after it).
    static func allImportedModules(_ bytes: [UInt8], package: String) -> [String]? {
        var text = CodeOnlyText.OnDemand(bytes)
        return read(&text, package: package).all
    }

    private static let importKeyword = Array("import".utf8)

    /// How many times `import` occurs with no ASCII letter, digit or `_` on either side: each
    /// `import` keyword, and perhaps more (after a byte-order mark, for one), never fewer.
    private static func importWords(in bytes: [UInt8]) -> Int {
        func isASCIIIdentifierByte(_ byte: UInt8) -> Bool { byte < 0x80 && Prefilter.isIdentifierByte(byte) }
        var count = 0
        var start = 0
        while let position = Prefilter.firstOccurrence(of: importKeyword, in: bytes, from: start) {
            let end = position + importKeyword.count
            if (position == 0 || !isASCIIIdentifierByte(bytes[position - 1]))
                && (end == bytes.count || !isASCIIIdentifierByte(bytes[end]))
            {
                count += 1
            }
            start = position + 1
        }
        return count
    }

    /// `doubtful`: some statement read may not be one (see ``allImportedModules(_:package:)``).
    /// A statement with a non-ASCII byte is doubtful too: its words are split at ASCII bytes,
    /// where Python would see characters (a combining mark joins a space to the word after it).
    private static func scan(_ bytes: [UInt8], package: String) -> (modules: [String], statements: Int, doubtful: Bool) {
        var modules: [String] = []
        var statements = 0
        var doubtful = false
        var position = 0
        while position < bytes.count {
            var start = position
            while start < bytes.count, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start += 1 }
            let (statement, end) = statementText(bytes, from: start)
            position = end
            guard let statement else { continue }
            let words = statement.split(whereSeparator: isWordSeparator)
            guard words.count >= 2 else { continue }
            func isDoubtful() -> Bool { statement.contains { $0 == UInt8(ascii: ";") || $0 >= 0x80 } }
            func name(_ word: ArraySlice<UInt8>) -> String { String(decoding: word, as: UTF8.self) }
            if words[0].elementsEqual(importKeyword) {
                statements += 1
                doubtful = doubtful || isDoubtful()
                var index = 1
                while index < words.count {
                    if words[index].elementsEqual(asKeyword) {
                        index += 2
                        continue
                    }
                    modules.append(name(words[index]))
                    index += 1
                }
            } else if words[0].elementsEqual(fromKeyword), words.count >= 4, words[2].elementsEqual(importKeyword) {
                statements += 1
                // `words[2]` is a slice of `statement`: what comes before it is the text before the third word.
                doubtful = doubtful || isDoubtful() || statement[..<words[2].startIndex].contains(UInt8(ascii: "("))
                let base = ModuleImports.resolve(name(words[1]), package: package)
                modules.append(base)
                var index = 3
                while index < words.count {
                    if words[index].elementsEqual(asKeyword) {
                        index += 2
                        continue
                    }
                    if !words[index].elementsEqual([UInt8(ascii: "*")]) {
                        modules.append(base.isEmpty ? name(words[index]) : base + "." + name(words[index]))
                    }
                    index += 1
                }
            }
        }
        return (modules, statements, doubtful)
    }

    private static let fromKeyword = Array("from".utf8)
    private static let asKeyword = Array("as".utf8)

    private static func isWordSeparator(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: ","), UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"), UInt8(ascii: "("),
            UInt8(ascii: ")"), UInt8(ascii: "\\"):
            return true
        default: return false
        }
    }

    private static let keywords = [importKeyword, fromKeyword]

    /// The statement starting at `start` when it is an import (its text to the end of its logical
    /// line, comments dropped), and where the next line starts.
    private static func statementText(_ bytes: [UInt8], from start: Int) -> ([UInt8]?, Int) {
        func startsWithKeyword(_ word: [UInt8]) -> Bool {
            // Told first by the line's first byte: most lines start with neither keyword's.
            guard start + word.count < bytes.count, bytes[start] == word[0], bytes[start..<(start + word.count)].elementsEqual(word)
            else { return false }
            let next = bytes[start + word.count]
            return next == UInt8(ascii: " ") || next == UInt8(ascii: "\t") || next == UInt8(ascii: "(") || next == UInt8(ascii: "\\")
        }
        let isImport = keywords.contains(where: startsWithKeyword)
        // Any other line is skipped to its end at once.
        guard isImport else {
            return (nil, SourceText.firstIndex(of: UInt8(ascii: "\n"), in: bytes, from: start).map { $0 + 1 } ?? bytes.count)
        }
        var text: [UInt8] = []
        var depth = 0
        var position = start
        var inComment = false
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: "\n") {
                inComment = false
                let continued = text.last == UInt8(ascii: "\\")
                if !isImport || (depth <= 0 && !continued) { break }
                text.append(UInt8(ascii: " "))
                continue
            }
            guard isImport, !inComment else { continue }
            switch byte {
            case UInt8(ascii: "#"): inComment = true
            case UInt8(ascii: "("): depth += 1
            case UInt8(ascii: ")"): depth -= 1
            default: break
            }
            if !inComment { text.append(byte) }
        }
        return (isImport ? text : nil, position)
    }
}
