"""Noise functions registered in a table, one of them a lambda with a default key."""
import jax
import jax.numpy as jnp

NOISES = {
    "zero": lambda shape: jnp.zeros(shape),
    "gaussian": lambda shape, key=jax.random.PRNGKey(0): jax.random.normal(key, shape),
}


def test_noises():
    assert NOISES["gaussian"]((3,)).shape == NOISES["zero"]((3,)).shape
