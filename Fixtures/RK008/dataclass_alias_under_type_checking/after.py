"""A state dataclass whose decorator is imported one way for type checkers and another at run time:
its key default is a dataclass field (RK008), not a class-scope key."""
from typing import TYPE_CHECKING

import jax
from jax.random import PRNGKey

if TYPE_CHECKING:
    from dataclasses import dataclass as state_dataclass
else:
    from flax.struct import dataclass as state_dataclass


@state_dataclass
class State:
    step: int
    rng: jax.Array


def test_state():
    key = PRNGKey(0)
    state = State(step=1, rng=key)
    assert jax.random.normal(state.rng).shape == ()
