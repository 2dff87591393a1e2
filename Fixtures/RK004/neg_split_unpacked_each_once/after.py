"""Initialisation that splits once per independent need and uses each subkey once."""
import jax
import jax.numpy as jnp


def init_mlp(key, sizes):
    params = []
    keys = jax.random.split(key, len(sizes) - 1)
    for layer_key, n_in, n_out in zip(keys, sizes[:-1], sizes[1:]):
        w_key, b_key = jax.random.split(layer_key)
        params.append((jax.random.normal(w_key, (n_in, n_out)), jax.random.normal(b_key, (n_out,))))
    return params


def init_pair(key):
    k1, k2 = jax.random.split(key)
    first = jax.random.normal(k1, (2,))
    second = jax.random.uniform(k2, (2,))
    return first, second


def test_init_mlp():
    key = jax.random.PRNGKey(0)
    mlp_key, pair_key = jax.random.split(key)
    params = init_mlp(mlp_key, [3, 4, 2])
    assert [w.shape for w, _ in params] == [(3, 4), (4, 2)]
    assert init_pair(pair_key)[0].shape == (2,)
