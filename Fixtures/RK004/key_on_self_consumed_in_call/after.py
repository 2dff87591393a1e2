"""Dropout that keeps the key it was built with on `self` and consumes it on every call."""
import jax
import jax.numpy as jnp


class Dropout:
    def __init__(self, rate, key):
        self.rate = rate
        self.key = key

    def __call__(self, x):
        keep = jax.random.bernoulli(self.key, 1.0 - self.rate, x.shape)
        return jnp.where(keep, x / (1.0 - self.rate), 0.0)


def test_dropout_twice():
    dropout = Dropout(0.5, jax.random.PRNGKey(0))
    x = jnp.ones((3, 3))
    assert dropout(dropout(x)).shape == (3, 3)
