/// What `jax.random` functions do to the key they are given, following JAX's own table
/// (verified with jax 0.10.2 under `jax_debug_key_reuse`): samplers and `split` consume their
/// key; `fold_in`, `clone` and `key_data` do not.
public enum JaxRandomAPI {
    public static let module = "jax.random"

    public enum Role: Equatable, Sendable {
        /// `PRNGKey(seed)`, `key(seed)`, `wrap_key_data(data)`: a fresh key from non-key input.
        case constructor
        /// `split`: consumes its key, returns new ones.
        case splitter
        /// `fold_in`, `clone`: derive a key without consuming the input.
        case deriver
        /// `key_data`, `key_impl`: read a key without consuming it.
        case observer
        /// Every sampler (`normal`, `uniform`, `bernoulli`, …): consumes its key.
        case sampler
    }

    static let constructors: Set<String> = ["PRNGKey", "key", "wrap_key_data"]
    static let derivers: Set<String> = ["fold_in", "clone"]
    static let observers: Set<String> = ["key_data", "key_impl"]
    /// Members that are not functions of a key at all.
    static let nonFunctions: Set<String> = ["KeyArray", "PRNGKeyArray", "default_prng_impl"]

    /// The role of a fully qualified callee such as `jax.random.normal`; nil when it is not a
    /// `jax.random` function.
    public static func role(of qualifiedName: String) -> Role? {
        guard qualifiedName.hasPrefix(module + ".") else { return nil }
        let member = String(qualifiedName.dropFirst(module.count + 1))
        guard !member.contains("."), let first = member.first, first != "_" else { return nil }
        if constructors.contains(member) { return .constructor }
        if member == "split" { return .splitter }
        if derivers.contains(member) { return .deriver }
        if observers.contains(member) { return .observer }
        if nonFunctions.contains(member) || first.isUppercase { return nil }
        return .sampler
    }

    /// Whether a call with this callee returns a new key.
    public static func producesKey(_ qualifiedName: String) -> Bool {
        switch role(of: qualifiedName) {
        case .constructor, .splitter, .deriver: return true
        default: return false
        }
    }
}
