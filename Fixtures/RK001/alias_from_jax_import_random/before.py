"""Inverted dropout with a fixed mask, written against `from jax import random`."""
from jax import random
import jax.numpy as jnp

_rng = random.PRNGKey(1)


class FixedDropout:
    def __init__(self, rate, shape):
        keep = random.bernoulli(_rng, 1.0 - rate, shape)
        self.mask = keep.astype(jnp.float32) / (1.0 - rate)

    def __call__(self, x):
        return x * self.mask


def test_fixed_dropout_keeps_shape():
    x = jnp.ones((2, 5))
    dropout = FixedDropout(0.5, x.shape)
    assert dropout(x).shape == x.shape
