"""Data augmentation that mixes a NumPy generator (confusingly named `jr`) with explicit JAX keys.

`jr.normal` at module scope is NumPy's, not `jax.random.normal`: nothing JAX runs at import.
"""
import jax
import jax.numpy as jnp
import numpy as np

jr = np.random.default_rng(0)
BASE_NOISE = jnp.asarray(jr.normal(size=(4,)))


def augment(x, *, key):
    flip_key, noise_key = jax.random.split(key)
    flip = jax.random.bernoulli(flip_key, 0.5)
    x = jnp.where(flip, x[::-1], x)
    return x + BASE_NOISE + 0.01 * jax.random.normal(noise_key, x.shape)


def test_augment():
    key = jax.random.PRNGKey(0)
    keys = jax.random.split(key, 3)
    batch = [augment(jnp.arange(4.0), key=k) for k in keys]
    assert all(b.shape == (4,) for b in batch)
