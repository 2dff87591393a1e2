import RekeySyntax

/// A key value the flow analysis tracks: made at one site (a `PRNGKey`/`split`/`fold_in` call, a
/// parameter, an unpacking target), or one constant-index element of a key array made there.
///
/// This follows JAX's own checker: `keys[0]` is the same element however often it is written,
/// `keys[0]` and `keys[1]` are different, and unpacking (`a, b = keys`) or iterating a key array
/// yields copies that no longer share consumption with the array.
struct KeyValue: Hashable {
    /// Byte offset of the node that made the value: unique within a file.
    let site: Int
    /// The constant index for an element of a key array (``someElement`` for a computed
    /// index), nil for the value itself.
    let element: Int?

    var array: KeyValue { KeyValue(site: site, element: nil) }

    /// The element `keys[i]` names for an index known only at run time: some element, maybe a
    /// different one each time (`for i in range(n): normal(keys[i])`), so its uses do not clash
    /// with each other or with constant indices, only with uses of the whole array.
    static let someElement = Int.min
}

/// A place a key is consumed.
struct KeyUse: Hashable {
    enum Kind: Hashable {
        /// A `jax.random` sampler or a call that consumes the key (the name says which).
        case consume(String)
        /// `jax.random.split`.
        case split
    }

    /// Byte offset of the consuming call.
    let site: Int
    let kind: Kind
}

/// What is known at one program point, over every path reaching it: which key values each name
/// may hold, and for each value the uses that may already have consumed it (empty: fresh on
/// every path). Joining two states unions both, so a key consumed on either branch counts as
/// possibly consumed after the `if`.
struct KeyFlowState: Equatable {
    var names: [String: Set<KeyValue>] = [:]
    var consumed: [KeyValue: Set<KeyUse>] = [:]
    /// False after `return`/`raise`/`break`/`continue`: no path continues from here.
    var reachable = true
    /// Conditions this path has tested and not rebound since (`flag`, `self.training`), with the
    /// side it took: a second `if flag:` on the same path takes the same side.
    var conditions: [String: Bool] = [:]

    static let unreachable: KeyFlowState = {
        var state = KeyFlowState()
        state.reachable = false
        return state
    }()

    /// Joins another path's state. Each side first forgets consumption of values no name holds
    /// any more: without that, a loop head would pair "`key` may still be the parameter" (from
    /// the path that ran no iteration) with "the parameter was split" (from the path that
    /// rebound `key`), and report a reuse no run can make.
    mutating func join(_ other: KeyFlowState) {
        guard other.reachable else { return }
        var other = other
        other.forgetUnreachableValues()
        guard reachable else {
            self = other
            return
        }
        forgetUnreachableValues()
        names.merge(other.names) { $0.union($1) }
        consumed.merge(other.consumed) { $0.union($1) }
        conditions = conditions.filter { other.conditions[$0.key] == $0.value }
    }

    /// `name` (or an attribute chain under it) was bound again: what was tested about it no
    /// longer holds.
    mutating func forgetConditions(on name: String) {
        guard !conditions.isEmpty else { return }
        conditions = conditions.filter { $0.key != name && !$0.key.hasPrefix(name + ".") && !$0.key.hasPrefix(name + " ") }
    }

    /// Drops consumption records of values no name refers to (an array stays while a name holds
    /// one of its elements, and the other way round).
    mutating func forgetUnreachableValues() {
        var sites = Set<Int>()
        for values in names.values { for value in values { sites.insert(value.site) } }
        consumed = consumed.filter { sites.contains($0.key.site) }
    }

    func joined(_ other: KeyFlowState) -> KeyFlowState {
        var copy = self
        copy.join(other)
        return copy
    }

    /// Uses that may have consumed `value` already: its own, its array's (consuming an array
    /// consumes every element), or any element's (consuming an element consumes part of the
    /// array, which JAX then refuses to consume whole).
    func priorUses(of value: KeyValue) -> Set<KeyUse> {
        if value.element == KeyValue.someElement { return consumed[value.array] ?? [] }
        var uses = consumed[value] ?? []
        if value.element != nil {
            uses.formUnion(consumed[value.array] ?? [])
        } else {
            for (other, otherUses) in consumed where other.site == value.site && other.element != nil {
                uses.formUnion(otherUses)
            }
        }
        return uses
    }

    /// A value made anew at its site: earlier consumptions (from an earlier loop iteration) no
    /// longer apply to it.
    mutating func makeFresh(_ value: KeyValue) {
        consumed[value] = nil
        if value.element == nil {
            for other in consumed.keys where other.site == value.site { consumed[other] = nil }
        }
    }
}

/// The states of the paths reaching one program point, kept apart so that facts about different
/// paths do not mix: after `sub = key; for …: key, rng = split(key)`, the path that ran no
/// iteration has `key` fresh and the paths that ran some have `key` rebound, and a single joined
/// state would pair "`key` may be the original" with "the original was split". Identical states
/// are kept once; past ``limit`` they are joined into one, trading precision for bounded work.
/// 64 keeps branches inside nested loops apart (12 did not: differential seed 17 then saw a reuse
/// JAX did not) at no measurable cost on real code.
struct KeyFlowPaths: Equatable {
    private(set) var states: [KeyFlowState]

    static let limit = 64
    static let unreachable = KeyFlowPaths(states: [])

    init(_ state: KeyFlowState) {
        self.states = state.reachable ? [state] : []
    }

    private init(states: [KeyFlowState]) {
        self.states = states
    }

    var reachable: Bool { !states.isEmpty }

    mutating func join(_ other: KeyFlowPaths) {
        for state in other.states where !states.contains(state) {
            states.append(state)
        }
        if states.count > Self.limit { states = [merged] }
    }

    func joined(_ other: KeyFlowPaths) -> KeyFlowPaths {
        var copy = self
        copy.join(other)
        return copy
    }

    /// The paths on which `condition` can have the value `holds`, each now knowing it: a path
    /// that tested it before with the other outcome cannot take this side.
    func assuming(_ condition: String, is holds: Bool) -> KeyFlowPaths {
        var copy = self
        copy.forEach { state in
            if state.conditions[condition] == !holds {
                state.reachable = false
            } else {
                state.conditions[condition] = holds
            }
        }
        return copy
    }

    /// Runs `body` on every path; paths it makes unreachable are dropped.
    mutating func forEach(_ body: (inout KeyFlowState) -> Void) {
        var result = KeyFlowPaths.unreachable
        for var state in states {
            body(&state)
            if state.reachable { result.join(KeyFlowPaths(state)) }
        }
        self = result
    }

    /// All paths as one state (for summaries read at the end of a function).
    var merged: KeyFlowState {
        var merged = KeyFlowState.unreachable
        for state in states { merged.join(state) }
        return merged
    }

    static func == (lhs: KeyFlowPaths, rhs: KeyFlowPaths) -> Bool {
        lhs.states.count == rhs.states.count && lhs.states.allSatisfy(rhs.states.contains)
    }
}
