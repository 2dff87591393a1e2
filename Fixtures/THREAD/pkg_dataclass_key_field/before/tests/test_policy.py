import jax.numpy as jnp

from pkg.policy import greedy_policy
from pkg.state import SamplerState, sample


def test_greedy_and_default_states_sample():
    logits = jnp.zeros(3)
    assert sample(greedy_policy(), logits).shape == ()
    assert sample(SamplerState(), logits).shape == ()
