"""Sampler state kept in a dataclass whose key field defaults to a key made at import time.

Written for Python < 3.11, where every instance then shared that one key. Since Python 3.11 the
dataclass machinery also rejects the default itself (an unhashable jax Array) with ValueError at
import; the key is still created at import time first.
"""
import dataclasses

import jax
import jax.numpy as jnp
from jax.random import PRNGKey

KeyArray = jax.Array


@dataclasses.dataclass
class SamplerState:
    temperature: float = 1.0
    _rng_key: KeyArray = dataclasses.field(kw_only=True)

    def sample_logits(self, logits):
        return jax.random.categorical(self._rng_key, logits / self.temperature)


def test_two_samplers():
    logits = jnp.zeros(5)
    key = PRNGKey(0)
    key_greedy, key_creative = jax.random.split(key)
    greedy = SamplerState(temperature=0.5, _rng_key=key_greedy)
    creative = SamplerState(temperature=2.0, _rng_key=key_creative)
    assert greedy.sample_logits(logits).shape == creative.sample_logits(logits).shape
