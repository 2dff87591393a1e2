import RekeySyntax

/// A key consumed again where an earlier use may already have consumed it.
public struct KeyReuse {
    public enum Kind: Equatable {
        /// Consumed twice on one path (RK004).
        case reused
        /// Consumed in a loop body on every iteration without a per-iteration split (RK005).
        case consumedInLoop
        /// Used after `jax.random.split` consumed it (RK006).
        case usedAfterSplit
        /// Stored on `self`, consumed by a method that leaves it in place, so the next call
        /// (of this or another method) consumes it again (RK004).
        case storedKeyNotReplaced
    }

    public let kind: Kind
    /// The expression naming the key at the second use (`key`, `keys[0]`, `self._rng`).
    public let keyText: String
    /// The call that consumes it again.
    public let use: Node
    /// The callee doing the second consumption (`jax.random.uniform`).
    public let useCallee: String
    /// The earlier consuming call and its callee.
    public let earlier: Node
    public let earlierCallee: String
    /// The expression handed over as the key at the second use (nil when it was implicit, as
    /// for a closure's free name).
    public var argument: Node?
    /// Every earlier use that may have consumed the same key on some path to this one, in source
    /// order, with the expression each was handed: what a fix has to give separate keys. A use
    /// missing here never comes before this one on the same run.
    public var earlierUses: [(call: Node, argument: Node?)] = []
    /// For a loop reuse: the loop (or comprehension) whose iterations share the key.
    public var loop: ByteRange?
    /// Whether the key may be a batch of keys (`split(key, n)` kept whole, what `vmap` maps
    /// over): `jax.random.split` accepts only a single key, so no fix may split it.
    public var keyIsBatch = false
    /// The key was drawn more than ``KeyFlowAnalysis/trackedUsesPerKey`` times on a path, so
    /// `earlierUses` holds only the first of them: enough to report, not to plan a fix.
    public var earlierUsesIncomplete = false
}

/// The consuming calls one key-flow walk has met and the reuses found among them: JAX's rule that
/// a key is consumed once, applied at each call that consumes one.
struct KeyReuseLog {
    private(set) var reuses: [KeyReuse] = []
    /// Every value consumed on some path, whether or not a name still holds it at the end: what
    /// a function does to its parameters and free names, for its summary.
    private(set) var everConsumed = Set<KeyValue>()
    /// Of those, the values consumed by a call handed nothing else that may be a key.
    private(set) var consumedOutright = Set<KeyValue>()

    private var uses: [Int: (node: Node, callee: String)] = [:]
    private var useArguments: [Int: Node] = [:]
    /// How often a use was recorded again at a site that had one: a list of earlier uses made
    /// before may name other nodes than one made now.
    private var useRewrites = 0
    private var reportedSites = Set<Int>()
    /// Where each use reported as a reuse sits in ``reuses``, by its call's start byte.
    private var reuseIndexBySite: [Int: Int] = [:]
    /// The earlier uses last listed for a reuse, by the sites they were listed from.
    private var lastEarlierUses: (sites: [Int], rewrites: Int, list: [(call: Node, argument: Node?)])?

    private static var trackedUsesPerKey: Int { KeyFlowAnalysis.trackedUsesPerKey }

    /// `call` consumes `values` on the path `state`: a value an earlier use may have consumed
    /// already is a reuse. `loop` is the innermost loop the call is in; `batches` the values
    /// known to be batches of keys.
    mutating func consume(
        _ values: Set<KeyValue>, keyNode: Node?, keyText: String? = nil, at call: Node,
        kind: KeyUse.Kind, callee: String, in state: inout KeyFlowState,
        loop: ClosedRange<Int>?, batches: Set<KeyValue>
    ) {
        guard !values.isEmpty else { return }
        if values.count == 1 { consumedOutright.formUnion(values) }
        let use = KeyUse(site: call.startByte, kind: kind)
        record(call, callee: callee, argument: keyNode)
        // Every value is judged against the state before this call: one call handed a key that
        // may be an array or its element (after a branch) consumes it once.
        let before = state
        for value in values.sorted(by: { ($0.site, $0.element ?? -1) < ($1.site, $1.element ?? -1) }) {
            let prior = before.priorUses(of: value)
            if !prior.isEmpty, let index = reuseIndexBySite[call.startByte] {
                // Another path (or loop round) reaching the same use: its earlier uses count too,
                // so a fix sees every use that may come before this one, and only those.
                let known = Set(reuses[index].earlierUses.map(\.call.startByte))
                let more = prior.filter { !known.contains($0.site) }.sorted { $0.site < $1.site }.compactMap { prior in
                    uses[prior.site].map { (call: $0.node, argument: useArguments[prior.site]) }
                }
                reuses[index].earlierUses = (reuses[index].earlierUses + more).sorted { $0.call.startByte < $1.call.startByte }
                if prior.count >= Self.trackedUsesPerKey { reuses[index].earlierUsesIncomplete = true }
            } else if let earlier = prior.min(by: { $0.site < $1.site }), !reportedSites.contains(call.startByte) {
                reportedSites.insert(call.startByte)
                reuseIndexBySite[call.startByte] = reuses.count
                let earlierInfo = uses[earlier.site] ?? (call, callee)
                let kind = Self.classify(use, prior: prior, loop: loop)
                var reuse = KeyReuse(
                    kind: kind,
                    keyText: keyText ?? keyNode?.text ?? "key", use: call, useCallee: callee,
                    earlier: earlierInfo.node, earlierCallee: earlierInfo.callee)
                reuse.argument = keyNode
                reuse.keyIsBatch = values.contains { batches.contains($0) }
                reuse.earlierUsesIncomplete = prior.count >= Self.trackedUsesPerKey
                reuse.earlierUses = earlierUses(at: prior.map(\.site).sorted())
                if kind == .consumedInLoop, let loop { reuse.loop = ByteRange(loop.lowerBound, loop.upperBound) }
                reuses.append(reuse)
            }
            if state.consumed[value, default: []].count < Self.trackedUsesPerKey {
                state.consumed[value, default: []].insert(use)
            }
            everConsumed.insert(value)
        }
    }

    /// Records `call` as a use, with the expression handed over as its key.
    mutating func record(_ call: Node, callee: String, argument: Node? = nil) {
        if uses.updateValue((call, callee), forKey: call.startByte) != nil { useRewrites += 1 }
        if let argument, useArguments.updateValue(argument, forKey: call.startByte) != nil { useRewrites += 1 }
    }

    /// A key stored on `self` that a method consumes and leaves in place: each use not reported
    /// yet is a reuse by the next call.
    mutating func reportStoredKey(_ attribute: String, consumedBy stored: Set<KeyUse>) {
        for use in stored.sorted(by: { $0.site < $1.site }) where !reportedSites.contains(use.site) {
            guard let info = uses[use.site] else { continue }
            reportedSites.insert(use.site)
            var reuse = KeyReuse(
                kind: .storedKeyNotReplaced, keyText: attribute, use: info.node,
                useCallee: info.callee, earlier: info.node, earlierCallee: info.callee)
            reuse.argument = useArguments[use.site]
            reuses.append(reuse)
        }
    }

    /// The uses recorded at `sites`, in order. Past ``trackedUsesPerKey`` draws of a key, every
    /// later reuse lists the same uses: they share one list, where a key drawn n times would
    /// otherwise hold n copies of it.
    private mutating func earlierUses(at sites: [Int]) -> [(call: Node, argument: Node?)] {
        if let last = lastEarlierUses, last.sites == sites, last.rewrites == useRewrites { return last.list }
        let list = sites.compactMap { site in uses[site].map { ($0.node, useArguments[site]) } }
        lastEarlierUses = (sites, useRewrites, list)
        return list
    }

    private static func classify(_ use: KeyUse, prior: Set<KeyUse>, loop: ClosedRange<Int>?) -> KeyReuse.Kind {
        // Reached again through a loop's back edge: the same call, or a later one in the body.
        if let loop, prior.contains(where: { $0.site == use.site || ($0.site > use.site && loop.contains($0.site)) }) {
            return .consumedInLoop
        }
        if prior.contains(where: { $0.kind == .split }) { return .usedAfterSplit }
        return .reused
    }
}
