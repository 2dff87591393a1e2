"""Dropout and Gaussian noise regularisation; the comments around the random calls must survive."""
import jax
import jax.numpy as jnp


def regularise(x, key, rate=0.1, sigma=0.01):
    # Inverted dropout: keep each unit with probability 1 - rate.
    key_keep, key_noise = jax.random.split(key)
    keep = jax.random.bernoulli(key_keep, 1.0 - rate, x.shape)  # mask
    x = jnp.where(keep, x / (1.0 - rate), 0.0)

    # Small Gaussian noise on what survived.
    noise = sigma * jax.random.normal(key_noise, x.shape)  # same key as the mask!
    return x + noise  # regularised


def test_regularise():
    assert regularise(jnp.ones(8), jax.random.PRNGKey(0)).shape == (8,)
