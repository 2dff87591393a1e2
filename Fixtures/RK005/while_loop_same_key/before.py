"""Rejection sampling from a truncated Gaussian; each attempt redraws with the same key."""
import jax
import jax.numpy as jnp


def truncated_sample(key, low, high, max_tries=5):
    tries = 0
    while tries < max_tries:
        x = jax.random.normal(key, ())
        if low <= float(x) <= high:
            return x
        tries += 1
    return jnp.clip(x, low, high)


def test_truncated_sample():
    x = truncated_sample(jax.random.PRNGKey(0), 3.0, 4.0)
    assert 3.0 <= float(x) <= 4.0
