"""A training step that splits its key for dropout, then hands the parent to a noise helper."""
import jax
import jax.numpy as jnp
from jax.random import bernoulli, normal, split


def add_noise(x, key, scale=0.01):
    return x + scale * normal(key, x.shape)


def train_step(x, key, rate=0.1):
    dropout_key, _ = split(key)
    keep = bernoulli(dropout_key, 1.0 - rate, x.shape)
    x = jnp.where(keep, x / (1.0 - rate), 0.0)
    return add_noise(x, key)


def test_train_step():
    assert train_step(jnp.ones(5), jax.random.PRNGKey(0)).shape == (5,)
