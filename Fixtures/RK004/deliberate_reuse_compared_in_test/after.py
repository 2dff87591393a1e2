"""Tests that draw twice from one key on purpose: the compiled and eager versions of a layer must
agree, which they only do from the same key, and a test named for reproducibility. rekey reports
the reuse but never splits it (that would break the assertion); it says why."""
import jax
import jax.numpy as jnp
import numpy as np


def dropout(key, x, rate=0.5):
    keep = jax.random.bernoulli(key, 1.0 - rate, x.shape)
    return jnp.where(keep, x / (1.0 - rate), 0.0)


def test_dropout_under_jit_matches_eager():
    key = jax.random.PRNGKey(0)
    x = jnp.ones((4, 4))
    eager = dropout(key, x)
    compiled = jax.jit(dropout)(key, x)
    np.testing.assert_allclose(eager, compiled)


def test_noise_is_reproducible():
    key = jax.random.PRNGKey(1)
    first = jax.random.normal(key, (3,))
    second = jax.random.normal(key, (3,))
    assert bool((first == second).all())
