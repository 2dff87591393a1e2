import RekeySyntax

/// What a function does to keys, as its callers need to know.
public struct FunctionKeySummary: Equatable, Sendable, Codable {
    /// Parameters (by position, counting `self`) whose key the function may consume.
    public var consumedPositions: Set<Int> = []
    /// The same parameters by name, for keyword arguments.
    public var consumedNames: Set<String> = []
    /// Parameters (by position, counting `self`, and by name) it hands on to a callee rekey cannot
    /// see into without knowing them for keys: a caller passing a known key there has it
    /// consumed, as it would passing it to that callee itself.
    public var passedOnPositions: Set<Int> = []
    public var passedOnNames: Set<String> = []
    /// Whether the function may return a new key (`return jax.random.split(key)[1]`).
    public var returnsKey = false
    /// Whether the key it returns may be one it already consumed.
    public var returnsConsumedKey = false
    /// Module-level keys it consumes and leaves in place (a caller calling it twice reuses them).
    public var consumedGlobals: Set<String> = []
    /// Keys stored on the object (`self._rng`) it consumes and leaves in place.
    public var consumedStoredKeys: Set<String> = []
    /// Positions of a returned tuple that hold keys (`return key, x`), and the tuple's length.
    public var returnedTupleKeys: Set<Int> = []
    public var returnedTupleLength = 0
    /// Positions of a returned tuple whose key the function may already have consumed.
    public var returnedTupleConsumedKeys: Set<Int> = []

    public init() {}

    /// Whether it does to a caller's keys more than hand parameters on. Handing on consumes only
    /// what the caller knows for a key (made by `jax.random`, annotated as a key, or had from a
    /// function whose summary says more), so to a caller knowing no key it does nothing.
    public var affectsCallersWithoutKnownKeys: Bool {
        var beyondHandingOn = self
        beyondHandingOn.passedOnPositions = []
        beyondHandingOn.passedOnNames = []
        return beyondHandingOn != FunctionKeySummary()
    }
}
