import RekeySyntax

/// What `jax.random` functions do to the key they are given, following JAX's own table
/// (verified with jax 0.10.2 under `jax_debug_key_reuse`): samplers and `split` consume their
/// key; `fold_in`, `clone` and `key_data` do not. Also the calls outside `jax.random` that are
/// known not to consume a key (inspection, abstract evaluation) and the transforms that run the
/// function they wrap.
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
        guard !member.utf8.contains(UInt8(ascii: ".")), let first = member.first, first != "_" else { return nil }
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

    // MARK: Calls that do not consume the key they are given

    /// Python builtins that read a key's type, length or text, or hand it on inside a container
    /// or iterator, without consuming it. Matched by name where the file does not rebind them.
    static let nonConsumingBuiltins: Set<String> = [
        "print", "len", "isinstance", "issubclass", "type", "id", "repr", "str", "hash", "callable",
        "hasattr", "getattr", "zip", "enumerate", "iter", "reversed", "list", "tuple",
    ]

    /// Library functions that inspect a key (shape, dtype, type, equality), move or serialise it
    /// without drawing from it. The JAX, NumPy and pickle ones were checked under
    /// `jax_debug_key_reuse` (a sampler on the key afterwards is not a reuse); chex's assertions
    /// (matched by prefix) and numpyro's validators only read shapes, dtypes and values.
    static let inspectors: Set<String> = [
        "jax.numpy.shape", "jax.numpy.ndim", "jax.numpy.size", "numpy.shape", "numpy.ndim", "numpy.size",
        "jax.dtypes.issubdtype", "jax.numpy.issubdtype", "jax.typeof", "jax.ShapeDtypeStruct",
        "jax.numpy.array_equal", "jax.device_put", "jax.block_until_ready", "jax.debug.print", "functools.partial",
        "pickle.dumps", "pickle.dump", "numpyro.util.is_prng_key", "numpyro.distributions.util.is_prng_key",
    ]
    static let inspectorPrefixes = ["chex.assert_"]

    /// Abstract evaluation: traces a function with its arguments' shapes and dtypes and runs
    /// nothing, so JAX's checker sees no consumption (`jax.eval_shape(f, key)`).
    static let tracers: Set<String> = ["jax.eval_shape"]
    /// Transforms whose result only traces when called: `jax.make_jaxpr(f)(key)`.
    /// (`jax.xla_computation`, gone from current JAX, did the same in the releases that had it.)
    static let tracingTransforms: Set<String> = ["jax.make_jaxpr", "jax.xla_computation"]
    /// Methods of a compiled function that trace or lower it without running it:
    /// `jax.jit(f).lower(key)`, `.trace(key)`, `.eval_shape(key)`.
    static let tracingMethods: Set<String> = ["lower", "trace", "eval_shape"]

    /// Transforms that return a function running the one they wrap on the same arguments:
    /// `jax.jit(f)(key)` does to `key` what `f(key)` does.
    static let runningTransforms: Set<String> = [
        "jax.jit", "jax.vmap", "jax.pmap", "jax.checkpoint", "jax.remat",
        "equinox.filter_jit", "equinox.filter_vmap", "equinox.filter_pmap",
    ]
    /// Of those, the ones that map over a leading axis: what they are handed is a batch.
    static let batchingTransforms: Set<String> = ["jax.vmap", "jax.pmap", "equinox.filter_vmap", "equinox.filter_pmap"]

    /// The functions a call of JAX's control flow runs one of, there and then: `jax.lax.cond`'s
    /// two branches after the predicate, `jax.lax.switch`'s list of branches after the index.
    /// Nil for any other callee.
    static func branches(of qualifiedName: String, positional arguments: [Node]) -> [Node]? {
        switch qualifiedName {
        case "jax.lax.cond" where arguments.count >= 3:
            return [arguments[1], arguments[2]]
        case "jax.lax.switch" where arguments.count >= 2 && [.list, .tuple].contains(arguments[1].nodeKind):
            return arguments[1].namedChildren.filter { $0.nodeKind != .comment }
        default:
            return nil
        }
    }

    /// The functions a call of JAX's loops runs on every iteration, given positionally or by
    /// name: `jax.lax.fori_loop`'s body, `jax.lax.while_loop`'s condition and body, the function
    /// `jax.lax.scan` and `jax.lax.map` apply. Nil for any other callee, and for a `fori_loop`
    /// between two integers at most one apart, which runs at most once.
    static func loopBodies(
        of qualifiedName: String, positional arguments: [Node], keywords: [(name: String, node: Node)]
    ) -> [Node]? {
        let places: [(position: Int, keyword: String)]
        switch qualifiedName {
        case "jax.lax.fori_loop":
            if arguments.count >= 2, let lower = Int(arguments[0].text), let upper = Int(arguments[1].text),
                arguments[0].nodeKind == .integer, arguments[1].nodeKind == .integer, upper - lower <= 1
            {
                return nil
            }
            places = [(2, "body_fun")]
        case "jax.lax.while_loop": places = [(0, "cond_fun"), (1, "body_fun")]
        case "jax.lax.scan", "jax.lax.map": places = [(0, "f")]
        default: return nil
        }
        return places.compactMap { place in
            place.position < arguments.count
                ? arguments[place.position] : keywords.first { $0.name == place.keyword }?.node
        }
    }

    /// Whether a call of this (qualified) callee leaves the keys it is given unconsumed: an
    /// inspection, a move, or abstract evaluation.
    static func readsWithoutConsuming(_ qualifiedName: String) -> Bool {
        inspectors.contains(qualifiedName) || tracers.contains(qualifiedName)
            || inspectorPrefixes.contains { qualifiedName.hasPrefix($0) }
    }
}
