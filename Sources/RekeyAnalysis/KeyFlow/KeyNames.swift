/// Parameter and attribute names that mean "a key" in real code (`key`, `rng`, `rng_key`,
/// `subkey`, `k1`, `keys`, …).
public enum KeyNames {
    /// The keyword names under which libraries take a key (`eqx.nn.Linear(..., key=k)`,
    /// `model.apply(..., rng=r)`): a value passed under one of these is consumed. Deliberately
    /// narrower than ``isKeyLike``: `set_key=`, `sort_key=` take no PRNG key.
    public static func isKeyParameter(_ name: String) -> Bool { keyParameters.contains(name) }

    public static func isKeyLike(_ name: String) -> Bool {
        // Every key-like name has a `k` or an `rng` in it, whatever its case; most names have
        // neither, and an ASCII name is told so by its bytes, without lower-casing it. (A
        // non-ASCII name may lower-case into one: the Kelvin sign `K` becomes `k`.)
        if !mayBeKeyLike(name) { return false }
        let lower = name.lowercased()
        if keyLikeNames.contains(lower) { return true }
        if keyLikeSuffixes.contains(where: lower.hasSuffix) && !lower.hasSuffix("_dict_key") { return true }
        for prefix in numberedPrefixes where lower.hasPrefix(prefix) {
            let rest = lower.dropFirst(prefix.count)
            if !rest.isEmpty && rest.allSatisfy(\.isNumber) { return true }
        }
        return false
    }

    private static func mayBeKeyLike(_ name: String) -> Bool {
        var (beforeLast, last): (UInt8, UInt8) = (0, 0)
        for byte in name.utf8 {
            let lower = byte | 0x20
            if byte >= 0x80 || lower == UInt8(ascii: "k") { return true }
            if beforeLast == UInt8(ascii: "r"), last == UInt8(ascii: "n"), lower == UInt8(ascii: "g") { return true }
            (beforeLast, last) = (last, lower)
        }
        return false
    }

    // Held once: these are asked about for every parameter and keyword of every file.
    private static let keyParameters: Set = [
        "key", "rng", "rng_key", "prng_key", "subkey", "dropout_rng", "noise_key", "sample_key", "init_key",
    ]
    private static let keyLikeNames: Set = [
        "key", "keys", "rng", "rngs_key", "rng_key", "rngkey", "prng_key", "prngkey", "subkey", "sub_key",
        "subkeys", "key_", "dropout_rng", "params_rng",
    ]
    private static let keyLikeSuffixes = ["_key", "_rng", "_keys", "_subkey"]
    /// `key_1`, `k2`, `rng0`: a prefix followed by digits only.
    private static let numberedPrefixes = ["key_", "rng_", "subkey_", "key", "k", "rng"]
}
