"""A module that seeds two keys of its own and reuses the first for its noise."""
import equinox as eqx
import jax
import jax.numpy as jnp


class NoisyPair(eqx.Module):
    a: eqx.nn.Linear
    b: eqx.nn.Linear
    noise: jax.Array

    def __init__(self, size, *, key):
        ka, kb = jax.random.split(key)
        key_a, key_noise = jax.random.split(ka)
        self.a = eqx.nn.Linear(size, size, key=key_a)
        self.noise = jax.random.normal(key_noise, (size,))
        self.b = eqx.nn.Linear(size, size, key=kb)

    def __call__(self, x):
        return self.b(self.a(x) + self.noise)


def test_pair():
    key = jax.random.PRNGKey(0)
    model = NoisyPair(3, key=key)
    assert model(jnp.ones(3)).shape == (3,)
