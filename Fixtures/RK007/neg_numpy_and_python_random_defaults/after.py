"""Defaults drawn from NumPy and Python's `random` (shared mutable generators, but not JAX keys),
and a parameter named `random` whose default is a `random.Random`."""
import random

import jax
import jax.numpy as jnp
import numpy as np


def jitter(x, rng=np.random.default_rng(0), scale=np.random.uniform(0.0, 0.1)):
    return x + scale * rng.normal(size=np.shape(x))


def pick(items, random=random.Random(0)):
    return random.choice(items)


def noisy_pick(items, *, key):
    index = jax.random.randint(key, (), 0, len(items))
    return items[int(index)]


def test_defaults():
    assert jitter(np.zeros(3)).shape == (3,)
    assert pick([1, 2, 3]) in (1, 2, 3)
    assert noisy_pick([1, 2, 3], key=jax.random.PRNGKey(0)) in (1, 2, 3)
    assert jnp.asarray(jitter(np.zeros(2))).shape == (2,)
