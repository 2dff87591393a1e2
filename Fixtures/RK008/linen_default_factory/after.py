"""A Flax linen layer whose noise key is an attribute with `default_factory=lambda: random.PRNGKey(0)`."""
import dataclasses

import flax.linen as nn
import jax
import jax.numpy as jnp
from jax import random


class NoisyDense(nn.Module):
    features: int
    noise_scale: float = 0.1
    rng: jax.Array = dataclasses.field(default_factory=lambda: random.PRNGKey(0))

    @nn.compact
    def __call__(self, x):
        y = nn.Dense(self.features)(x)
        return y + self.noise_scale * random.normal(self.rng, y.shape)


def test_noisy_dense_applied_twice():
    model = NoisyDense(4)
    x = jnp.ones((2, 3))
    params = model.init(random.PRNGKey(1), x)
    first = model.apply(params, x)
    second = model.apply(params, x)
    assert first.shape == second.shape == (2, 4)
