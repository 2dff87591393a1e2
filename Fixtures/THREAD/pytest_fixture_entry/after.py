"""Tests that share a model through a pytest fixture; the model reads a global key."""
import jax
import jax.numpy as jnp
import pytest
import equinox as eqx


class Scorer(eqx.Module):
    linear: eqx.nn.Linear

    def __init__(self, dim, *, key):
        self.linear = eqx.nn.Linear(dim, 1, key=key)

    def __call__(self, x):
        return self.linear(x)[0]


@pytest.fixture
def scorer():
    key = jax.random.PRNGKey(2)
    return Scorer(4, key=key)


def test_score_is_scalar(scorer):
    assert scorer(jnp.ones(4)).shape == ()


def test_score_is_finite(scorer):
    assert bool(jnp.isfinite(scorer(jnp.zeros(4))))
