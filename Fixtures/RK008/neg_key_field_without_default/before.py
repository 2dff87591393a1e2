"""A key field without a default (the caller passes it), a module that takes its key per call,
and defaults that are not JAX randomness: NumPy in a `default_factory`, Python's `random` at
class definition, and a ClassVar."""
import dataclasses
import random
from typing import ClassVar

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np


@dataclasses.dataclass
class SamplerState:
    _rng_key: jax.Array
    temperature: float = 1.0
    jitter: np.ndarray = dataclasses.field(default_factory=lambda: np.random.normal(size=3))
    run_id: int = random.randint(0, 2**16)
    registry: ClassVar[dict] = {}

    def sample_logits(self, logits):
        self._rng_key, sub = jax.random.split(self._rng_key)
        return jax.random.categorical(sub, logits / self.temperature)


class GaussianNoise(eqx.Module):
    scale: float = 0.1

    def __call__(self, x, *, key):
        return x + self.scale * jax.random.normal(key, x.shape)


def test_states_and_noise():
    key = jax.random.PRNGKey(0)
    state_key, noise_key = jax.random.split(key)
    state = SamplerState(state_key)
    assert state.sample_logits(jnp.zeros(5)).shape == ()
    assert GaussianNoise()(jnp.ones(4), key=noise_key).shape == (4,)
