"""pytest passes a parametrized argument, so its default is not the test's own to replace."""
import jax.random as jr
import pytest


@pytest.mark.parametrize("key", [jr.PRNGKey(1), jr.PRNGKey(2)])
def test_parametrized(key=jr.PRNGKey(0)):
    assert jr.uniform(key).shape == ()
