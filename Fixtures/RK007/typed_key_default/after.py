"""A sampler whose key parameter is annotated with the key type and defaults to a key of it."""
import jax.numpy as jnp
import jax.random as jr


def sample_points(n: int, *, key: jr.PRNGKey) -> jnp.ndarray:
    return jr.uniform(key, (n, 2))


def test_sample_points():
    key = jr.PRNGKey(0)
    assert sample_points(5, key=key).shape == (5, 2)
