"""Synthetic regression data, sampled from the package's key."""
import jax
import jax.numpy as jnp

FEATURES = 3


def make_batch(n, *, key):
    x = jax.random.normal(key, (n, FEATURES))
    return x, jnp.sum(x, axis=1, keepdims=True)
