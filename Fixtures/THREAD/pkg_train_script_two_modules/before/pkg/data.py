"""Synthetic regression data, sampled from the package's key."""
import jax
import jax.numpy as jnp

FEATURES = 3
KEY = jax.random.PRNGKey(0)


def make_batch(n):
    x = jax.random.normal(KEY, (n, FEATURES))
    return x, jnp.sum(x, axis=1, keepdims=True)
