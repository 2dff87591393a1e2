"""A data generator that samples features and labels from one module-level key.

The key is derived with fold_in at import time (RK001 leaves it for hand migration); the function
consumes it twice, which JAX reports as KeyReuseError on the first call.
"""
import jax
import jax.numpy as jnp

DATA_KEY = jax.random.fold_in(jax.random.PRNGKey(0), 1)


def synthetic_batch(n, dim=3):
    x = jax.random.normal(DATA_KEY, (n, dim))
    y = jax.random.bernoulli(DATA_KEY, 0.5, (n,))
    return x, y.astype(jnp.int32)


def test_synthetic_batch():
    x, y = synthetic_batch(4)
    assert x.shape == (4, 3) and y.shape == (4,)
