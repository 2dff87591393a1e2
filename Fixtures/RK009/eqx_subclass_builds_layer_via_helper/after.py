"""A small Equinox hierarchy: the subclass's `__init__` calls a helper that builds a random layer
from a module-level key; neither takes a key."""
import equinox as eqx
import jax
import jax.numpy as jnp
import jax.random as jr

_, PROJ_KEY = jr.split(jr.PRNGKey(1))


def make_projection(dim):
    return eqx.nn.Linear(dim, dim, key=PROJ_KEY)


class Block(eqx.Module):
    dim: int = eqx.field(static=True)


class ProjectedBlock(Block):
    proj: eqx.nn.Linear

    def __init__(self, dim):
        self.dim = dim
        self.proj = make_projection(dim)

    def __call__(self, x):
        return jax.vmap(self.proj)(x)


def test_projected_block():
    assert ProjectedBlock(3)(jnp.ones((2, 3))).shape == (2, 3)
