"""Tests that share a model through a pytest fixture; the model reads a global key."""
import jax
import jax.numpy as jnp
import pytest
import equinox as eqx

KEY = jax.random.PRNGKey(2)


class Scorer(eqx.Module):
    linear: eqx.nn.Linear

    def __init__(self, dim):
        self.linear = eqx.nn.Linear(dim, 1, key=KEY)

    def __call__(self, x):
        return self.linear(x)[0]


@pytest.fixture
def scorer():
    return Scorer(4)


def test_score_is_scalar(scorer):
    assert scorer(jnp.ones(4)).shape == ()


def test_score_is_finite(scorer):
    assert bool(jnp.isfinite(scorer(jnp.zeros(4))))
