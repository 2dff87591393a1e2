import Foundation
import RekeySyntax

/// Trees kept from one round of cross-file facts to the next, up to a fixed size in all. A file
/// whose key flow read other files' facts is analysed again when those facts change, often round
/// after round (over the jax/flax/equinox/optax sources, 607 analyses again of 630
/// files), and parsing it again was most of that. Models are not kept: a tree's node table takes
/// about 4 bytes a byte of source, a model some 30. Past the budget a file is parsed again.
final class KeptTrees: @unchecked Sendable {
    private let lock = NSLock()
    private var bytesLeft: Int

    init(bytes: Int) {
        bytesLeft = bytes
    }

    /// `tree` if it may be kept, nil if the budget is spent; `had`: what the file kept before,
    /// counted already if it is the same tree.
    func keep(_ tree: SyntaxTree, had: SyntaxTree?) -> SyntaxTree? {
        if tree === had { return tree }
        return lock.withLock {
            guard tree.memoryBytes <= bytesLeft else { return nil }
            bytesLeft -= tree.memoryBytes
            return tree
        }
    }
}

extension Engine {
    /// What ``KeptTrees`` may hold in one run: the node tables of some 10 MB of source.
    static let keptTreeBytes = 48 << 20
}
