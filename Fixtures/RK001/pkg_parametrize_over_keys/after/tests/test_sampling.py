"""Tests parametrized over keys made when the module is imported (pytest collects it once)."""
import jax
import pytest


@pytest.mark.parametrize("seed", [0, 1])
def test_normal_shape(seed):
    key = jax.random.PRNGKey(seed)
    assert jax.random.normal(key, (2,)).shape == (2,)


@pytest.mark.parametrize("seed, n", [(3, 2), (4, 5)], ids=["two", "five"])
def test_uniform_range(seed, n):
    """Uniform draws stay in [0, 1)."""
    key = jax.random.PRNGKey(seed)
    draws = jax.random.uniform(key, (n,))
    assert ((draws >= 0) & (draws < 1)).all()
