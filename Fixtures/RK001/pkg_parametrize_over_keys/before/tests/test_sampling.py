"""Tests parametrized over keys made when the module is imported (pytest collects it once)."""
import jax
import pytest


@pytest.mark.parametrize("key", [jax.random.PRNGKey(0), jax.random.PRNGKey(1)])
def test_normal_shape(key):
    assert jax.random.normal(key, (2,)).shape == (2,)


@pytest.mark.parametrize("key, n", [(jax.random.PRNGKey(3), 2), (jax.random.PRNGKey(4), 5)], ids=["two", "five"])
def test_uniform_range(key: jax.Array, n):
    """Uniform draws stay in [0, 1)."""
    draws = jax.random.uniform(key, (n,))
    assert ((draws >= 0) & (draws < 1)).all()
