"""A sampler whose key parameter is annotated with the key type and defaults to a key of it."""
import jax.numpy as jnp
import jax.random as jr


def sample_points(n: int, key: jr.PRNGKey = jr.PRNGKey(0)) -> jnp.ndarray:
    return jr.uniform(key, (n, 2))


def test_sample_points():
    assert sample_points(5).shape == (5, 2)
