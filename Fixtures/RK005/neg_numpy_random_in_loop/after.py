"""A loop that draws from NumPy and Python's `random` on every iteration (not JAX keys), and
from a JAX key that is re-split per step."""
import random

import jax
import jax.numpy as jnp
import numpy as np


def shuffle_and_perturb(xs, key, epochs=3):
    order = list(range(len(xs)))
    out = []
    for _ in range(epochs):
        random.shuffle(order)
        jitter = np.random.normal(size=len(order))
        key, sub = jax.random.split(key)
        noise = jax.random.normal(sub, (len(order),))
        out.append(jnp.asarray(xs)[jnp.asarray(order)] + jitter + noise)
    return out


def test_shuffle_and_perturb():
    assert len(shuffle_and_perturb([1.0, 2.0, 3.0], jax.random.PRNGKey(0))) == 3
