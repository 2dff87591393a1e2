"""Names that look like JAX randomness but are not: a parameter named `random` (a NumPy
generator), a local `jr` that is Python's `random.Random`, the `random` module, and `np.random`.
Calling any of them twice is fine; only the JAX key is single-use, and it is split."""
import random as pyrandom

import jax
import jax.numpy as jnp
import numpy as np


def jitter(x, random):
    a = random.normal(size=x.shape)
    b = random.normal(size=x.shape)
    return x + 0.01 * (a + b)


def shuffled_pairs(items, seed):
    jr = pyrandom.Random(seed)
    first = jr.sample(items, len(items))
    second = jr.sample(items, len(items))
    return list(zip(first, second))


def mixed_noise(x, key):
    pyrandom.seed(0)
    scale = pyrandom.random() + pyrandom.random()
    np_noise = np.random.normal(size=x.shape) + np.random.normal(size=x.shape)
    k1, k2 = jax.random.split(key)
    return x + scale * np_noise + jax.random.normal(k1, x.shape) + jax.random.uniform(k2, x.shape)


def test_names_that_are_not_jax():
    x = jnp.zeros(3)
    assert jitter(x, np.random.default_rng(0)).shape == (3,)
    assert len(shuffled_pairs([1, 2, 3], seed=0)) == 3
    assert mixed_noise(x, jax.random.PRNGKey(0)).shape == (3,)
