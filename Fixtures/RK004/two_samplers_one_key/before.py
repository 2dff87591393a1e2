"""Glorot-style initialisation of a dense layer: weights and bias drawn from the same key."""
import jax
import jax.numpy as jnp


def init_dense(key, n_in, n_out):
    limit = jnp.sqrt(6.0 / (n_in + n_out))
    w = jax.random.uniform(key, (n_in, n_out), minval=-limit, maxval=limit)
    b = 0.01 * jax.random.normal(key, (n_out,))
    return w, b


def test_init_dense():
    w, b = init_dense(jax.random.PRNGKey(0), 4, 3)
    assert w.shape == (4, 3) and b.shape == (3,)
