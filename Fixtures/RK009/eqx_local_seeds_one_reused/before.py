"""A module that seeds two keys of its own and reuses the first for its noise."""
import equinox as eqx
import jax
import jax.numpy as jnp


class NoisyPair(eqx.Module):
    a: eqx.nn.Linear
    b: eqx.nn.Linear
    noise: jax.Array

    def __init__(self, size):
        ka = jax.random.PRNGKey(0)
        self.a = eqx.nn.Linear(size, size, key=ka)
        self.noise = jax.random.normal(ka, (size,))
        kb = jax.random.PRNGKey(1)
        self.b = eqx.nn.Linear(size, size, key=kb)

    def __call__(self, x):
        return self.b(self.a(x) + self.noise)


def test_pair():
    model = NoisyPair(3)
    assert model(jnp.ones(3)).shape == (3,)
