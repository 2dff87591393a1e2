"""A Flax linen layer (as in flaxmodels' StyleGAN2) whose noise key is an attribute defaulting to a
key made when the class is defined; the file does not import `dataclasses`.

Written for Python < 3.11; since 3.11 the dataclass machinery also rejects the default (an
unhashable jax Array) with ValueError at import, after the key was made."""
from typing import Any

import flax.linen as nn
import jax.numpy as jnp
from jax import random


class NoiseLayer(nn.Module):
    features: int
    noise_strength: float = 0.1
    rng: Any = random.PRNGKey(0)

    @nn.compact
    def __call__(self, x):
        y = nn.Dense(self.features)(x)
        return y + self.noise_strength * random.normal(self.rng, y.shape)


def test_noise_layer_init():
    layer = NoiseLayer(4)
    params = layer.init(random.PRNGKey(1), jnp.ones((2, 3)))
    assert params["params"]["Dense_0"]["kernel"].shape == (3, 4)
