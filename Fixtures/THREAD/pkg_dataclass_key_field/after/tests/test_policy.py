import jax
import jax.numpy as jnp

from pkg.policy import greedy_policy
from pkg.state import SamplerState, sample


def test_greedy_and_default_states_sample():
    logits = jnp.zeros(3)
    key = jax.random.PRNGKey(3)
    key_greedy_policy, key_sampler_state = jax.random.split(key)
    assert sample(greedy_policy(key=key_greedy_policy), logits).shape == ()
    assert sample(SamplerState(rng=key_sampler_state), logits).shape == ()
