"""Sampler state whose key field defaults to a key made once, when the class is defined: every
state built without one shares it.

Written for Python < 3.11; since 3.11 the dataclass machinery also rejects the default (an
unhashable jax Array) with ValueError at import, after the key was made."""
import dataclasses

import jax


@dataclasses.dataclass
class SamplerState:
    temperature: float = 1.0
    rng: jax.Array = dataclasses.field(default=jax.random.PRNGKey(3))


def sample(state, logits):
    return jax.random.categorical(state.rng, logits / state.temperature)
