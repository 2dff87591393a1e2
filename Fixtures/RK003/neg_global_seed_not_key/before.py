"""A module-level seed (an int, not a key) read by a factory that makes its own key per call."""
import jax
import jax.numpy as jnp

SEED = 0
HIDDEN = 8


def make_weights(n_in, n_out, seed=SEED):
    key = jax.random.PRNGKey(seed)
    w_key, b_key = jax.random.split(key)
    return jax.random.normal(w_key, (n_in, n_out)), jax.random.normal(b_key, (n_out,))


def test_weights_are_reproducible():
    w1, b1 = make_weights(3, HIDDEN)
    w2, b2 = make_weights(3, HIDDEN)
    assert bool(jnp.allclose(w1, w2)) and bool(jnp.allclose(b1, b2))
