"""Modules without a key that need none: deterministic layers only, a parameter named `random`
(a NumPy generator, not `jax.random`), and a plain class that is no Equinox/NNX module."""
import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np


class Normalise(eqx.Module):
    norm: eqx.nn.LayerNorm

    def __init__(self, dim):
        self.norm = eqx.nn.LayerNorm(dim)

    def __call__(self, x):
        return self.norm(x)


class Jitter(eqx.Module):
    offset: jax.Array

    def __init__(self, dim, random):
        self.offset = jnp.asarray(random.normal(size=dim))

    def __call__(self, x):
        return x + self.offset


class Module:
    def __init__(self, dim, *, key):
        self.w = jax.random.normal(key, (dim,))


def test_modules():
    x = jnp.ones(3)
    y = Jitter(3, np.random.default_rng(0))(Normalise(3)(x))
    assert y.shape == Module(3, key=jax.random.PRNGKey(0)).w.shape
