"""Subkeys taken by constant index from the split result, each used once."""
import jax
import jax.numpy as jnp


def init_block(key, dim=4):
    keys = jax.random.split(key, 3)
    q = jax.random.normal(keys[0], (dim, dim))
    k = jax.random.normal(keys[1], (dim, dim))
    v = jax.random.normal(keys[2], (dim, dim))
    return q, k, v


def test_init_block():
    q, k, v = init_block(jax.random.PRNGKey(0))
    assert q.shape == k.shape == v.shape == (4, 4)
