"""A noise layer that draws its fixed dropout mask from a module-level key derived with fold_in."""
import jax
import jax.numpy as jnp

MASK_KEY = jax.random.fold_in(jax.random.PRNGKey(0), 7)


class FixedDropout:
    def __init__(self, rate, shape):
        keep = jax.random.bernoulli(MASK_KEY, 1.0 - rate, shape)
        self.scale = keep / (1.0 - rate)

    def __call__(self, x):
        return x * self.scale


def test_fixed_dropout():
    x = jnp.ones((2, 4))
    assert FixedDropout(0.5, x.shape)(x).shape == (2, 4)
