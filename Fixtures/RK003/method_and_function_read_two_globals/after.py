"""Synthetic regression data: the design matrix and the noise come from two module-level keys
split off one seed at import time; a method and a function each read one of them."""
import jax
import jax.numpy as jnp

X_KEY, NOISE_KEY = jax.random.split(jax.random.PRNGKey(2024))
NUM_FEATURES = 3


class LinearTask:
    def __init__(self, weights):
        self.weights = jnp.asarray(weights)

    def design(self, n):
        return jax.random.normal(X_KEY, (n, NUM_FEATURES))


def noisy_targets(task, x, scale=0.1):
    return x @ task.weights + scale * jax.random.normal(NOISE_KEY, (x.shape[0],))


def test_targets_shape():
    task = LinearTask([1.0, -2.0, 0.5])
    x = task.design(8)
    assert noisy_targets(task, x).shape == (8,)
