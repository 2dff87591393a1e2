import Testing

@testable import RekeyAnalysis

/// Which names mean "a key": the byte-level shortcut for names with neither a `k` nor an `rng`
/// agrees with the full reading, whatever the case, and leaves non-ASCII names to it.
@Suite struct KeyNamesTests {
    @Test(arguments: [
        "key", "KEY", "keys", "rng", "RNG", "rng_key", "prng_key", "subkey", "dropout_rng", "params_rng", "init_key",
        "noise_keys", "k1", "K2", "rng0", "key_3", "subkey_12",
        // The Kelvin sign lower-cases to `k`.
        "\u{212A}ey",
    ])
    func keyLikeNames(name: String) {
        #expect(KeyNames.isKeyLike(name))
    }

    @Test(arguments: ["x", "data", "params", "rnd", "ring", "string", "mask", "k_means", "kernel", "set_dict_key", "r_n_g", "ñame"])
    func otherNames(name: String) {
        #expect(!KeyNames.isKeyLike(name))
    }
}
