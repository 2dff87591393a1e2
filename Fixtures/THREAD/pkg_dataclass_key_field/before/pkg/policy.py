"""Policies built on the sampler state, in another module."""
from pkg.state import SamplerState


def greedy_policy():
    return SamplerState(temperature=0.1)
