"""Policies built on the sampler state, in another module."""
from pkg.state import SamplerState


def greedy_policy(*, key):
    return SamplerState(temperature=0.1, rng=key)
