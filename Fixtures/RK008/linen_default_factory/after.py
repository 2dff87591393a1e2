# jax-cannot-show: each module gets its own key object, all from seed 0; equal keys are not key reuse, so the checker is silent.
"""A Flax linen layer whose noise key is an attribute with `default_factory=lambda: random.PRNGKey(0)`:
every layer built without one adds the same noise."""
import dataclasses

import flax.linen as nn
import jax
import jax.numpy as jnp
from jax import random


class NoisyDense(nn.Module):
    features: int
    noise_scale: float = 0.1
    rng: jax.Array = dataclasses.field(kw_only=True)

    @nn.compact
    def __call__(self, x):
        y = nn.Dense(self.features)(x)
        return y + self.noise_scale * random.normal(self.rng, y.shape)


def test_two_noisy_layers():
    x = jnp.ones((2, 3))
    key = random.PRNGKey(0)
    key_narrow, key_wide = random.split(key)
    narrow = NoisyDense(4, rng=key_narrow)
    wide = NoisyDense(8, rng=key_wide)
    assert narrow.init(random.PRNGKey(1), x)["params"]["Dense_0"]["kernel"].shape == (3, 4)
    assert wide.init(random.PRNGKey(2), x)["params"]["Dense_0"]["kernel"].shape == (3, 8)
