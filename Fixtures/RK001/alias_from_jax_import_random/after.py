"""Inverted dropout with a fixed mask, written against `from jax import random`."""
from jax import random
import jax.numpy as jnp


class FixedDropout:
    def __init__(self, rate, shape, *, key):
        keep = random.bernoulli(key, 1.0 - rate, shape)
        self.mask = keep.astype(jnp.float32) / (1.0 - rate)

    def __call__(self, x):
        return x * self.mask


def test_fixed_dropout_keeps_shape():
    x = jnp.ones((2, 5))
    rng = random.PRNGKey(1)
    dropout = FixedDropout(0.5, x.shape, key=rng)
    assert dropout(x).shape == x.shape
