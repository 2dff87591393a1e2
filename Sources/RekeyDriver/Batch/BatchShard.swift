/// `--shard I/N`: the share of a manifest that shard `I` of `N` migrates (`I` from 0, as a
/// Kubernetes Indexed Job's `JOB_COMPLETION_INDEX` counts). A repository belongs to the shard its
/// source's hash picks, not its line's: adding or removing other repositories moves none, and
/// every repository is in exactly one shard.
public struct BatchShard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init?(index: Int, count: Int) {
        guard count > 0, (0..<count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// `I/N` with `0 <= I < N`.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { return nil }
        self.init(index: index, count: count)
    }

    public var description: String { "\(index)/\(count)" }

    public func contains(_ entry: BatchManifest.Entry) -> Bool {
        Int(Self.stableHash(entry.source) % UInt64(count)) == index
    }

    /// 64-bit FNV-1a of the UTF-8 bytes: the same on every machine and run (Swift's `Hasher`
    /// is seeded per process), so every shard of a CI matrix agrees on the split.
    static func stableHash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
