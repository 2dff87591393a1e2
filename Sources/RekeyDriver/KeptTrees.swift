import Foundation
import RekeyAnalysis
import RekeySyntax

/// Trees kept from a file's analysis for the stages that may read it again, up to a fixed size
/// in all: the rounds of cross-file facts (a file whose key flow read other files' facts is
/// analysed again when they change, often round after round), then the cross-file guard and
/// the screening of fixes, which read the files with fixes and their callers (on the 1x sdist
/// tree they parsed again some 150 files the analysis had parsed). Models are not kept: a tree's
/// node table takes about 4 bytes a byte of source, a model some 30. Past the budget a file is
/// parsed again. Files are analysed largest first, so without a reserve the first large files
/// would spend it all, and the files the guard reads on a large tree (on a doubled one, the
/// importers of modules whose fixes change names) would be parsed again.
final class KeptTrees: @unchecked Sendable {
    private let lock = NSLock()
    private var bytesLeft: Int
    /// What only trees likely to be read again may take: the last quarter of the budget.
    private let reserve: Int
    /// Modules with a fix that changes a name other files may use: the cross-file guard reads
    /// the files importing them. A file is analysed after the files it imports, so an importer
    /// finds its module here when it comes to keep its tree.
    private var modulesChangingNames: Set<String> = []

    init(bytes: Int) {
        bytesLeft = bytes
        reserve = bytes / 4
    }

    /// `tree` if it may be kept, nil if the budget is spent; `had`: what the file kept before,
    /// counted already if it is the same tree. `wanted`: whether a later stage is likely to
    /// read it (the file has fixes, which screening applies, or imports a module in
    /// ``modulesChangingNames``); once the budget is down to its reserve, only those are kept.
    func keep(_ tree: SyntaxTree, had: SyntaxTree?, wanted: Bool) -> SyntaxTree? {
        if tree === had { return tree }
        return lock.withLock {
            guard tree.memoryBytes <= bytesLeft - (wanted ? 0 : reserve) else { return nil }
            bytesLeft -= tree.memoryBytes
            return tree
        }
    }

    func noteChangingNames(in module: String) {
        lock.withLock { _ = modulesChangingNames.insert(module) }
    }

    /// Whether one of `imported` is, or is inside, a module in ``modulesChangingNames``: the
    /// module itself or a package above it (each name before a `.`) is one of them.
    func importsModuleChangingNames(_ imported: Set<String>) -> Bool {
        lock.withLock {
            !modulesChangingNames.isEmpty
                && imported.contains { module in
                    modulesChangingNames.contains(module)
                        || ModuleImports.packages(above: module).contains(where: modulesChangingNames.contains)
                }
        }
    }
}

extension Engine {
    /// What ``KeptTrees`` may hold in one run: the node tables of some 24 MB of source. Every
    /// analysed file of the 1x sdist tree fits (11 MB), and nearly every one of a tree of twice
    /// as many packages (3,132 files, 48 MB, the size of tree issue 10 measures on). There, 64 MB
    /// kept two thirds, and parsing the rest again for the guard and screening made the run grow
    /// 2.07 times in instructions against the tree's 2; with 96 MB it grows 2.02 times, and its
    /// peak memory goes from 204 MB to 222 MB. Past the budget, a larger tree parses again.
    static let keptTreeBytes = 96 << 20
    /// What ``StageTrees`` may hold in one run: the node tables of some 4 MB of source.
    static let stageTreeBytes = 16 << 20
}

/// Trees the cross-file guard and screening parse of texts the analysis did not keep, shared by
/// both stages up to a fixed size. The guard's parse of a file then serves screening, and
/// screening's parse of a caller for its call index serves the later question of its signatures;
/// before, each stage, and each question past its cache's budget, parsed the text again. Texts
/// are known by identity (each tree holds its text).
final class StageTrees: @unchecked Sendable {
    private let lock = NSLock()
    private let room: KeptTrees
    private var trees: [ObjectIdentifier: SyntaxTree] = [:]

    init(bytes: Int) {
        room = KeptTrees(bytes: bytes)
    }

    func tree(of source: SourceText) -> SyntaxTree? {
        lock.withLock { trees[ObjectIdentifier(source)] }
    }

    /// Whether `tree` was kept (false: no room left).
    func keep(_ tree: SyntaxTree) -> Bool {
        guard room.keep(tree, had: nil, wanted: true) != nil else { return false }
        lock.withLock { trees[ObjectIdentifier(tree.source)] = tree }
        return true
    }
}
