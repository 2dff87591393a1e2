"""A projection whose default weights are sampled when the function is defined."""
import jax.numpy as jnp
import jax.random as jr


def project(x, w=jr.normal(jr.PRNGKey(1), (3, 2)), bias=jnp.zeros(2)):
    return x @ w + bias


def test_project():
    assert project(jnp.ones((4, 3))).shape == (4, 2)
